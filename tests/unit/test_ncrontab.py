"""NCRONTAB schedules as Azure timer triggers write them: six fields with seconds, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from devhost.ncrontab import next_after, parse


def at(year: int, month: int, day: int, hour: int, minute: int, second: int, micro: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        # 02:00 daily, the retention purge's schedule
        ("0 0 2 * * *", at(2026, 3, 10, 1, 59, 59), at(2026, 3, 10, 2, 0, 0)),
        ("0 0 2 * * *", at(2026, 3, 10, 2, 0, 0), at(2026, 3, 11, 2, 0, 0)),
        # every five minutes
        ("0 */5 * * * *", at(2026, 3, 10, 9, 3, 12), at(2026, 3, 10, 9, 5, 0)),
        # every second
        ("* * * * * *", at(2026, 3, 10, 9, 3, 12, 500), at(2026, 3, 10, 9, 3, 13)),
        # lists and ranges: 08:30 and 17:30 on weekdays (Monday-Friday is 1-5; 2026-03-13 is a Friday)
        ("0 30 8,17 * * 1-5", at(2026, 3, 13, 17, 30, 0), at(2026, 3, 16, 8, 30, 0)),
        # a range with a step
        ("0 0 9-17/4 * * *", at(2026, 3, 10, 13, 0, 0), at(2026, 3, 10, 17, 0, 0)),
        # a start with a step runs to the end of the field
        ("10/20 * * * * *", at(2026, 3, 10, 9, 0, 51), at(2026, 3, 10, 9, 1, 10)),
        # Sunday is 0
        ("0 0 0 * * 0", at(2026, 3, 10, 12, 0, 0), at(2026, 3, 15, 0, 0, 0)),
    ],
)
def test_next_after_finds_the_next_matching_second(
    expression: str, after: datetime, expected: datetime
) -> None:
    assert next_after(parse(expression), after) == expected


def test_the_end_of_a_month_rolls_over_into_the_next() -> None:
    assert next_after(parse("0 0 0 * * *"), at(2026, 4, 30, 12, 0, 0)) == at(2026, 5, 1, 0, 0, 0)


def test_the_end_of_a_year_rolls_over_into_january() -> None:
    assert next_after(parse("0 0 0 1 * *"), at(2026, 12, 31, 23, 59, 59)) == at(2027, 1, 1, 0, 0, 0)


def test_a_day_that_some_months_lack_skips_those_months() -> None:
    assert next_after(parse("0 0 12 31 * *"), at(2026, 4, 1, 0, 0, 0)) == at(2026, 5, 31, 12, 0, 0)


def test_the_twenty_ninth_of_february_waits_for_a_leap_year() -> None:
    assert next_after(parse("0 0 0 29 2 *"), at(2026, 3, 1, 0, 0, 0)) == at(2028, 2, 29, 0, 0, 0)


def test_day_of_month_and_day_of_week_must_both_match_as_in_ncrontab() -> None:
    # The 13th that is a Friday (5): 2026-02-13, then 2026-03-13.
    assert next_after(parse("0 0 0 13 * 5"), at(2026, 2, 14, 0, 0, 0)) == at(2026, 3, 13, 0, 0, 0)


def test_a_time_in_another_zone_is_read_as_the_same_instant_in_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    after = datetime(2026, 3, 10, 3, 30, tzinfo=plus_two)  # 01:30 UTC
    assert next_after(parse("0 0 2 * * *"), after) == at(2026, 3, 10, 2, 0, 0)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_after(parse("0 0 2 * * *"), datetime(2026, 3, 10, 1, 0))


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 0 2 * *", "six are needed"),
        ("0 0 0 2 * * *", "has 7 fields"),
        ("", "has 0 fields"),
        ("60 * * * * *", "second value 60 is outside 0-59"),
        ("0 0 24 * * *", "hour value 24 is outside 0-23"),
        ("0 0 0 0 * *", "day value 0 is outside 1-31"),
        ("0 0 0 * 13 *", "month value 13 is outside 1-12"),
        ("0 0 0 * * 7", "day of week value 7 is outside 0-6"),
        ("0 0 0 * JAN *", "names are not supported"),
        ("0 0 0 * * MON", "names are not supported"),
        ("0 */0 * * * *", "minute step 0 is outside"),
        ("0 0 17-9 * * *", "runs backwards"),
        ("0 0 0 1,,2 * *", "is not a whole number"),
        ("0 0 0 -1 * *", "is not a whole number"),
        ("0 0 0 30 2 *", "names no day that exists"),
    ],
)
def test_an_invalid_expression_is_refused_with_a_clear_message(expression: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse(expression)
