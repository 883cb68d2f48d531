"""The queue ports in memory: MailOutbox, ResetRequests and ExportRequests.

Each keeps what was queued, in order, for a test to read as the queue-triggered function would.
"""

from __future__ import annotations

import threading

from shared.mail.message import Mail
from tests.fakes.rows import copied


class MemoryOutbox:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.mails: list[Mail] = []

    def send(self, mail: Mail) -> None:
        with self._lock:
            self.mails.append(copied(mail))

    def to(self, address: str) -> list[Mail]:
        with self._lock:
            return [m for m in self.mails if m.to == address]


class MemoryResetRequests:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []  # (setting id, e-mail)

    def submit(self, setting_id: str, email: str) -> None:
        with self._lock:
            self.requests.append((setting_id, email))


class MemoryExportRequests:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []  # (setting id, export id)

    def submit(self, setting_id: str, export_id: str) -> None:
        with self._lock:
            self.requests.append((setting_id, export_id))
