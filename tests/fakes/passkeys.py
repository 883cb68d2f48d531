"""The PasskeyStore port in memory."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.passkeys import FRESH_SECONDS, Passkey
from tests.fakes.rows import copied, new_etag


class MemoryPasskeys:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._rows: dict[tuple[str, str, str], Passkey] = {}
        self._spent: dict[tuple[str, str], datetime] = {}
        self._fresh: dict[tuple[str, str, str], datetime] = {}

    def add(self, passkey: Passkey) -> None:
        key = (passkey.setting_id, passkey.user_id, passkey.digest)
        with self._lock:
            if key in self._rows:
                raise Conflict("That passkey is already registered.")
            passkey.etag = new_etag()
            self._rows[key] = copied(passkey)

    def get(self, setting_id: str, user_id: str, digest: str) -> Passkey | None:
        with self._lock:
            found = self._rows.get((setting_id, user_id, digest))
            return copied(found) if found else None

    def of_user(self, setting_id: str, user_id: str) -> Sequence[Passkey]:
        with self._lock:
            mine = [copied(p) for (s, u, _), p in self._rows.items() if (s, u) == (setting_id, user_id)]
        return sorted(mine, key=lambda p: (p.created_at, p.digest))

    def save(self, passkey: Passkey) -> None:
        key = (passkey.setting_id, passkey.user_id, passkey.digest)
        with self._lock:
            current = self._rows.get(key)
            if current is None:
                raise NotFound("not found")
            if passkey.etag is not None and passkey.etag != current.etag:
                raise ConcurrencyConflict("the record changed while it was being updated")
            passkey.etag = new_etag()
            self._rows[key] = replace(copied(passkey))

    def remove(self, setting_id: str, user_id: str, digest: str) -> None:
        with self._lock:
            self._rows.pop((setting_id, user_id, digest), None)

    def spend(self, setting_id: str, challenge_digest: str, expires_at: datetime) -> None:
        with self._lock:
            if (setting_id, challenge_digest) in self._spent:
                raise Conflict("That challenge has already been used.")
            self._spent[(setting_id, challenge_digest)] = expires_at

    def mark_fresh(self, setting_id: str, user_id: str, session_digest: str, at: datetime) -> None:
        with self._lock:
            self._fresh[(setting_id, user_id, session_digest)] = at

    def fresh_at(self, setting_id: str, user_id: str, session_digest: str) -> datetime | None:
        with self._lock:
            return self._fresh.get((setting_id, user_id, session_digest))

    def sweep_expired(self, setting_id: str, now: datetime) -> int:
        with self._lock:
            spent = [k for k, until in self._spent.items() if k[0] == setting_id and until < now]
            fresh = [k for k, at in self._fresh.items()
                     if k[0] == setting_id and at + timedelta(seconds=FRESH_SECONDS) < now]  # fmt: skip
            for key in spent:
                del self._spent[key]
            for gone in fresh:
                del self._fresh[gone]
            return len(spent) + len(fresh)
