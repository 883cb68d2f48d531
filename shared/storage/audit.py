"""The append-only audit log (S29): partitioned by setting and month, newest first.

Rows are only ever created, never updated; the purge removes whole months past retention.
"""

from __future__ import annotations

import secrets

from shared.services.ports import AuditEvent
from shared.storage.tables import Table

# Row keys sort as strings, so an inverted, zero-padded timestamp lists the newest first.
_MAX_MS = 10**13


def partition_of(setting_id: str, year: int, month: int) -> str:
    return f"{setting_id}~{year:04d}-{month:02d}"


class TableAudit:
    """The AuditLog port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def record(self, event: AuditEvent) -> None:
        millis = int(event.at.timestamp() * 1000)
        self._table.create(
            {
                "PartitionKey": partition_of(event.setting_id, event.at.year, event.at.month),
                "RowKey": f"{_MAX_MS - millis:013d}~{secrets.token_hex(4)}",
                "At": event.at,
                "Setting": event.setting_id,
                "Actor": event.actor,
                "Action": event.action,
                "Target": event.target,
                "Outcome": event.outcome,
                "Detail": event.detail,
            }
        )
