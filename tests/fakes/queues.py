"""The queue ports in memory: MailOutbox, LinkMails, ResetRequests and ExportRequests.

Each keeps what was queued, in order, for a test to read as the queue-triggered function would.
"""

from __future__ import annotations

import threading

from shared.mail.message import Mail
from shared.services.ports import LinkMail
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


class MemoryLinkMails:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.instructions: list[LinkMail] = []

    def submit(self, mail: LinkMail) -> None:
        with self._lock:
            self.instructions.append(mail)

    def take(self) -> list[LinkMail]:
        with self._lock:
            taken, self.instructions = self.instructions, []
            return taken


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
