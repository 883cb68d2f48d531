"""The JournalReader contract: a child's journal newest first, paged by cursors bound to it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import InvalidInput
from shared.domain.journal import JournalEntry
from shared.domain.observations import Area
from shared.services.deps import Deps
from tests.contract.examples import observation

MATHS, LITERACY = Area.MATHEMATICS, Area.LITERACY


def _pages(
    ports: Deps, setting_id: str, child_id: str, size: int, area: Area | None
) -> list[list[JournalEntry]]:
    pages, cursor = [], None
    while True:
        entries, cursor = ports.journal.page(setting_id, child_id, area=area, size=size, cursor=cursor)
        pages.append(entries)
        if cursor is None:
            return pages


def _fill(ports: Deps, setting_id: str, clock: FrozenClock) -> list[tuple[date, str, bool]]:
    """Seven observations of one child on five days, some about mathematics: (day, id, maths)."""
    made = []
    for n, day in enumerate((3, 1, 4, 1, 5, 9, 2)):
        maths = n % 2 == 0
        areas = (MATHS,) if maths else (LITERACY,)
        new = observation(setting_id, clock.now(), ["ca"], observed_on=date(2026, 10, day), areas=areas)
        ports.observations.add(new)
        made.append((new.observed_on, new.observation_id, maths))
    return made


def test_a_journal_lists_the_newest_day_first_and_each_day_by_id(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    made = _fill(ports, setting_id, clock)
    expected = [i for _, i, _ in sorted(made, key=lambda m: (-m[0].toordinal(), m[1]))]
    (page,) = _pages(ports, setting_id, "ca", 50, None)
    assert [e.observation_id for e in page] == expected


def test_pages_follow_one_another_without_gaps_or_repeats(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    made = _fill(ports, setting_id, clock)
    pages = _pages(ports, setting_id, "ca", 3, None)
    assert [len(p) for p in pages] == [3, 3, 1]
    expected = [i for _, i, _ in sorted(made, key=lambda m: (-m[0].toordinal(), m[1]))]
    assert [e.observation_id for p in pages for e in p] == expected


def test_an_area_filter_fills_its_pages_and_keeps_the_order(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    made = _fill(ports, setting_id, clock)
    pages = _pages(ports, setting_id, "ca", 2, MATHS)
    assert all(len(p) == 2 for p in pages[:-1])
    expected = [i for _, i, m in sorted(made, key=lambda m: (-m[0].toordinal(), m[1])) if m]
    assert [e.observation_id for p in pages for e in p] == expected


def test_s24_a_cursor_made_for_one_journal_or_filter_is_refused_by_another(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    _fill(ports, setting_id, clock)
    _, cursor = ports.journal.page(setting_id, "ca", area=None, size=2, cursor=None)
    assert cursor is not None
    for other_child, area in (("cb", None), ("ca", MATHS)):
        with pytest.raises(InvalidInput) as refused:
            ports.journal.page(setting_id, other_child, area=area, size=2, cursor=cursor)
        assert refused.value.field == "cursor"
    with pytest.raises(InvalidInput):
        ports.journal.page(setting_id + "x", "ca", area=None, size=2, cursor=cursor)


@pytest.mark.parametrize("cursor", ["not base64 !", "bnVsbA", "x" * 3000, "eyJqIjogMX0"])
def test_a_malformed_cursor_is_invalid_input(ports: Deps, setting_id: str, cursor: str) -> None:
    with pytest.raises(InvalidInput):
        ports.journal.page(setting_id, "ca", area=None, size=2, cursor=cursor)


def test_an_empty_journal_is_one_empty_page(ports: Deps, setting_id: str, clock: FrozenClock) -> None:
    ports.observations.add(observation(setting_id, clock.now() - timedelta(days=1), ["cb"]))
    assert ports.journal.page(setting_id, "ca", area=None, size=5, cursor=None) == ([], None)
