"""NCRONTAB schedules as Azure timer triggers write them: six fields with seconds, in UTC."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from devhost.ncrontab import next_after, parse

ROOT = Path(__file__).resolve().parents[2]
_TIMER_SCHEDULES = """
import json, function_app
print(json.dumps([f.get_trigger().schedule for f in function_app.app.get_functions()
                  if f.get_trigger().get_binding_name() == "timerTrigger"]))
"""


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


def test_month_and_day_names_read_as_the_functions_host_documents_them() -> None:
    # Learn's timer-trigger page: "0 30 9 * Jan Mon" is 09:30 every Monday in January.
    assert next_after(parse("0 30 9 * Jan Mon"), at(2026, 1, 6, 0, 0, 0)) == at(2026, 1, 12, 9, 30, 0)


def test_every_schedule_the_app_declares_parses_and_fires_in_utc() -> None:
    # Indexed in a fresh interpreter: get_functions() may run only once per app.
    listing = subprocess.run(
        [sys.executable, "-c", _TIMER_SCHEDULES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    schedules = json.loads(listing.stdout)
    assert "0 0 2 * * *" in schedules, "the nightly purge runs at 02:00 UTC"
    for expression in schedules:
        assert next_after(parse(expression), at(2026, 3, 10, 0, 0, 0)).tzinfo is UTC


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 0 2 * *", "six are needed"),
        ("0 0 0 2 * * *", "has 7 fields"),
        ("", "has 0 fields"),
        ("60 * * * * *", "out of range"),
        ("0 0 24 * * *", "out of range"),
        ("0 0 0 0 * *", "out of range"),
        ("0 0 0 * 13 *", "out of range"),
        ("0 */0 * * * *", "step '0'"),
        ("0 0 0 1,,2 * *", "not acceptable"),
        ("0 0 0 -1 * *", "negative numbers"),
        ("0 0 0 30 2 *", "failed to find next date"),
    ],
)
def test_an_invalid_expression_is_refused_with_a_clear_message(expression: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse(expression)
