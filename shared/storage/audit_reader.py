"""Reading the audit log back for a setting's managers: one month partition at a time, newest
first; and the whole chain of a setting, for its verification (S41).

Rows are keyed by an inverted millisecond timestamp (shared.storage.keys), so a time range is a
row-key range and the newest rows come first without sorting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from shared.domain.audit_chain import ChainHead, ChainLink
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

    def chain(self, setting_id: str) -> tuple[Sequence[ChainLink], Mapping[str, ChainHead]]:
        """Every chained entry of the setting and each month's head (S41): one query over the
        setting's month partitions. Rows from before the chain (no Seq) are left out."""
        first, last = keys.audit_months_of(setting_id)
        links: list[ChainLink] = []
        heads: list[Mapping[str, Any]] = []
        for r in self._table.query(
            "PartitionKey ge @first and PartitionKey le @last", {"first": first, "last": last}
        ):
            if r["RowKey"] == keys.AUDIT_HEAD:
                heads.append(r)
            elif r.get("Seq") is not None:
                links.append(
                    ChainLink(
                        int(r["Seq"]), str(r.get("Prev", "")), str(r.get("Hash", "")), r["At"],
                        r["Setting"], r["Actor"], r["Action"], r["Target"], r["Outcome"], r.get("Detail", ""),
                    )
                )  # fmt: skip
        months = {
            str(h["PartitionKey"]).rsplit(keys.SEP, 1)[1]: ChainHead(int(h["Seq"]), str(h["Hash"]))
            for h in heads
        }
        return links, months
