"""Photos in storage: bytes in the private `photos` container, one row each in the `observations` table.

Blob names come from shared.domain.photos (server ids only, S25). A photo's row lives beside the
observations, in its setting's partition (S23): PartitionKey = setting id, RowKey = `photo~{photo id}`.
That is what lets an upload create the row and list the photo on its observation in one
entity-group transaction (shared.storage.observations), so no row exists without its observation
listing it. "~" is in no id (shared.domain.identifiers), so the photo rows are exactly the range
PHOTO_ROWS_FROM..PHOTO_ROWS_TO, and observation ids (lower-case hex, or `moment-` and hex) all
sort below it. A moment's photo has its row here too, so any photo is found with one point read.
Reading is only ever through a short signed link (S28), never a public container.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress

from azure.storage.blob import ContentSettings

from shared.clock import Clock
from shared.domain.errors import NotFound
from shared.domain.photos import CONTAINER, Photo, StoredImage, blobs_of
from shared.storage.clients import StorageClients
from shared.storage.errors import translated
from shared.storage.sas import BLOB_CACHE_CONTROL, BlobReadLinks, read_links_for
from shared.storage.tables import Entity, Table

PHOTO_ROWS_FROM = "photo~"  # every photo row's key starts with this ...
PHOTO_ROWS_TO = "photo~~"  # ... and sorts below this: "~" sorts above every character of an id


def photo_row(photo_id: str) -> str:
    """The RowKey of a photo's row in its setting's partition of the observations table."""
    return f"{PHOTO_ROWS_FROM}{photo_id}"


def photo_id_of(row_key: str) -> str:
    return row_key.removeprefix(PHOTO_ROWS_FROM)


class BlobPhotoStore:
    """The PhotoBlobs port over Blob Storage: write, delete and link to photo bytes."""

    def __init__(self, clients: StorageClients, container: str, links: BlobReadLinks) -> None:
        self._clients = clients
        self._container = container
        self._links = links

    def put(self, name: str, data: bytes, content_type: str) -> None:
        """Write a new blob; Conflict if the name is taken (names are fresh, so never silently replaced)."""
        container = self._clients.container(self._container)
        with translated():
            container.upload_blob(
                name,
                data,
                overwrite=False,
                content_settings=ContentSettings(content_type=content_type, cache_control=BLOB_CACHE_CONTROL),
            )

    def delete(self, names: Sequence[str]) -> None:
        """Delete these blobs; ones already gone are fine (a retried clean-up must not fail)."""
        container = self._clients.container(self._container)
        for name in names:
            with suppress(NotFound), translated():
                container.delete_blob(name)

    def read_url(self, name: str, content_type: str) -> str:
        """A read-only link to this one blob, living at most 10 minutes (S28)."""
        return self._links.read_url(name, content_type)


class TablePhotos:
    """The PhotoRepository port over the photo rows of the observations table, and their blobs."""

    def __init__(self, table: Table, blobs: BlobPhotoStore) -> None:
        self._table = table
        self._blobs = blobs

    def add(self, photo: Photo) -> None:
        """A row on its own: a moment's photo (an observation's is written with its observation)."""
        self._table.create(photo_entity(photo))

    def get(self, setting_id: str, photo_id: str) -> Photo | None:
        row = self._table.get(setting_id, photo_row(photo_id))
        return _to_photo(row) if row else None

    def remove(self, setting_id: str, photo_id: str) -> None:
        with suppress(NotFound):
            self._table.delete(setting_id, photo_row(photo_id))

    def discard(self, setting_id: str, photo_ids: Sequence[str]) -> None:
        for photo_id in photo_ids:
            self._blobs.delete(blobs_of(setting_id, [photo_id]))
            self.remove(setting_id, photo_id)  # last: a failed discard can be run again


def photo_entity(photo: Photo) -> Entity:
    """The photo's row as stored."""
    entity: Entity = {
        "PartitionKey": photo.setting_id,
        "RowKey": photo_row(photo.photo_id),
        "ObservationId": photo.observation_id,
        "OwnerId": photo.owner_id,
        "CreatedAt": photo.created_at,
    }
    for prefix, image in (("Display", photo.display), ("Thumb", photo.thumb)):
        entity[f"{prefix}ContentType"] = image.content_type
        entity[f"{prefix}Width"] = image.width
        entity[f"{prefix}Height"] = image.height
        entity[f"{prefix}Bytes"] = image.length
    return entity


def _image(row: Entity, prefix: str) -> StoredImage:
    return StoredImage(
        content_type=str(row[f"{prefix}ContentType"]),
        width=int(row[f"{prefix}Width"]),
        height=int(row[f"{prefix}Height"]),
        length=int(row[f"{prefix}Bytes"]),
    )


def _to_photo(row: Entity) -> Photo:
    return Photo(
        setting_id=row["PartitionKey"],
        photo_id=photo_id_of(row["RowKey"]),
        observation_id=row["ObservationId"],
        owner_id=row["OwnerId"],
        display=_image(row, "Display"),
        thumb=_image(row, "Thumb"),
        created_at=row["CreatedAt"],
    )


def photo_store(clients: StorageClients, clock: Clock, *, https_only: bool) -> BlobPhotoStore:
    """The photo container of this deployment, with links signed the way this place allows (S28)."""
    links = read_links_for(
        clients.blob_service,
        CONTAINER,
        clock,
        uses_account_key=clients.config.uses_account_key,
        https_only=https_only,
    )
    return BlobPhotoStore(clients, CONTAINER, links)
