"""One private container of blobs: write, read, list, batch-delete, and sign short read links.

Photos and exports each have one, and every container is private (S28): bytes leave storage only
through read-only, single-blob links that live at most 10 minutes (shared.storage.sas). Blob names
are made from server ids in shared.domain (S25).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from azure.storage.blob import ContentSettings

from shared.clock import Clock
from shared.domain.errors import StorageUnavailable
from shared.storage.clients import StorageClients
from shared.storage.errors import translated
from shared.storage.sas import BLOB_CACHE_CONTROL, BlobReadLinks, read_links_for

# ContainerClient.delete_blobs takes at most 256 blobs per request.
MAX_BLOB_BATCH = 256
_GONE = 404


class PrivateBlobs:
    """The PhotoBlobs, PhotoBytes and ExportFiles ports over one private container."""

    def __init__(
        self,
        clients: StorageClients,
        container: str,
        links: BlobReadLinks | None = None,
        *,
        overwrite: bool = False,
    ) -> None:
        """`overwrite`: whether `put` may replace a blob of the same name (Conflict otherwise)."""
        self._clients = clients
        self._container = container
        self._links = links
        self._overwrite = overwrite

    def put(self, name: str, data: bytes, content_type: str) -> None:
        """Write a blob; without `overwrite`, Conflict if the name is taken (never silently replaced)."""
        container = self._clients.container(self._container)
        with translated():
            container.upload_blob(
                name,
                data,
                overwrite=self._overwrite,
                content_settings=ContentSettings(content_type=content_type, cache_control=BLOB_CACHE_CONTROL),
            )

    def read(self, name: str) -> bytes:
        """The bytes of one blob; NotFound when it is gone."""
        container = self._clients.container(self._container)
        with translated():
            return bytes(container.download_blob(name).readall())

    def delete(self, names: Sequence[str]) -> None:
        """Delete these blobs; ones already gone are fine (a retried clean-up must not fail)."""
        self.delete_counted(names)

    def delete_counted(self, names: Sequence[str]) -> int:
        """Delete these blobs, 256 per request; ones already gone are fine. Returns how many went."""
        container = self._clients.container(self._container)
        deleted = 0
        for start in range(0, len(names), MAX_BLOB_BATCH):
            with translated():
                responses = list(
                    container.delete_blobs(*names[start : start + MAX_BLOB_BATCH], raise_on_any_failure=False)
                )
            for response in responses:
                if response.status_code == _GONE:
                    continue
                if response.status_code >= 300:
                    raise StorageUnavailable("a blob could not be deleted; the next run retries")
                deleted += 1
        return deleted

    def older_than(self, prefix: str, before: datetime) -> list[str]:
        """Names under `prefix` last written before `before`."""
        container = self._clients.container(self._container)
        with translated():
            return [b.name for b in container.list_blobs(name_starts_with=prefix) if b.last_modified < before]

    def read_url(self, name: str, content_type: str) -> str:
        """A read-only link to this one blob, living at most 10 minutes (S28)."""
        return self._signer().read_url(name, content_type)

    def download_url(self, name: str, content_type: str, file_name: str) -> str:
        """A read-only link to this one blob, saved as `file_name`, living at most 10 minutes (S28)."""
        return self._signer().read_url(name, content_type, download_name=file_name)

    def _signer(self) -> BlobReadLinks:
        if self._links is None:
            raise RuntimeError(f"no link signer was given for the {self._container} container")
        return self._links


def private_blobs(
    clients: StorageClients, container: str, clock: Clock, *, https_only: bool, overwrite: bool = False
) -> PrivateBlobs:
    """A private container of this deployment, with links signed the way this place allows (S28)."""
    links = read_links_for(
        clients.blob_service,
        container,
        clock,
        uses_account_key=clients.config.uses_account_key,
        https_only=https_only,
    )
    return PrivateBlobs(clients, container, links, overwrite=overwrite)
