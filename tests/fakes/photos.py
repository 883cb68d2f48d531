"""The PhotoRepository port in memory: one row per photo, keyed by setting and photo id."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from shared.domain.errors import Conflict
from shared.domain.photos import Photo, blobs_of
from tests.fakes.blobs import MemoryContainer


class MemoryPhotos:
    def __init__(self, blobs: MemoryContainer) -> None:
        self.lock = threading.RLock()  # shared with the observations, which write photo rows too
        self._rows: dict[tuple[str, str], Photo] = {}
        self._blobs = blobs

    def add(self, photo: Photo) -> None:
        with self.lock:
            self.check_new(photo)
            self._rows[(photo.setting_id, photo.photo_id)] = photo

    def get(self, setting_id: str, photo_id: str) -> Photo | None:
        with self.lock:
            return self._rows.get((setting_id, photo_id))  # frozen: safe to hand out

    def remove(self, setting_id: str, photo_id: str) -> None:
        with self.lock:
            self._rows.pop((setting_id, photo_id), None)

    def discard(self, setting_id: str, photo_ids: Sequence[str]) -> None:
        for photo_id in photo_ids:
            self._blobs.delete(blobs_of(setting_id, [photo_id]))
            self.remove(setting_id, photo_id)

    def check_new(self, photo: Photo) -> None:
        if (photo.setting_id, photo.photo_id) in self._rows:
            raise Conflict("that already exists")
