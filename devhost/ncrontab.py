"""Six-field NCRONTAB schedules, as Azure timer triggers use them: second minute hour day month weekday.

Only what the Functions host documents is supported: numbers, `*`, lists, ranges and steps
(`0 */5 * * * *`). Names such as MON or JAN are not. All times are UTC.

Like NCrontab, the library behind the Functions host, a time must match *both* the day of month and
the day of week; classic Unix cron instead fires when either matches.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

# (name, lowest, highest) of each field, in the order they are written.
_FIELDS = (
    ("second", 0, 59),
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 6),
)

# The Gregorian calendar repeats every 400 years, so a schedule that can fire at all fires within that.
_SEARCH_YEARS = 400


@dataclass(frozen=True)
class Schedule:
    """A parsed expression: for each field, the sorted values it allows."""

    expression: str
    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: tuple[int, ...]
    months: tuple[int, ...]
    weekdays: tuple[int, ...]  # 0 is Sunday, as in NCRONTAB


def parse(expression: str) -> Schedule:
    """Parse a six-field NCRONTAB expression; raise ValueError saying which part is wrong."""
    parts = expression.split()
    if len(parts) != len(_FIELDS):
        raise ValueError(
            f"NCRONTAB expression {expression!r} has {len(parts)} fields; six are needed: "
            "second minute hour day month day-of-week (for example '0 0 2 * * *')"
        )
    values = [
        _parse_field(part, name, low, high) for part, (name, low, high) in zip(parts, _FIELDS, strict=True)
    ]
    schedule = Schedule(expression, *values)
    if not any(day <= _longest_month(month) for month in schedule.months for day in schedule.days):
        raise ValueError(f"NCRONTAB expression {expression!r} names no day that exists in its months")
    return schedule


def next_after(schedule: Schedule, moment: datetime) -> datetime:
    """The first time strictly after `moment` that the schedule fires, in UTC, to the second."""
    if moment.tzinfo is None:
        raise ValueError("next_after needs a timezone-aware datetime; schedules are in UTC")
    start = moment.astimezone(UTC).replace(microsecond=0) + timedelta(seconds=1)
    for day in _matching_days(schedule, start.date()):
        earliest = start.time() if day == start.date() else time(0, 0, 0)
        at = _first_time_from(schedule, earliest)
        if at is not None:
            return datetime.combine(day, at, tzinfo=UTC)
    raise ValueError(f"NCRONTAB expression {schedule.expression!r} never fires")


def _parse_field(text: str, name: str, low: int, high: int) -> tuple[int, ...]:
    allowed: set[int] = set()
    for item in text.split(","):
        allowed.update(_parse_item(item, name, low, high))
    return tuple(sorted(allowed))


def _parse_item(item: str, name: str, low: int, high: int) -> range:
    """One list item: `*`, `n`, `a-b`, each optionally followed by `/step`."""
    span, slash, step_text = item.partition("/")
    step = _number(step_text, name, 1, high - low + 1, what="step") if slash else 1
    if span == "*":
        first, last = low, high
    elif "-" in span:
        first_text, _, last_text = span.partition("-")
        first = _number(first_text, name, low, high)
        last = _number(last_text, name, low, high)
        if first > last:
            raise ValueError(f"the {name} range {span!r} runs backwards")
    else:
        first = _number(span, name, low, high)
        # `5/15` means "from 5, every 15", as in NCrontab; a bare number means just that value.
        last = high if slash else first
    return range(first, last + 1, step)


def _number(text: str, name: str, low: int, high: int, *, what: str = "value") -> int:
    if not text.isdigit() or not text.isascii():
        raise ValueError(f"the {name} {what} {text!r} is not a whole number (names are not supported)")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"the {name} {what} {value} is outside {low}-{high}")
    return value


def _longest_month(month: int) -> int:
    return 29 if month == 2 else calendar.monthrange(2001, month)[1]


def _matching_days(schedule: Schedule, first: date) -> Iterator[date]:
    """Every date from `first` on whose day, month and weekday the schedule allows."""
    for year in range(first.year, first.year + _SEARCH_YEARS + 1):
        for month in schedule.months:
            if (year, month) < (first.year, first.month):
                continue
            month_length = calendar.monthrange(year, month)[1]
            for day_number in schedule.days:
                if day_number > month_length:
                    break
                day = date(year, month, day_number)
                # date.weekday() counts from Monday = 0; NCRONTAB counts from Sunday = 0.
                if day >= first and (day.weekday() + 1) % 7 in schedule.weekdays:
                    yield day


def _first_time_from(schedule: Schedule, earliest: time) -> time | None:
    """The first time of day at or after `earliest` that the schedule allows, if any."""
    for hour in schedule.hours:
        if hour < earliest.hour:
            continue
        for minute in schedule.minutes:
            if (hour, minute) < (earliest.hour, earliest.minute):
                continue
            for second in schedule.seconds:
                if (hour, minute, second) >= (earliest.hour, earliest.minute, earliest.second):
                    return time(hour, minute, second)
    return None
