"""Production mail is always encrypted, and production storage signs in only as the app identity."""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path

import pytest
from azure.identity import AzureCliCredential, ManagedIdentityCredential

from shared.config import ConfigError, StorageConfig, load_config
from shared.storage.clients import StorageClients


def _key_ring(kid: str) -> str:
    return json.dumps({kid: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")})


def production(**overrides: str) -> dict[str, str]:
    env = {
        "JOURNAL_ENVIRONMENT": "production",
        "JOURNAL_PUBLIC_BASE_URL": "https://journal.example.org",
        "JournalStorage__tableServiceUri": "https://data.table.core.windows.net/",
        "JournalStorage__blobServiceUri": "https://blob.blob.core.windows.net/",
        "JournalStorage__queueServiceUri": "https://data.queue.core.windows.net/",
        "JOURNAL_JWT_KEYS": _key_ring("jwt-1"),
        "JOURNAL_PEPPERS": _key_ring("pepper-1"),
        "JOURNAL_SEALING_KEYS": _key_ring("sealing-1"),
        "JOURNAL_MAIL_FROM": "Learning Journal <no-reply@example.org>",
        "JOURNAL_SMTP_HOST": "smtp.example.org",
    }
    env.update(overrides)
    return env


@pytest.mark.parametrize("username", ["", "journal"])
def test_production_refuses_smtp_without_starttls_with_or_without_a_username(username: str) -> None:
    env = production(
        JOURNAL_SMTP_STARTTLS="false", JOURNAL_SMTP_USERNAME=username, JOURNAL_SMTP_PASSWORD="pw"
    )
    with pytest.raises(ConfigError, match="JOURNAL_SMTP_STARTTLS"):
        load_config(env)


def test_production_smtp_uses_starttls_by_default_and_when_asked() -> None:
    assert load_config(production()).mail.smtp_starttls is True
    assert load_config(production(JOURNAL_SMTP_STARTTLS="true")).mail.smtp_starttls is True


def test_local_development_may_still_talk_plain_smtp_to_a_test_server(tmp_path: Path) -> None:
    env = {"JOURNAL_ENVIRONMENT": "local", "JOURNAL_VAR_DIR": str(tmp_path), "JOURNAL_MAIL_TRANSPORT": "smtp",
           "JOURNAL_SMTP_HOST": "127.0.0.1", "JOURNAL_SMTP_STARTTLS": "false"}  # fmt: skip
    assert load_config(env).mail.smtp_starttls is False


def _endpoints(client_id: str | None) -> StorageConfig:
    return StorageConfig(
        connection_string=None,
        table_endpoint="https://data.table.core.windows.net/",
        blob_endpoint="https://blob.blob.core.windows.net/",
        queue_endpoint="https://data.queue.core.windows.net/",
        managed_identity_client_id=client_id,
    )


def test_in_azure_storage_signs_in_only_as_the_named_managed_identity(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A stray service principal in the environment must not be picked up instead of the identity.
    monkeypatch.setenv("AZURE_TENANT_ID", "00000000-0000-0000-0000-000000000000")
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "not-a-real-secret")
    credential = StorageClients(_endpoints("11111111-2222-3333-4444-555555555555")).credential()
    assert type(credential) is ManagedIdentityCredential


def test_the_client_id_comes_from_the_app_settings_azure_writes() -> None:
    config = load_config(production(JournalStorage__clientId="11111111-2222-3333-4444-555555555555"))
    assert config.storage.managed_identity_client_id == "11111111-2222-3333-4444-555555555555"


def test_without_a_client_id_an_operator_signs_in_with_their_own_az_login_only() -> None:
    assert type(StorageClients(_endpoints(None)).credential()) is AzureCliCredential
