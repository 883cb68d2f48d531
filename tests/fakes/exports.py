"""The ExportRepository port in memory: export rows and each requester's record, written together."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.exports import Export, RequesterExports
from tests.fakes.rows import copied, new_etag


class MemoryExports:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._exports: dict[tuple[str, str], Export] = {}
        # (setting, user) -> the record and when its newest request was made
        self._requesters: dict[tuple[str, str], tuple[RequesterExports, datetime]] = {}

    def get(self, setting_id: str, export_id: str) -> Export | None:
        with self._lock:
            found = self._exports.get((setting_id, export_id))
            return copied(found) if found else None

    def requester(self, setting_id: str, user_id: str) -> RequesterExports:
        with self._lock:
            found = self._requesters.get((setting_id, user_id))
            return copied(found[0]) if found else RequesterExports(setting_id, user_id)

    def add(self, export: Export, requester: RequesterExports) -> None:
        with self._lock:
            if (export.setting_id, export.export_id) in self._exports:
                raise Conflict("that already exists")
            key = (requester.setting_id, requester.user_id)
            current = self._requesters.get(key)
            if requester.etag is None and current is not None:
                raise Conflict("that already exists")
            if requester.etag is not None:
                if current is None:
                    raise NotFound("not found")
                if current[0].etag != requester.etag:
                    raise ConcurrencyConflict("the record changed while it was being updated")
            self._exports[(export.setting_id, export.export_id)] = replace(copied(export), etag=new_etag())
            last = max((r.at for r in requester.recent), default=export.created_at)
            self._requesters[key] = (replace(copied(requester), etag=new_etag()), last)

    def save(self, export: Export) -> None:
        with self._lock:
            key = (export.setting_id, export.export_id)
            if key not in self._exports:
                raise NotFound("not found")
            self._exports[key] = replace(copied(export), etag=new_etag())

    def created_before(self, setting_id: str, before: datetime) -> Sequence[Export]:
        with self._lock:
            return [
                copied(e)
                for (s, _), e in sorted(self._exports.items())
                if s == setting_id and e.created_at < before
            ]

    def remove(self, setting_id: str, export_id: str) -> None:
        with self._lock:
            self._exports.pop((setting_id, export_id), None)

    def remove_requesters_idle_since(self, setting_id: str, before: datetime) -> int:
        with self._lock:
            idle = [k for k, (_, last) in self._requesters.items() if k[0] == setting_id and last < before]
            for key in idle:
                del self._requesters[key]
            return len(idle)
