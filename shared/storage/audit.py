"""The append-only audit log (S29) with its hash chain (S41): partitioned by setting and month,
newest first (shared.storage.keys).

Entries are only ever created, never updated; the purge removes whole months past retention.
Each append reads the month's head row and, in one transaction of that partition, moves the head
on (guarded by its ETag, or created on the month's first entry) and creates the entry: two
parallel appends cannot take the same sequence number; the loser re-reads the head and tries
again. Cost: two storage requests per append (one before the chain), more only under contention.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import replace

from shared.domain.audit_chain import GENESIS, link_hash, to_millisecond
from shared.domain.errors import ConcurrencyConflict, Conflict
from shared.services.ports import AuditEvent
from shared.storage import keys
from shared.storage.tables import Operation, Table

# Each retry means another append of the same setting won meanwhile.
_ATTEMPTS = 20


class TableAudit:
    """The AuditLog port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def record(self, event: AuditEvent) -> None:
        event = replace(event, at=to_millisecond(event.at))
        for _ in range(_ATTEMPTS):
            try:
                self._append(event)
                return
            except (ConcurrencyConflict, Conflict):
                time.sleep(secrets.randbelow(20) / 1000)  # spread the retries of a burst
        raise ConcurrencyConflict("the audit log is busy")

    def _append(self, event: AuditEvent) -> None:
        partition = keys.audit_partition(event.setting_id, event.at.year, event.at.month)
        head = self._table.get(partition, keys.AUDIT_HEAD)
        seq, prev = (int(head["Seq"]), str(head["Hash"])) if head is not None else (0, GENESIS)
        seq += 1
        digest = link_hash(
            seq=seq, prev=prev, at=event.at, setting_id=event.setting_id, actor=event.actor,
            action=event.action, target=event.target, outcome=event.outcome, detail=event.detail,
        )  # fmt: skip
        moved = {"PartitionKey": partition, "RowKey": keys.AUDIT_HEAD, "Seq": seq, "Hash": digest}
        step = Operation("create", moved) if head is None else Operation("update", moved, etag=head["_etag"])
        entry = {
            "PartitionKey": partition,
            "RowKey": keys.audit_row(event.at, secrets.token_hex(4)),
            "At": event.at,
            "Setting": event.setting_id,
            "Actor": event.actor,
            "Action": event.action,
            "Target": event.target,
            "Outcome": event.outcome,
            "Detail": event.detail,
            "Seq": seq,
            "Prev": prev,
            "Hash": digest,
        }
        self._table.transact([step, Operation("create", entry)])
