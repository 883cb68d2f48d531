"""The audit chain's pure rules (S41): what verification accepts and where it says it broke."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from shared.domain.audit_chain import GENESIS, ChainHead, ChainLink, link_hash, verify_chain

START = datetime(2026, 11, 2, 9, tzinfo=UTC)


def chain(count: int, start: datetime = START, first_seq: int = 1, prev: str = GENESIS) -> list[ChainLink]:
    links = []
    for i in range(count):
        seq, at = first_seq + i, start + timedelta(minutes=i)
        fields = dict(
            at=at, setting_id="s1", actor="u1", action="a.b", target=f"t{i}", outcome="success", detail=""
        )
        digest = link_hash(seq=seq, prev=prev, **fields)  # type: ignore[arg-type]
        links.append(ChainLink(seq=seq, prev=prev, hash=digest, **fields))  # type: ignore[arg-type]
        prev = digest
    return links


def heads(*months: list[ChainLink]) -> dict[str, ChainHead]:
    return {m[-1].at.strftime("%Y-%m"): ChainHead(m[-1].seq, m[-1].hash) for m in months}


def test_s41_an_empty_log_and_an_untouched_one_are_intact() -> None:
    assert verify_chain([], {}).intact
    links = chain(5)
    report = verify_chain(list(reversed(links)), heads(links))
    assert (report.intact, report.checked) == (True, 5)


def test_s41_a_changed_field_breaks_that_entry() -> None:
    links = chain(5)
    links[2] = replace(links[2], detail="edited")
    report = verify_chain(links, heads(links))
    assert (report.intact, report.first_broken, report.first_broken_at) == (False, 3, links[2].at)


def test_s41_a_missing_entry_breaks_the_one_after_it_and_a_missing_last_one_breaks_the_head() -> None:
    links = chain(5)
    assert verify_chain(links[:2] + links[3:], heads(links)).first_broken == 4
    assert verify_chain(links[:4], heads(links)).first_broken == 5
    assert not verify_chain(links, {}).intact  # the head row itself removed


def test_s41_a_duplicated_sequence_number_is_a_fork() -> None:
    links = chain(3)
    fork = chain(1, first_seq=3, prev=links[1].hash, start=START + timedelta(hours=1))
    assert verify_chain([*links, *fork], heads(links)).first_broken == 3


def test_s41_only_the_oldest_month_may_start_after_one() -> None:
    october = chain(3, start=datetime(2026, 10, 5, tzinfo=UTC))
    november = chain(3)
    later_start = chain(3, start=october[0].at, first_seq=4, prev="f" * 64)
    assert verify_chain(later_start + november, heads(later_start, november)).intact  # retention
    erased = {"2026-09": ChainHead(7, "e" * 64)}  # a month erased whole leaves its head
    assert verify_chain(october + november, {**erased, **heads(october, november)}).intact
    assert verify_chain(october + november[1:], heads(october, november)).first_broken == 2


def test_s41_the_hash_covers_the_setting_so_an_entry_cannot_move_between_settings() -> None:
    links = chain(2)
    moved = [links[0], replace(links[1], setting_id="s2")]
    assert verify_chain(moved, heads(links)).first_broken == 2
