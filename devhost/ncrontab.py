"""Six-field NCRONTAB schedules, as Azure timer triggers write them: second minute hour day month weekday.

croniter does the calendar arithmetic; this module only holds it to what NCRONTAB means. The seconds
field comes first (croniter's `second_at_beginning`), and, as in NCrontab, the library behind the
Functions host, a time must match *both* the day of month and the day of week (`day_or=False`),
where classic Unix cron fires when either matches. All times are UTC, as timers run in Azure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from croniter import CroniterError, croniter

_FIELD_COUNT = 6


@dataclass(frozen=True)
class Schedule:
    """A checked six-field expression."""

    expression: str


def parse(expression: str) -> Schedule:
    """Check a six-field NCRONTAB expression; raise ValueError saying what is wrong."""
    fields = expression.split()
    if len(fields) != _FIELD_COUNT:
        raise ValueError(
            f"NCRONTAB expression {expression!r} has {len(fields)} fields; six are needed "
            "(second minute hour day month day-of-week)"
        )
    try:
        _iterator(expression, datetime(2000, 1, 1, tzinfo=UTC)).get_next(datetime)
    except (CroniterError, ValueError, KeyError) as error:
        raise ValueError(f"NCRONTAB expression {expression!r} is not valid: {error}") from None
    return Schedule(expression)


def next_after(schedule: Schedule, moment: datetime) -> datetime:
    """The first time strictly after `moment` that the schedule fires, in UTC."""
    if moment.tzinfo is None:
        raise ValueError("next_after needs a timezone-aware datetime; schedules are in UTC")
    following: datetime = _iterator(schedule.expression, moment.astimezone(UTC)).get_next(datetime)
    return following.astimezone(UTC)


def _iterator(expression: str, start: datetime) -> croniter:
    return croniter(expression, start, second_at_beginning=True, day_or=False, max_years_between_matches=400)
