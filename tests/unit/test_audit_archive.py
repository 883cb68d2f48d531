"""Comparing the audit table with its immutable archive (S41), and the archive's line format."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from shared.domain.audit_archive import compare_archive
from shared.domain.audit_chain import GENESIS, ChainLink, link_hash
from shared.storage.audit_archive import from_line, to_line

START = datetime(2026, 10, 1, 9, tzinfo=UTC)
CUT = datetime(2026, 9, 1, tzinfo=UTC)


def chain(n: int, start: datetime = START) -> list[ChainLink]:
    links, prev = [], GENESIS
    for seq in range(1, n + 1):
        fields = dict(at=start + timedelta(minutes=seq), setting_id="s1", actor="u1", action="sign-in",
                      target="u1", outcome="success", detail="")  # fmt: skip
        link = ChainLink(seq=seq, prev=prev, hash=link_hash(seq=seq, prev=prev, **fields), **fields)
        links.append(link)
        prev = link.hash
    return links


def test_s41_a_table_that_matches_its_archive_agrees() -> None:
    links = chain(4)
    report = compare_archive(links, list(reversed(links)), CUT)
    assert report.agrees and report.archived == 4


def test_s41_a_rewritten_entry_is_found_even_with_its_hash_recomputed() -> None:
    links = chain(4)
    forged = replace(links[2], target="someone-else")
    report = compare_archive([*links[:2], forged, links[3]], links, CUT)
    assert not report.agrees and report.rewritten == 1 and report.first_disagreeing == 3


def test_s41_an_entry_the_archive_never_saw_is_found() -> None:
    links = chain(3)
    report = compare_archive(links, links[:2], CUT)
    assert not report.agrees and report.unarchived == 1 and report.first_disagreeing == 3


def test_s41_entries_deleted_from_the_table_are_found_but_not_those_past_retention() -> None:
    old, kept = chain(3, CUT - timedelta(days=20)), chain(3)
    assert compare_archive(kept, [*old, *kept], CUT).agrees  # the purge's doing
    report = compare_archive(kept[1:], [*old, *kept], CUT)
    assert not report.agrees and report.deleted == 1 and report.first_disagreeing == 1


def test_s41_an_archive_line_round_trips_every_field_the_hash_covers() -> None:
    (link,) = chain(1)
    odd = replace(link, detail='ünï\ncode "quoted"', at=link.at + timedelta(milliseconds=7))
    line = to_line(odd)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert from_line(line) == odd
