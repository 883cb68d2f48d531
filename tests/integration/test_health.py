"""When storage stops answering, callers get a clear 503, never a 500 or a hang."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import azure.functions as func
import pytest

from devhost.azurite import start_azurite
from functions.auth import login
from functions.health import health
from shared import bootstrap
from shared.config import load_config
from shared.storage.clients import StorageClients
from shared.storage.health import storage_answers


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
    clients = bootstrap.StorageClients(config.storage)
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
    assert call(health, "GET", "/api/health").status_code == 200
    doomed_storage.stop()  # type: ignore[attr-defined]
    response = call(health, "GET", "/api/health")
    assert response.status_code == 503
    assert json.loads(response.get_body()) == {"status": "degraded", "storage": "unavailable"}


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
        assert storage_answers(clients) == {"tables": True, "blobs": True, "queues": True}
        assert len(sent) == 3
        assert list(clients.table_service.list_tables()) == []
        assert list(clients.blob_service.list_containers()) == []
        assert list(clients.queue_service.list_queues()) == []
    finally:
        emulator.stop()
