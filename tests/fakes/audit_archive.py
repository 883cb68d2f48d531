"""The AuditArchive port in memory: lines appended per setting and month, never changed."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime

from shared.domain.audit_chain import ChainLink, month_of


class MemoryAuditArchive:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._months: dict[tuple[str, str], list[ChainLink]] = {}

    def append(self, link: ChainLink) -> None:
        with self._lock:
            self._months.setdefault((link.setting_id, month_of(link.at)), []).append(link)

    def links(self, setting_id: str, since: datetime) -> Sequence[ChainLink]:
        first = month_of(since)
        with self._lock:
            return [
                link
                for (setting, month), lines in self._months.items()
                if setting == setting_id and month >= first
                for link in lines
            ]
