"""The TwoYearCheckRepository port in memory."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace

from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.two_year_check import TwoYearCheck
from tests.fakes.rows import copied, new_etag


class MemoryTwoYearChecks:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._rows: dict[tuple[str, str], TwoYearCheck] = {}

    def get(self, setting_id: str, child_id: str) -> TwoYearCheck | None:
        with self._lock:
            found = self._rows.get((setting_id, child_id))
            return copied(found) if found else None

    def save(self, check: TwoYearCheck) -> TwoYearCheck:
        key = (check.setting_id, check.child_id)
        with self._lock:
            current = self._rows.get(key)
            if check.etag is None and current is not None:
                raise Conflict("that already exists")
            if check.etag is not None:
                if current is None:
                    raise NotFound("not found")
                if current.etag != check.etag:
                    raise ConcurrencyConflict("the record changed while it was being updated")
            stored = replace(copied(check), etag=new_etag())
            self._rows[key] = stored
            return copied(stored)

    def list(self, setting_id: str) -> Sequence[TwoYearCheck]:
        with self._lock:
            return [copied(p) for (s, _), p in self._rows.items() if s == setting_id]

    def remove(self, setting_id: str, child_id: str) -> None:
        with self._lock:
            self._rows.pop((setting_id, child_id), None)
