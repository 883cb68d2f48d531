"""The UploadQuota port in memory: one counter per account and day, behind a lock."""

from __future__ import annotations

import threading
from datetime import date, datetime


class MemoryUploadQuota:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, date], int] = {}

    def reserve(self, setting_id: str, user_id: str, day: date, limit: int, expires_at: datetime) -> bool:
        with self._lock:
            count = self._counts.get((setting_id, user_id, day), 0)
            if count >= limit:
                return False
            self._counts[(setting_id, user_id, day)] = count + 1
            return True

    def release(self, setting_id: str, user_id: str, day: date) -> None:
        with self._lock:
            key = (setting_id, user_id, day)
            self._counts[key] = max(0, self._counts.get(key, 0) - 1)
