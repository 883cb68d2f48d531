"""Every contract test runs twice: against the in-memory fakes and against the real adapters on
Azurite, wired the way shared/bootstrap.py wires them. A fake that drifts from its adapter fails here.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest

from shared import bootstrap
from shared.clock import FrozenClock
from shared.config import Config, load_config
from shared.mail.message import Mail
from shared.services.deps import Deps
from shared.storage.clients import StorageClients
from shared.storage.queue_names import EXPORT_QUEUE, MAIL_QUEUE, RESET_QUEUE
from tests.fakes import wiring
from tests.fakes.queues import MemoryExportRequests, MemoryOutbox, MemoryResetRequests

Queued = Callable[[str, str], list[object]]


@pytest.fixture(scope="session")
def memory_config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    var = Path(tmp_path_factory.mktemp("memory")) / "var"
    return load_config(
        {"JOURNAL_ENVIRONMENT": "local", "JOURNAL_VAR_DIR": str(var), "JOURNAL_ARGON2_PROFILE": "test"}
    )


@pytest.fixture(params=["memory", "azurite"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def ports(backend: str, request: pytest.FixtureRequest, clock: FrozenClock) -> Deps:
    """The ports under test: fakes, or adapters on the shared test Azurite (started only here)."""
    if backend == "memory":
        return wiring.build(request.getfixturevalue("memory_config"), clock).deps
    config: Config = request.getfixturevalue("config")
    clients: StorageClients = request.getfixturevalue("clients")
    return bootstrap.build(config, clients, clock)


@pytest.fixture
def setting_id() -> str:
    """A fresh setting for each test: the Azurite tables are shared by the whole run."""
    return "s" + secrets.token_hex(8)


@pytest.fixture
def queued(backend: str, ports: Deps, request: pytest.FixtureRequest) -> Queued:
    """The messages on a queue (mail, reset or export) whose body holds `marker`, taken off it as
    its consumer would take them; other tests' messages are left where they are."""
    if backend == "memory":

        def read_memory(queue: str, marker: str) -> list[object]:
            if queue == MAIL_QUEUE:
                assert isinstance(ports.outbox, MemoryOutbox)
                return [m for m in ports.outbox.mails if marker in m.to_json()]
            if queue == RESET_QUEUE:
                assert isinstance(ports.resets, MemoryResetRequests)
                bodies = [{"setting": s, "email": e} for s, e in ports.resets.requests]
            else:
                assert isinstance(ports.export_requests, MemoryExportRequests)
                bodies = [{"setting": s, "export": e} for s, e in ports.export_requests.requests]
            return [b for b in bodies if marker in json.dumps(b)]

        return read_memory
    clients: StorageClients = request.getfixturevalue("clients")

    def read_azurite(queue: str, marker: str) -> list[object]:
        found: list[object] = []
        client = clients.queue(queue)
        for message in client.receive_messages(max_messages=32, visibility_timeout=5):
            text = message.content.decode("utf-8")
            if marker in text:
                found.append(Mail.from_json(text) if queue == MAIL_QUEUE else json.loads(text))
                client.delete_message(message)
            else:  # another test's: visible again at once
                client.update_message(message, visibility_timeout=0)
        return found

    return read_azurite


__all__ = ["EXPORT_QUEUE", "MAIL_QUEUE", "RESET_QUEUE", "Queued"]
