"""When a dependency fails, callers get a clear 503, never a 500 or a hang, and /api/health says
which one: the configuration, storage or mail, with a stable code and no secret."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest

from devhost.azurite import start_azurite
from functions.auth import login
from functions.health import health
from shared import bootstrap
from shared.config import load_config
from shared.storage.clients import StorageClients
from shared.storage.health import dependency_report, storage_answers


@pytest.fixture
def doomed_storage(tmp_path: Path) -> Iterator[object]:
    emulator = start_azurite()
    config = load_config(
        {
            "JOURNAL_ENVIRONMENT": "local",
            "JOURNAL_VAR_DIR": str(tmp_path),
            "JournalStorage": emulator.connection_string,
            "JOURNAL_ARGON2_PROFILE": "test",
        }
    )
    clients = StorageClients(config.storage)
    bootstrap.use(bootstrap.build(config, clients), clients)
    yield emulator
    emulator.stop()
    bootstrap.reset()


def call(handler: object, method: str, path: str, body: object = None) -> func.HttpResponse:
    raw = json.dumps(body).encode() if body is not None else b""
    request = func.HttpRequest(
        method, f"http://127.0.0.1{path}", headers={"Content-Type": "application/json"}, body=raw
    )
    return handler(request)  # type: ignore[operator, no-any-return]


def test_health_is_ok_while_storage_answers_and_503_when_it_stops(doomed_storage: object) -> None:
    response = call(health, "GET", "/api/health")
    assert response.status_code == 200
    assert json.loads(response.get_body()) == {
        "status": "ok", "configuration": "ok", "storage": "ok", "mail": "ok", "problems": [],
    }  # fmt: skip
    doomed_storage.stop()  # type: ignore[attr-defined]
    response = call(health, "GET", "/api/health")
    assert response.status_code == 503
    body = json.loads(response.get_body())
    assert body["status"] == "degraded" and body["storage"] == "unavailable"
    assert body["configuration"] == "ok" and body["mail"] == "ok"
    assert body["problems"] == [
        {"dependency": "storage", "code": "storage_unavailable", "settings": [],
         "services": ["blobs", "queues", "tables"]},
    ]  # fmt: skip


def test_a_sign_in_while_storage_is_down_is_a_503_with_the_error_shape(doomed_storage: object) -> None:
    doomed_storage.stop()  # type: ignore[attr-defined]
    response = call(
        login, "POST", "/api/auth/login", {"setting": "acorns", "email": "a@b.example", "password": "x"}
    )
    assert response.status_code == 503
    error = json.loads(response.get_body())["error"]
    assert error["code"] == "storage_unavailable"
    assert "127.0.0.1" not in error["message"]


def test_a_health_probe_reads_and_creates_nothing_in_a_fresh_storage_account(tmp_path: Path) -> None:
    """The platform probes every cold instance: the probe must not change storage, and asks each
    service once (three requests, at once), not create tables, containers and queues first."""
    emulator = start_azurite()
    try:
        config = load_config({"JOURNAL_ENVIRONMENT": "local", "JOURNAL_VAR_DIR": str(tmp_path),
                              "JournalStorage": emulator.connection_string})  # fmt: skip
        sent: list[object] = []
        clients = StorageClients(config.storage, request_hook=sent.append)
        assert storage_answers(clients) == {"tables": "ok", "blobs": "ok", "queues": "ok"}
        assert len(sent) == 3
        assert list(clients.table_service.list_tables()) == []
        assert list(clients.blob_service.list_containers()) == []
        assert list(clients.queue_service.list_queues()) == []
    finally:
        emulator.stop()


# ---------------------------------------------------------------- which dependency, and why


@pytest.fixture
def emulator() -> Iterator[Any]:
    running = start_azurite()
    yield running
    running.stop()


def local_env(emulator: Any, tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        "JOURNAL_ENVIRONMENT": "local",
        "JOURNAL_VAR_DIR": str(tmp_path),
        "JournalStorage": emulator.connection_string,
    }
    env.update(overrides)
    return env


def report(env: dict[str, str]) -> dict[str, Any]:
    def clients() -> StorageClients:
        return StorageClients(load_config(env).storage)

    return dependency_report(env, lambda: load_config(env), clients)


def _key(size: int = 32) -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(size)).decode().rstrip("=")


def test_an_unresolved_key_vault_reference_is_a_configuration_problem_while_storage_is_fine(
    emulator: Any, tmp_path: Path
) -> None:
    reference = "@Microsoft.KeyVault(SecretUri=https://kv-abc.vault.azure.net/secrets/peppers/)"
    body = report(local_env(emulator, tmp_path, JOURNAL_PEPPERS=reference))
    assert body["status"] == "degraded"
    assert (body["configuration"], body["storage"], body["mail"]) == ("missing", "ok", "ok")
    assert body["problems"] == [
        {"dependency": "configuration", "code": "config_secret_unresolved", "settings": ["JOURNAL_PEPPERS"]}
    ]
    assert "kv-abc" not in json.dumps(body)


def test_mail_left_unset_at_provisioning_is_reported_as_mail_not_configured(
    emulator: Any, tmp_path: Path
) -> None:
    body = report(local_env(emulator, tmp_path, JOURNAL_MAIL_TRANSPORT="smtp", JOURNAL_SMTP_HOST=""))
    assert (body["configuration"], body["storage"], body["mail"]) == ("ok", "ok", "missing")
    assert body["problems"] == [
        {"dependency": "mail", "code": "mail_not_configured", "settings": ["JOURNAL_SMTP_HOST"]}
    ]


def test_a_mail_setting_the_transport_refuses_is_mail_refused(emulator: Any, tmp_path: Path) -> None:
    env = local_env(emulator, tmp_path, JOURNAL_MAIL_TRANSPORT="smtp", JOURNAL_SMTP_HOST="127.0.0.1",
                    JOURNAL_SMTP_USERNAME="journal")  # fmt: skip
    body = report(env)
    assert body["mail"] == "refused"
    assert [p["code"] for p in body["problems"]] == ["mail_refused"]


def test_storage_that_refuses_our_credentials_is_told_apart_from_storage_that_is_down(
    emulator: Any, tmp_path: Path
) -> None:
    wrong_key = base64.b64encode(secrets.token_bytes(64)).decode()
    connection = emulator.connection_string.replace(
        emulator.connection_string.split("AccountKey=")[1].split(";")[0], wrong_key
    )
    body = report(local_env(emulator, tmp_path, JournalStorage=connection))
    assert body["storage"] == "refused"
    assert [(p["code"], p["services"]) for p in body["problems"]] == [
        ("storage_refused", ["blobs", "queues", "tables"])
    ]
    assert wrong_key not in json.dumps(body)


def test_a_refused_key_ring_names_the_setting_and_never_its_value(emulator: Any, tmp_path: Path) -> None:
    short = _key(16)
    body = report(local_env(emulator, tmp_path, JOURNAL_JWT_KEYS=json.dumps({"jwt-1": short})))
    assert (body["configuration"], body["storage"], body["mail"]) == ("refused", "ok", "ok")
    assert body["problems"] == [
        {"dependency": "configuration", "code": "config_refused", "settings": ["JOURNAL_JWT_KEYS"]}
    ]
    assert short not in json.dumps(body)


def test_storage_settings_missing_in_production_are_a_storage_problem(tmp_path: Path) -> None:
    env = {
        "JOURNAL_ENVIRONMENT": "production",
        "JOURNAL_PUBLIC_BASE_URL": "https://journal.example.org",
        "JOURNAL_JWT_KEYS": json.dumps({"jwt-1": _key()}),
        "JOURNAL_PEPPERS": json.dumps({"p-1": _key()}),
        "JOURNAL_SEALING_KEYS": json.dumps({"s-1": _key()}),
        "JOURNAL_MAIL_FROM": "Journal <no-reply@example.org>",
        "JOURNAL_SMTP_HOST": "smtp.example.org",
    }
    body = dependency_report(
        env, lambda: load_config(env), lambda: pytest.fail("no clients without settings")
    )
    assert (body["configuration"], body["storage"], body["mail"]) == ("ok", "missing", "ok")
    assert [p["code"] for p in body["problems"]] == ["storage_config_missing"]
    assert "JournalStorage__tableServiceUri" in body["problems"][0]["settings"]
