"""The BreachedPasswords port in memory: the passwords a test says are breached, or no answer at all."""

from __future__ import annotations


class MemoryBreaches:
    def __init__(self) -> None:
        self.known: set[str] = set()
        self.answering = True
        self.asked: list[str] = []

    def is_breached(self, password: str) -> bool | None:
        self.asked.append(password)
        if not self.answering:
            return None
        return password in self.known
