"""The MomentRepository port in memory: a child's moments from home, newest first.

Like the adapter, `add` and `save` set the new ETag on the moment they were given.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.journal import Moment
from tests.fakes.rows import copied, millis, new_etag

_MAX_MS = 10**13
LIST_LIMIT = 100


class MemoryMoments:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[tuple[str, str], dict[str, Moment]] = {}  # (setting, child) -> row -> moment

    def add(self, moment: Moment) -> Moment:
        row = f"{_MAX_MS - millis(moment.created_at):013d}~{moment.moment_id}"
        with self._lock:
            rows = self._rows.setdefault((moment.setting_id, moment.child_id), {})
            if row in rows:
                raise Conflict("that already exists")
            moment.etag = new_etag()
            rows[row] = copied(moment)
        return moment

    def get(self, setting_id: str, child_id: str, moment_id: str) -> Moment | None:
        with self._lock:
            row = self._find(setting_id, child_id, moment_id)
            return copied(self._rows[(setting_id, child_id)][row]) if row else None

    def of(self, setting_id: str, child_id: str) -> Sequence[Moment]:
        with self._lock:
            rows = self._rows.get((setting_id, child_id), {})
            return [copied(m) for _, m in sorted(rows.items())[:LIST_LIMIT]]

    def save(self, moment: Moment) -> Moment:
        with self._lock:
            row = self._find(moment.setting_id, moment.child_id, moment.moment_id)
            if row is None:
                raise NotFound("That moment no longer exists.")
            rows = self._rows[(moment.setting_id, moment.child_id)]
            if moment.etag is not None and moment.etag != rows[row].etag:
                raise ConcurrencyConflict("the record changed while it was being updated")
            moment.etag = new_etag()
            rows[row] = copied(moment)
        return moment

    def _find(self, setting_id: str, child_id: str, moment_id: str) -> str | None:
        rows = self._rows.get((setting_id, child_id), {})
        return next((r for r, m in sorted(rows.items()) if m.moment_id == moment_id), None)
