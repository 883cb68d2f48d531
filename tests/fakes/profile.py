"""The ProfileRepository port in memory."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace

from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.profile import Profile
from tests.fakes.rows import copied, new_etag


class MemoryProfiles:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._rows: dict[tuple[str, str], Profile] = {}

    def get(self, setting_id: str, child_id: str) -> Profile | None:
        with self._lock:
            found = self._rows.get((setting_id, child_id))
            return copied(found) if found else None

    def save(self, profile: Profile) -> Profile:
        key = (profile.setting_id, profile.child_id)
        with self._lock:
            current = self._rows.get(key)
            if profile.etag is None and current is not None:
                raise Conflict("that already exists")
            if profile.etag is not None:
                if current is None:
                    raise NotFound("not found")
                if current.etag != profile.etag:
                    raise ConcurrencyConflict("the record changed while it was being updated")
            stored = replace(copied(profile), etag=new_etag())
            self._rows[key] = stored
            return copied(stored)

    def list(self, setting_id: str) -> Sequence[Profile]:
        with self._lock:
            return [copied(p) for (s, _), p in self._rows.items() if s == setting_id]

    def remove(self, setting_id: str, child_id: str) -> None:
        with self._lock:
            self._rows.pop((setting_id, child_id), None)
