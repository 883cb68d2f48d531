"""Reading the audit log back for a setting's managers: one month partition at a time, newest first.

Rows are keyed by an inverted millisecond timestamp (shared.storage.keys), so a time range is a
row-key range and the newest rows come first without sorting.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.services.ports import AuditEvent, AuditPage
from shared.storage import keys
from shared.storage.tables import Table


class TableAuditReader:
    """The AuditReader port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

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
        """Events of one month with since <= at < until, newest first, filtered by actor and action."""
        newest, oldest = keys.audit_rows_between(since, until)
        filters = ["PartitionKey eq @partition", "RowKey gt @newest", "RowKey lt @oldest"]
        parameters: dict[str, Any] = {
            "partition": keys.audit_partition(setting_id, year, month),
            "newest": newest,
            "oldest": oldest,
        }
        if actor is not None:
            filters.append("Actor eq @actor")
            parameters["actor"] = actor
        if action is not None:
            filters.append("Action eq @action")
            parameters["action"] = action
        rows, next_token = self._table.page(" and ".join(filters), parameters, size=size, token=token)
        events = [
            AuditEvent(
                r["At"], r["Setting"], r["Actor"], r["Action"], r["Target"], r["Outcome"], r.get("Detail", "")
            )
            for r in rows
        ]
        return AuditPage(events, dict(next_token) if next_token else None)
