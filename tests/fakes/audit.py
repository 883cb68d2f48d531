"""The AuditLog and AuditReader ports in memory: one month partition per setting, newest first.

Times are compared in whole milliseconds, the precision of the adapter's row keys, so an event
exactly at `until` is left out and one exactly at `since` is kept, as in Table Storage.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Mapping
from datetime import datetime

from shared.services.ports import AuditEvent, AuditPage
from tests.fakes.rows import millis

_MAX_MS = 10**13


def _partition(setting_id: str, year: int, month: int) -> str:
    return f"{setting_id}~{year:04d}-{month:02d}"


class MemoryAudit:
    """Both ports over one store: what `record` appends, `page` reads back."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._partitions: dict[str, dict[str, AuditEvent]] = {}

    def record(self, event: AuditEvent) -> None:
        row = f"{_MAX_MS - millis(event.at):013d}~{secrets.token_hex(4)}"
        with self._lock:
            partition = _partition(event.setting_id, event.at.year, event.at.month)
            self._partitions.setdefault(partition, {})[row] = event

    def page(
        self,
        setting_id: str,
        year: int,
        month: int,
        *,
        since: datetime,
        until: datetime,
        actor: str | None,
        action: str | None,
        size: int,
        token: Mapping[str, str] | None,
    ) -> AuditPage:
        partition = _partition(setting_id, year, month)
        start = token.get("RowKey", "") if token else ""
        with self._lock:
            rows = sorted(self._partitions.get(partition, {}).items())
        matching = [
            (row, event)
            for row, event in rows
            if row >= start
            and millis(since) <= millis(event.at) < millis(until)
            and (actor is None or event.actor == actor)
            and (action is None or event.action == action)
        ]
        taken, rest = matching[:size], matching[size:]
        next_token = {"PartitionKey": partition, "RowKey": rest[0][0]} if rest else None
        return AuditPage([event for _, event in taken], next_token)

    def events(self, setting_id: str) -> list[AuditEvent]:
        """Every event of the setting, oldest first (for tests that read the whole log)."""
        with self._lock:
            prefix = f"{setting_id}~"
            found = [e for p, rows in self._partitions.items() if p.startswith(prefix) for e in rows.values()]
        return sorted(found, key=lambda e: e.at)
