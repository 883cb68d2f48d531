"""The append-only audit log (S29): partitioned by setting and month, newest first (shared.storage.keys).

Rows are only ever created, never updated; the purge removes whole months past retention.
"""

from __future__ import annotations

import secrets

from shared.services.ports import AuditEvent
from shared.storage import keys
from shared.storage.tables import Table


class TableAudit:
    """The AuditLog port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def record(self, event: AuditEvent) -> None:
        self._table.create(
            {
                "PartitionKey": keys.audit_partition(event.setting_id, event.at.year, event.at.month),
                "RowKey": keys.audit_row(event.at, secrets.token_hex(4)),
                "At": event.at,
                "Setting": event.setting_id,
                "Actor": event.actor,
                "Action": event.action,
                "Target": event.target,
                "Outcome": event.outcome,
                "Detail": event.detail,
            }
        )
