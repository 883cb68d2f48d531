"""Runs timer-triggered functions on their NCRONTAB schedules, in one background thread."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime

# func.TimerRequest is abstract; the worker builds this concrete class, and so does the host.
from azure.functions.timer import TimerRequest

from devhost import ncrontab
from devhost.functions import TimerFunction, invoke

logger = logging.getLogger("devhost")

# The thread looks at the clock at least this often, so an injected clock that a test moves, or a
# laptop waking from sleep, is noticed within half a second rather than after a long computed wait.
_LONGEST_WAIT_SECONDS = 0.5


class TimerScheduler:
    """Fires each timer function when its schedule comes due, one run at a time."""

    def __init__(self, timers: Sequence[TimerFunction], clock_now: Callable[[], datetime]) -> None:
        self._timers = tuple(timers)
        self._clock_now = clock_now
        # Parsed up front so that a bad schedule stops the host at startup, naming the function.
        self._schedules = {timer.name: _parse(timer) for timer in self._timers}
        self._due: dict[str, datetime] = {}
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if not self._timers or self._thread is not None:
            return
        now = self._clock_now()
        self._due = {name: ncrontab.next_after(schedule, now) for name, schedule in self._schedules.items()}
        self._thread = threading.Thread(target=self._run, name="devhost-timers", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()

    def run_due(self) -> float:
        """Run every timer whose time has come; return how long to wait before looking again."""
        now = self._clock_now()
        for timer in self._timers:
            due = self._due[timer.name]
            if due > now:
                continue
            schedule = self._schedules[timer.name]
            # Several missed occurrences (a long run, a suspended machine) give one run, past due,
            # as in Azure, rather than a burst of catch-up runs.
            past_due = ncrontab.next_after(schedule, due) <= now
            self._due[timer.name] = ncrontab.next_after(schedule, now)
            _fire(timer, past_due=past_due)
        if not self._due:
            return _LONGEST_WAIT_SECONDS
        wait = (min(self._due.values()) - self._clock_now()).total_seconds()
        return max(0.0, min(wait, _LONGEST_WAIT_SECONDS))

    def _run(self) -> None:
        for timer in self._timers:
            if timer.trigger.run_on_startup:
                _fire(timer, past_due=False)
        while not self._stopping.is_set():
            self._stopping.wait(self.run_due())


def _parse(timer: TimerFunction) -> ncrontab.Schedule:
    try:
        return ncrontab.parse(timer.trigger.schedule)
    except ValueError as error:
        raise ValueError(f"timer function {timer.name}: {error}") from None


def _fire(timer: TimerFunction, *, past_due: bool) -> None:
    started = time.perf_counter()
    try:
        invoke(timer, TimerRequest(past_due=past_due))
    except Exception:
        logger.exception("timer function %s failed", timer.name)
        return
    logger.info("timer function %s ran in %.0f ms", timer.name, (time.perf_counter() - started) * 1000)
