"""Storage is reached directly: a proxy named in the environment never sees our storage traffic
(in tests it would carry children's records off loopback; in Azure, past the storage firewall)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import suppress

import pytest

from devhost.queues import _existing_queue
from shared.config import Config
from shared.storage.clients import StorageClients


@pytest.fixture
def proxy_that_records() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback "proxy" that records what arrives and hangs up: a request sent through it fails
    at once, and what it saw is kept."""
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:  # closed: the test is over
                return
            with connection:
                connection.settimeout(1)
                with suppress(OSError):
                    seen.append(connection.recv(4096))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", seen
    listener.close()
    thread.join(timeout=5)


def test_storage_requests_ignore_a_proxy_in_the_environment(
    config: Config, proxy_that_records: tuple[str, list[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy, seen = proxy_that_records
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, proxy)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    clients = StorageClients(config.storage)

    table = clients.table("proxycheck")
    table.upsert_entity({"PartitionKey": "p", "RowKey": "r", "Text": "kept on loopback"})
    assert table.get_entity("p", "r")["Text"] == "kept on loopback"
    container = clients.container("proxycheck")
    container.upload_blob("note.txt", b"kept on loopback", overwrite=True)
    assert container.download_blob("note.txt").readall() == b"kept on loopback"
    queue = clients.queue("proxycheck")
    queue.send_message(b"kept on loopback")
    # The local host's queue workers poll with clients of their own.
    worker_queue = _existing_queue(config.storage.connection_string, "proxycheck")
    assert len(worker_queue.peek_messages()) == 1

    assert seen == [], "a storage request went to the proxy"
