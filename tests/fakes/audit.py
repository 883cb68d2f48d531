"""The AuditLog and AuditReader ports in memory: one month partition per setting, newest first.

Times are compared in whole milliseconds, the precision of the adapter's row keys, so an event
exactly at `until` is left out and one exactly at `since` is kept, as in Table Storage.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from shared.domain.audit_chain import GENESIS, ChainHead, ChainLink, link_hash, to_millisecond
from shared.services.ports import AuditEvent, AuditPage
from tests.fakes.audit_archive import MemoryAuditArchive
from tests.fakes.rows import millis

_MAX_MS = 10**13


def _partition(setting_id: str, year: int, month: int) -> str:
    return f"{setting_id}~{year:04d}-{month:02d}"


class MemoryAudit:
    """Both ports over one store: what `record` appends, `page` reads back."""

    def __init__(self, archive: MemoryAuditArchive | None = None) -> None:
        self._archive = archive
        self._lock = threading.RLock()
        self._partitions: dict[str, dict[str, AuditEvent]] = {}
        self._links: dict[str, list[ChainLink]] = {}

    def record(self, event: AuditEvent) -> None:
        event = replace(event, at=to_millisecond(event.at))
        row = f"{_MAX_MS - millis(event.at):013d}~{secrets.token_hex(4)}"
        with self._lock:
            partition = _partition(event.setting_id, event.at.year, event.at.month)
            self._partitions.setdefault(partition, {})[row] = event
            chain = self._links.setdefault(partition, [])
            seq, prev = (chain[-1].seq + 1, chain[-1].hash) if chain else (1, GENESIS)
            fields = dict(
                at=event.at, setting_id=event.setting_id, actor=event.actor, action=event.action,
                target=event.target, outcome=event.outcome, detail=event.detail,
            )  # fmt: skip
            link = ChainLink(seq=seq, prev=prev, hash=link_hash(seq=seq, prev=prev, **fields), **fields)
            chain.append(link)
            if self._archive is not None:
                self._archive.append(link)

    def chain(self, setting_id: str) -> tuple[Sequence[ChainLink], Mapping[str, ChainHead]]:
        prefix = f"{setting_id}~"
        with self._lock:
            months = {p: list(c) for p, c in self._links.items() if p.startswith(prefix) and c}
        links = [link for chain in months.values() for link in chain]
        heads = {p.removeprefix(prefix): ChainHead(c[-1].seq, c[-1].hash) for p, c in months.items()}
        return links, heads

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
