"""Counts storage round trips: a hook the SDK clients call for every request they send."""

from __future__ import annotations

import threading
from typing import Any


class RequestCounter:
    """Each request that leaves for storage (retries included) adds one. Passed to the clients as
    their raw_request_hook, which azure-core's CustomHookPolicy and the storage SDKs' request hook
    call after the retry policy, so every attempt counts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def __call__(self, request: Any) -> None:
        with self._lock:
            self.count += 1

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
