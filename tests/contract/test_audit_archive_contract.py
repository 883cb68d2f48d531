"""The AuditArchive contract (S41): every chained entry the log records is also archived, as the
table's chain has it; appends only add; a setting reads back only its own months."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from shared.domain.audit_chain import GENESIS, ChainLink, link_hash, month_of
from shared.services.deps import Deps
from shared.services.ports import AuditEvent

NOV = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


def _link(setting_id: str, seq: int, at: datetime, prev: str = GENESIS) -> ChainLink:
    fields = dict(at=at, setting_id=setting_id, actor="u1", action="sign-in.password", target="u1",
                  outcome="success", detail="")  # fmt: skip
    return ChainLink(seq=seq, prev=prev, hash=link_hash(seq=seq, prev=prev, **fields), **fields)


def _key(link: ChainLink) -> tuple[str, int]:
    return month_of(link.at), link.seq


def test_s41_every_recorded_entry_is_archived_exactly_as_the_chain_holds_it(
    ports: Deps, setting_id: str
) -> None:
    for minutes in range(3):
        at = NOV + timedelta(minutes=minutes)
        ports.audit_log.record(AuditEvent(at, setting_id, "u1", "sign-in", "u1", "success", "ünïcode détail"))
    december = datetime(2026, 12, 1, tzinfo=UTC)
    ports.audit_log.record(AuditEvent(december, setting_id, "u2", "logout", "u2", "success"))
    chain, _ = ports.audit_reader.chain(setting_id)
    archived = ports.audit_archive.links(setting_id, NOV - timedelta(days=40))
    assert sorted(archived, key=_key) == sorted(chain, key=_key)
    assert len(archived) == 4


def test_s41_appends_only_add_and_a_setting_reads_back_only_its_own(ports: Deps, setting_id: str) -> None:
    first = _link(setting_id, 1, NOV)
    second = _link(setting_id, 2, NOV + timedelta(seconds=1), first.hash)
    ports.audit_archive.append(first)
    ports.audit_archive.append(second)
    ports.audit_archive.append(_link(setting_id + "x", 1, NOV))
    assert sorted(ports.audit_archive.links(setting_id, NOV), key=_key) == [first, second]
    assert (
        ports.audit_archive.links(setting_id, datetime(2026, 12, 1, tzinfo=UTC)) == []
    )  # months before left out


def test_s41_parallel_appends_all_land(ports: Deps, setting_id: str) -> None:
    links = [_link(setting_id, seq, NOV + timedelta(milliseconds=seq)) for seq in range(1, 21)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(ports.audit_archive.append, links))
    assert sorted(ports.audit_archive.links(setting_id, NOV), key=_key) == links
