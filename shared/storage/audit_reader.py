"""Reading the audit log back for a setting's managers: one month partition at a time, newest first.

The log's writer (audit.py) keys rows by an inverted millisecond timestamp, so a time range is a
row-key range and the newest rows come first without sorting.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.services.ports import AuditEvent, AuditPage
from shared.storage.audit import _MAX_MS, partition_of
from shared.storage.tables import Table


def _inverted(at: datetime) -> str:
    return f"{_MAX_MS - int(at.timestamp() * 1000):013d}"


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
        # Row keys start with the inverted time: "newer than until" sorts before the range,
        # "older than since" after it. Both bounds are on the 13-digit prefix.
        filters = ["PartitionKey eq @partition", "RowKey gt @newest", "RowKey lt @oldest"]
        parameters: dict[str, Any] = {
            "partition": partition_of(setting_id, year, month),
            "newest": _inverted(until) + "~~",
            "oldest": _inverted(since) + "~~",
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
