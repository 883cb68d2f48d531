"""The SDK clients: created once per process, lazily, and shared by every repository.

Against Azurite the clients sign with the well-known account key; in Azure they sign in as the
app's user-assigned managed identity, named by its client id, and no key exists at all
(allowSharedKeyAccess is false).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from azure.core.exceptions import ResourceExistsError
from azure.data.tables import TableClient, TableServiceClient
from azure.storage.blob import BlobServiceClient, ContainerClient
from azure.storage.blob import LinearRetry as BlobLinearRetry
from azure.storage.queue import (
    BinaryBase64DecodePolicy,
    BinaryBase64EncodePolicy,
    QueueClient,
    QueueServiceClient,
)
from azure.storage.queue import LinearRetry as QueueLinearRetry

from shared.config import StorageConfig
from shared.storage.errors import translated

# Fail fast when storage is down: the caller gets a 503 within seconds instead of hanging in
# the SDK's default retry schedule (which can take a minute against a stopped emulator).
_CLIENT_OPTIONS: dict[str, Any] = {
    "retry_total": 2,
    "retry_backoff_factor": 0.2,
    "retry_backoff_max": 2,
    "connection_timeout": 5,
    "read_timeout": 30,
    # Storage is reached directly: never through a proxy named in the environment, nor with
    # credentials from a .netrc. It also spares a walk over os.environ on every request.
    "use_env_settings": False,
}


class StorageClients:
    """Lazily built service clients plus the set of tables, containers and queues known to exist."""

    def __init__(
        self,
        config: StorageConfig,
        *,
        request_hook: Callable[[Any], None] | None = None,
        read_timeout: float | None = None,
    ) -> None:
        """`request_hook` sees every request the SDKs send, retries included (the bench counts
        storage round trips with it). `read_timeout` replaces the 30 s wait for an answer: the
        bench's emulator, holding a large setting, can take longer than that over one transaction."""
        self._config = config
        self._request_hook = request_hook
        self._read_timeout = read_timeout
        self._lock = threading.Lock()
        self._services: dict[str, Any] = {}
        self._ready: set[str] = set()
        self._credential: Any = None

    @property
    def config(self) -> StorageConfig:
        return self._config

    def _service(self, kind: str) -> Any:
        with self._lock:
            if kind not in self._services:
                self._services[kind] = self._build(kind)
            return self._services[kind]

    def _build(self, kind: str) -> Any:
        classes = {"table": TableServiceClient, "blob": BlobServiceClient, "queue": QueueServiceClient}
        cls: Any = classes[kind]
        options = dict(_CLIENT_OPTIONS)
        if self._read_timeout is not None:
            options["read_timeout"] = self._read_timeout
        if self._request_hook is not None:
            options["raw_request_hook"] = self._request_hook
        if kind != "table":
            # The storage SDKs bring their own retry policy, whose default first back-off is 15 s.
            retry = BlobLinearRetry if kind == "blob" else QueueLinearRetry
            options["retry_policy"] = retry(backoff=1, random_jitter_range=0, retry_total=2)
        if self._config.connection_string:
            return cls.from_connection_string(self._config.connection_string, **options)
        endpoint = getattr(self._config, f"{kind}_endpoint")
        return cls(endpoint, credential=self.credential(), **options)

    def credential(self) -> Any:
        """The one credential the endpoints are reached with (never an account key).

        In Azure: exactly the app's user-assigned identity. Not DefaultAzureCredential, whose chain
        would take a stray AZURE_CLIENT_SECRET or workload-identity setting before the identity.
        Without a client id (an operator running `python -m shared.cli` on a laptop): the
        operator's own `az login`, and nothing else.
        """
        if self._credential is None:
            client_id = self._config.managed_identity_client_id
            if client_id:
                from azure.identity import ManagedIdentityCredential

                self._credential = ManagedIdentityCredential(client_id=client_id)
            else:
                from azure.identity import AzureCliCredential

                self._credential = AzureCliCredential()
        return self._credential

    @property
    def blob_service(self) -> BlobServiceClient:
        service: BlobServiceClient = self._service("blob")
        return service

    @property
    def table_service(self) -> TableServiceClient:
        service: TableServiceClient = self._service("table")
        return service

    @property
    def queue_service(self) -> QueueServiceClient:
        service: QueueServiceClient = self._service("queue")
        return service

    def table(self, name: str) -> TableClient:
        """A client for one table, created in storage on first use."""
        service: TableServiceClient = self._service("table")
        if f"table:{name}" not in self._ready:
            with translated():
                service.create_table_if_not_exists(name)
            self._ready.add(f"table:{name}")
        return service.get_table_client(name)

    def container(self, name: str) -> ContainerClient:
        """A client for one private container, created on first use (never public: S28)."""
        client = self.blob_service.get_container_client(name)
        if f"blob:{name}" not in self._ready:
            with translated(), suppress(ResourceExistsError):  # another process may have made it
                client.create_container()
            self._ready.add(f"blob:{name}")
        return client

    def queue(self, name: str) -> QueueClient:
        """A client for one queue, created on first use.

        Messages are base64 encoded because that is what the Functions host expects by default
        (host.json extensions.queues.messageEncoding); plain text would land in the poison queue.
        """
        service: QueueServiceClient = self._service("queue")
        client = service.get_queue_client(
            name,
            message_encode_policy=BinaryBase64EncodePolicy(),
            message_decode_policy=BinaryBase64DecodePolicy(),
        )
        if f"queue:{name}" not in self._ready:
            with translated(), suppress(ResourceExistsError):
                client.create_queue()
            self._ready.add(f"queue:{name}")
        return client
