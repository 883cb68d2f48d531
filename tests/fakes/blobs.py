"""The blob ports in memory: PhotoBlobs, PhotoBytes and ExportFiles over private containers.

Links are shaped like the adapter's (container, quoted name, a read-only signature that lives
10 minutes by the injected clock) but point nowhere: the fast tier never fetches them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from datetime import UTC, timedelta
from urllib.parse import quote, urlencode

from shared.clock import Clock
from shared.domain.errors import Conflict, NotFound
from shared.domain.exports import CONTAINER as EXPORTS
from shared.domain.photos import CONTAINER as PHOTOS

LINK_LIFETIME = timedelta(minutes=10)
_DOWNLOAD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class MemoryContainer:
    """One private container: blob name -> (bytes, content type)."""

    def __init__(self, name: str, clock: Clock) -> None:
        self.name = name
        self._clock = clock
        self._lock = threading.Lock()
        self.blobs: dict[str, tuple[bytes, str]] = {}

    def put(self, name: str, data: bytes, content_type: str, *, overwrite: bool) -> None:
        with self._lock:
            if not overwrite and name in self.blobs:
                raise Conflict("that already exists")
            self.blobs[name] = (bytes(data), content_type)

    def read(self, name: str) -> bytes:
        with self._lock:
            if name not in self.blobs:
                raise NotFound("not found")
            return self.blobs[name][0]

    def delete(self, names: Sequence[str]) -> None:
        with self._lock:
            for name in names:
                self.blobs.pop(name, None)

    def link(self, name: str, content_type: str, download_name: str | None = None) -> str:
        query = {"sp": "r", "sr": "b", "se": (self._clock.now().astimezone(UTC) + LINK_LIFETIME).isoformat()}
        query["rsct"] = content_type
        if download_name is not None:
            if not _DOWNLOAD_NAME.fullmatch(download_name):
                raise ValueError("a download name is a short ASCII file name made by the server")
            query["rscd"] = f'attachment; filename="{download_name}"'
        return f"https://memory.invalid/{self.name}/{quote(name, safe='/')}?{urlencode(query)}"


class MemoryPhotoBlobs:
    def __init__(self, container: MemoryContainer) -> None:
        self.container = container

    def put(self, name: str, data: bytes, content_type: str) -> None:
        """Names are fresh, so a taken one is a Conflict, never silently replaced."""
        self.container.put(name, data, content_type, overwrite=False)

    def delete(self, names: Sequence[str]) -> None:
        self.container.delete(names)

    def read_url(self, name: str, content_type: str) -> str:
        return self.container.link(name, content_type)


class MemoryPhotoBytes:
    def __init__(self, container: MemoryContainer) -> None:
        self._container = container

    def read(self, name: str) -> bytes:
        return self._container.read(name)


class MemoryExportFiles:
    def __init__(self, container: MemoryContainer) -> None:
        self.container = container

    def put(self, name: str, data: bytes, content_type: str) -> None:
        """A retried build rewrites its own files."""
        self.container.put(name, data, content_type, overwrite=True)

    def delete(self, names: Sequence[str]) -> None:
        self.container.delete(names)

    def download_url(self, name: str, content_type: str, file_name: str) -> str:
        return self.container.link(name, content_type, download_name=file_name)


def photo_container(clock: Clock) -> MemoryContainer:
    return MemoryContainer(PHOTOS, clock)


def export_container(clock: Clock) -> MemoryContainer:
    return MemoryContainer(EXPORTS, clock)
