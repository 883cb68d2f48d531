"""How failed sign-ins slow an attacker down (S10, S11). Pure rules, no I/O."""

from __future__ import annotations

import math
import threading
from collections import deque
from datetime import datetime, timedelta

# S10: from the 5th consecutive failure, wait 1 s, doubling to at most 15 minutes;
# at 100 consecutive failures only a reset link lets the account sign in again.
THROTTLE_FROM = 5
MAX_WAIT_SECONDS = 15 * 60
LOCK_AT = 100

# S11: a PIN challenge dies after 3 wrong PINs; 10 in a row lock the PIN until a reset.
CHALLENGE_PIN_TRIES = 3
PIN_LOCK_AT = 10
CHALLENGE_SECONDS = 5 * 60

# S12: at most 3 reset mails per account per hour.
RESET_MAILS_PER_HOUR = 3


def wait_after(failures: int) -> int:
    """Seconds to wait after this many consecutive failures (0: no wait yet)."""
    if failures < THROTTLE_FROM:
        return 0
    return int(min(2 ** (failures - THROTTLE_FROM), MAX_WAIT_SECONDS))


# S10: the owner's known browsers each keep their own counter inside the account; only the most
# recent few are kept, so the account row stays small and one read serves the password step.
KNOWN_DEVICES = 5
DEVICE_COOKIE_SECONDS = 400 * 24 * 60 * 60  # the longest lifetime browsers keep a cookie
# Rows counting attempts on addresses with no account live this long after their last attempt:
# long enough to outlast the longest wait, short enough that the purge keeps the table small.
PROBE_SECONDS = 24 * 60 * 60
# S10: Argon2 verifies one client address may cause a minute across the anonymous routes.
VERIFIES_PER_CLIENT_MINUTE = 30


def refusal(failures: int, until: datetime | None, now: datetime, *, locks: bool) -> int | None:
    """Why an attempt is refused before its password is checked: None (go on), 0 (locked until a
    reset link: the generic answer) or the seconds still to wait (429, Retry-After)."""
    if locks and failures >= LOCK_AT:
        return 0
    if until is not None and until > now:
        return max(1, math.ceil((until - now).total_seconds()))
    return None


def next_until(failures: int, now: datetime) -> datetime | None:
    """The end of the wait that this many consecutive failures earn (None: no wait yet)."""
    wait = wait_after(failures)
    return now + timedelta(seconds=wait) if wait else None


class ClientBudget:
    """A sliding one-minute budget of Argon2 verifies per client address, in this process only.

    In memory on purpose: it costs no storage request on the path it protects, and Azure spreads
    an app's load over few instances, so a client's real budget is at most a small multiple of
    the limit. The account counters (in storage) are what bound guessing on any one account.
    """

    def __init__(self, per_minute: int, *, max_clients: int = 10_000) -> None:
        self._per_minute = per_minute
        self._max_clients = max_clients
        self._spent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def spend(self, client: str, now: float) -> int:
        """Spend one verify for `client`; 0 when allowed, else the seconds until one is free."""
        with self._lock:
            times = self._spent.setdefault(client, deque())
            while times and times[0] <= now - 60:
                times.popleft()
            if len(times) >= self._per_minute:
                return max(1, math.ceil(times[0] + 60 - now))
            times.append(now)
            if len(self._spent) > self._max_clients:  # forget idle clients, bounding memory
                for name in [c for c, t in self._spent.items() if not t or t[-1] <= now - 60]:
                    del self._spent[name]
            return 0
