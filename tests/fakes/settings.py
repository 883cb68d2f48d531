"""The SettingRepository port in memory."""

from __future__ import annotations

import threading
from dataclasses import replace

from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.settings import Setting
from tests.fakes.rows import copied, new_etag


class MemorySettings:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._rows: dict[str, Setting] = {}

    def add(self, setting: Setting) -> None:
        with self._lock:
            if setting.setting_id in self._rows:
                raise Conflict("A setting with that short name already exists.", field="slug")
            self._rows[setting.setting_id] = replace(copied(setting), etag=new_etag())

    def get(self, setting_id: str) -> Setting | None:
        with self._lock:
            found = self._rows.get(setting_id)
            return copied(found) if found else None

    def save(self, setting: Setting) -> None:
        with self._lock:
            current = self._rows.get(setting.setting_id)
            if current is None:
                raise NotFound("not found")
            if setting.etag is not None and setting.etag != current.etag:
                raise ConcurrencyConflict("the record changed while it was being updated")
            self._rows[setting.setting_id] = replace(copied(setting), etag=new_etag())

    def remove(self, setting_id: str) -> None:
        with self._lock:
            self._rows.pop(setting_id, None)

    def all(self) -> list[Setting]:
        with self._lock:
            return [copied(s) for s in self._rows.values()]
