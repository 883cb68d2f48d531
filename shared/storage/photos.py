"""Photos in storage: bytes in the private `photos` container, one row each in the `observations` table.

Blob names come from shared.domain.photos (server ids only, S25). A photo's row lives beside the
observations, in its setting's partition (shared.storage.keys), which is what lets an upload create
the row and list the photo on its observation in one entity-group transaction
(shared.storage.observations), so no row exists without its observation listing it. A moment's
photo has its row here too, so any photo is found with one point read. Reading is only ever
through a short signed link (S28), never a public container.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress

from shared.clock import Clock
from shared.domain.errors import NotFound
from shared.domain.photos import CONTAINER, Photo, StoredImage, blobs_of
from shared.storage import keys
from shared.storage.blobs import PrivateBlobs, private_blobs
from shared.storage.clients import StorageClients
from shared.storage.tables import Entity, Table


class TablePhotos:
    """The PhotoRepository port over the photo rows of the observations table, and their blobs."""

    def __init__(self, table: Table, blobs: PrivateBlobs) -> None:
        self._table = table
        self._blobs = blobs

    def add(self, photo: Photo) -> None:
        """A row on its own: a moment's photo (an observation's is written with its observation)."""
        self._table.create(photo_entity(photo))

    def get(self, setting_id: str, photo_id: str) -> Photo | None:
        row = self._table.get(setting_id, keys.photo_row(photo_id))
        return _to_photo(row) if row else None

    def remove(self, setting_id: str, photo_id: str) -> None:
        with suppress(NotFound):
            self._table.delete(setting_id, keys.photo_row(photo_id))

    def discard(self, setting_id: str, photo_ids: Sequence[str]) -> None:
        for photo_id in photo_ids:
            self._blobs.delete(blobs_of(setting_id, [photo_id]))
            self.remove(setting_id, photo_id)  # last: a failed discard can be run again


def photo_entity(photo: Photo) -> Entity:
    """The photo's row as stored."""
    entity: Entity = {
        "PartitionKey": photo.setting_id,
        "RowKey": keys.photo_row(photo.photo_id),
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
        photo_id=keys.photo_id_of(row["RowKey"]),
        observation_id=row["ObservationId"],
        owner_id=row["OwnerId"],
        display=_image(row, "Display"),
        thumb=_image(row, "Thumb"),
        created_at=row["CreatedAt"],
    )


def photo_store(clients: StorageClients, clock: Clock, *, https_only: bool) -> PrivateBlobs:
    """The photo container of this deployment; a photo's name is never reused, so never overwritten."""
    return private_blobs(clients, CONTAINER, clock, https_only=https_only)
