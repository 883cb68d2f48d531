"""The append-only audit log (S29) with its hash chain (S41): partitioned by setting and month,
newest first (shared.storage.keys).

Entries are only ever created, never updated; the purge removes whole months past retention.
Each append reads the month's head row and, in one transaction of that partition, moves the head
on (guarded by its ETag, or created on the month's first entry) and creates the entry: two
parallel appends cannot take the same sequence number; the loser re-reads the head and tries
again. Cost: one storage request per append when this process wrote the month's head last (its
ETag is remembered), two when another writer did (read the head, then the transaction), against
one before the chain; more only when appends of the same setting collide. Each entry is then
appended to the immutable archive as well (one more request, shared.storage.audit_archive).
"""

from __future__ import annotations

import secrets
import threading
import time
import zlib
from dataclasses import replace

from shared.domain.audit_chain import GENESIS, ChainLink, link_hash, to_millisecond
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.services.ports import AuditArchive, AuditEvent
from shared.storage import keys
from shared.storage.tables import Operation, Table

# Each retry means another append of the same setting won meanwhile.
_ATTEMPTS = 20
_STRIPES = 64
_CACHED_MONTHS = 10_000  # a few hundred bytes each; cleared rather than grown without bound


class TableAudit:
    """The AuditLog port over Azure Table Storage."""

    def __init__(self, table: Table, archive: AuditArchive | None = None) -> None:
        """`archive`: where each entry is also written once it is in the table (S41)."""
        self._table = table
        self._archive = archive
        # The head this process last wrote, per month: its next append can skip the read, and the
        # ETag still guards it (another writer moving the head on makes the transaction fail).
        self._heads: dict[str, tuple[int, str, str]] = {}
        self._lock = threading.Lock()
        # Appends of one month queue behind each other inside this process (a burst of 50 failed
        # sign-ins must not race itself into retries); the ETag settles races between processes.
        self._months = [threading.Lock() for _ in range(_STRIPES)]

    def record(self, event: AuditEvent) -> None:
        event = replace(event, at=to_millisecond(event.at))
        partition = keys.audit_partition(event.setting_id, event.at.year, event.at.month)
        with self._months[zlib.crc32(partition.encode()) % _STRIPES]:
            for attempt in range(_ATTEMPTS):
                try:
                    self._append(event, trust_cache=attempt == 0)
                    return
                except (ConcurrencyConflict, Conflict, NotFound):  # NotFound: a remembered head is gone
                    if attempt:
                        time.sleep(secrets.randbelow(20) / 1000)  # spread the retries of other processes
        raise ConcurrencyConflict("the audit log is busy")

    def _append(self, event: AuditEvent, *, trust_cache: bool) -> None:
        partition = keys.audit_partition(event.setting_id, event.at.year, event.at.month)
        with self._lock:
            cached = self._heads.get(partition) if trust_cache else None
        if cached is not None:
            seq, prev, etag = cached
        else:
            head = self._table.get(partition, keys.AUDIT_HEAD)
            seq, prev, etag = (
                (int(head["Seq"]), str(head["Hash"]), str(head["_etag"])) if head else (0, GENESIS, "")
            )
        seq += 1
        digest = link_hash(
            seq=seq, prev=prev, at=event.at, setting_id=event.setting_id, actor=event.actor,
            action=event.action, target=event.target, outcome=event.outcome, detail=event.detail,
        )  # fmt: skip
        moved = {"PartitionKey": partition, "RowKey": keys.AUDIT_HEAD, "Seq": seq, "Hash": digest}
        step = Operation("update", moved, etag=etag) if etag else Operation("create", moved)
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
        try:
            new_etags = self._table.transact([step, Operation("create", entry)])
        except (ConcurrencyConflict, Conflict, NotFound):
            with self._lock:
                self._heads.pop(partition, None)
            raise
        with self._lock:
            if len(self._heads) > _CACHED_MONTHS:
                self._heads.clear()
            self._heads[partition] = (seq, digest, new_etags[0])
        if self._archive is not None:
            # After the table write, so the archive never holds an entry the chain lost a race for.
            self._archive.append(
                ChainLink(
                    seq, prev, digest, event.at, event.setting_id, event.actor, event.action,
                    event.target, event.outcome, event.detail,
                )
            )  # fmt: skip
