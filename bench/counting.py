"""Counts storage round trips: a hook the SDK clients call for every request they send."""

from __future__ import annotations

import threading
from typing import Any

# The local host's queue pollers and timers run on threads of these names. What they send (the
# mail worker delivering a notice a sign-in queued, say) is not the cost of the request being
# timed, and it lands in that request's window only when the poller happens to wake inside it.
BACKGROUND_THREADS = ("devhost-queue-", "devhost-timers")


class RequestCounter:
    """Each request that leaves for storage (retries included) adds one, unless a background
    worker of the host sent it. Passed to the clients as their raw_request_hook, which azure-core's
    CustomHookPolicy and the storage SDKs' request hook call after the retry policy, so every
    attempt counts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0
        self.background = 0

    def __call__(self, request: Any) -> None:
        mine = not threading.current_thread().name.startswith(BACKGROUND_THREADS)
        with self._lock:
            if mine:
                self.count += 1
            else:
                self.background += 1

    def during(self) -> _Window:
        return _Window(self)


class _Window:
    def __init__(self, counter: RequestCounter) -> None:
        self._counter = counter
        self.requests = 0

    def __enter__(self) -> _Window:
        self._start = self._counter.count
        return self

    def __exit__(self, *exc: object) -> None:
        self.requests = self._counter.count - self._start
