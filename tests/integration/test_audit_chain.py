"""The audit log's hash chain against Azurite (S41): a manager's check finds an entry edited or
deleted directly in storage, and parallel appends never fork the chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from azure.data.tables import UpdateMode

from bench.counting import RequestCounter
from shared import bootstrap
from shared.clock import FrozenClock
from shared.config import Config
from shared.domain.errors import Forbidden
from shared.domain.people import Role
from shared.domain.retention import cutoff
from shared.services.audit_log import AuditCheck, verify_audit
from shared.services.ports import AuditEvent
from shared.storage import keys
from shared.storage.audit import TableAudit
from shared.storage.clients import StorageClients
from shared.storage.tables import Table
from tests.nurseries import Nursery

OCTOBER = datetime(2026, 10, 30, 12, tzinfo=UTC)


def record(nursery: Nursery, at: datetime, target: str) -> None:
    event = AuditEvent(at, nursery.setting.setting_id, "u1", "test.event", target, "success", "n=1")
    nursery.deps.audit_log.record(event)


def entries(nursery: Nursery, clients: StorageClients, month: datetime) -> list[dict[str, object]]:
    """The month's stored entries, oldest in the chain first, straight from the table."""
    partition = keys.audit_partition(nursery.setting.setting_id, month.year, month.month)
    found = clients.table(keys.AUDIT).query_entities("PartitionKey eq @pk", parameters={"pk": partition})
    return sorted((dict(e) for e in found if e["RowKey"] != keys.AUDIT_HEAD), key=lambda e: int(e["Seq"]))


def verified(nursery: Nursery) -> AuditCheck:
    """The manager's check, counted before its own audit line is added."""
    return verify_audit(nursery.deps, nursery.manager)


@pytest.fixture
def logged(nursery: Nursery) -> Nursery:
    """Five events at the end of October and three in November, after the nursery's own."""
    for i in range(5):
        record(nursery, OCTOBER + timedelta(hours=i), f"oct{i}")
    for i in range(3):
        record(nursery, OCTOBER + timedelta(days=3, hours=i), f"nov{i}")
    return nursery


def test_s41_an_untouched_log_verifies_as_intact_and_counts_every_entry(logged: Nursery) -> None:
    first = verified(logged)
    assert first.intact and first.first_broken is None
    again = verified(logged)  # the first check is itself an audited, chained entry
    assert again.intact and again.checked == first.checked + 1
    assert first.checked >= 8


def test_s41_an_entry_edited_directly_in_storage_is_found(logged: Nursery, clients: StorageClients) -> None:
    victim = entries(logged, clients, OCTOBER)[2]
    victim["Detail"] = "n=0"
    clients.table(keys.AUDIT).update_entity(victim, mode=UpdateMode.REPLACE)
    report = verified(logged)
    assert not report.intact
    assert report.first_broken == victim["Seq"]
    assert report.first_broken_at is not None and report.first_broken_at.day == 30


def test_s41_an_entry_whose_hash_is_recomputed_still_breaks_the_next_link(
    logged: Nursery, clients: StorageClients
) -> None:
    from shared.domain.audit_chain import link_hash

    rows = entries(logged, clients, OCTOBER)
    victim = rows[1]
    victim["Target"] = "someone-else"
    victim["Hash"] = link_hash(
        seq=int(victim["Seq"]), prev=str(victim["Prev"]), at=victim["At"], setting_id=str(victim["Setting"]),  # type: ignore[arg-type]
        actor=str(victim["Actor"]), action=str(victim["Action"]), target="someone-else",
        outcome=str(victim["Outcome"]), detail=str(victim["Detail"]),
    )  # fmt: skip
    clients.table(keys.AUDIT).update_entity(victim, mode=UpdateMode.REPLACE)
    assert verified(logged).first_broken == rows[2]["Seq"]


def test_s41_a_deleted_entry_is_found(logged: Nursery, clients: StorageClients) -> None:
    rows = entries(logged, clients, OCTOBER)
    clients.table(keys.AUDIT).delete_entity(rows[3]["PartitionKey"], rows[3]["RowKey"])
    report = verified(logged)
    assert not report.intact
    assert report.first_broken == rows[4]["Seq"]


def test_s41_deleting_the_newest_entries_of_a_month_is_found(
    logged: Nursery, clients: StorageClients
) -> None:
    november = OCTOBER + timedelta(days=3)
    rows = entries(logged, clients, november)
    clients.table(keys.AUDIT).delete_entity(rows[-1]["PartitionKey"], rows[-1]["RowKey"])
    report = verified(logged)
    assert not report.intact
    assert report.first_broken == rows[-1]["Seq"]


def test_s41_parallel_appends_never_fork_the_chain(nursery: Nursery, clients: StorageClients) -> None:
    at = datetime(2026, 9, 15, 8, tzinfo=UTC)
    # Four adapters stand for four processes: only the head's ETag keeps them from forking.
    writers = [TableAudit(Table(clients.table(keys.AUDIT)), nursery.deps.audit_archive) for _ in range(4)]
    event = AuditEvent(at, nursery.setting.setting_id, "u1", "test.event", "t", "success")
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda i: writers[i % 4].record(event), range(24)))
    assert [int(e["Seq"]) for e in entries(nursery, clients, at)] == list(range(1, 25))
    assert verified(nursery).intact


def test_s41_only_managers_verify_the_chain(nursery: Nursery) -> None:
    for role in (Role.PRACTITIONER, Role.PARENT):
        _, someone = nursery.principal(role)
        with pytest.raises(Forbidden):
            verify_audit(nursery.deps, someone)


def test_s41_the_retention_purge_leaves_a_chain_that_still_verifies(
    logged: Nursery, clients: StorageClients, clock: FrozenClock
) -> None:
    from shared.bootstrap import retention_store

    # Everything before November and the first November entry: whole months and a month's start,
    # as the purge cuts them once they are past the setting's audit retention.
    cut = entries(logged, clients, OCTOBER + timedelta(days=3))[1]["At"]
    assert isinstance(cut, datetime)
    keep = logged.setting.audit_retention_days
    clock.advance(seconds=(cut + timedelta(days=keep) - clock.now()).total_seconds())
    erased = retention_store(clients).erase_audit_before(logged.setting.setting_id, cutoff(clock.now(), keep))
    assert erased > 0
    report = verified(logged)
    assert report.intact, report
    assert entries(logged, clients, OCTOBER) == []


def test_s41_an_append_costs_one_table_request_and_one_archive_append_when_this_process_wrote_last(
    config: Config, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    counter = RequestCounter()
    counted = bootstrap.build(config, StorageClients(config.storage, request_hook=counter), clock)
    at = datetime(2026, 8, 3, tzinfo=UTC)
    event = AuditEvent(at, nursery.setting.setting_id, "u1", "test.event", "t", "success")
    counted.audit_archive.links(nursery.setting.setting_id, at)  # the archive container exists now
    with counter.during() as first:
        # The month's first entry: read (nothing), then create both; create the archive blob, append.
        counted.audit_log.record(event)
    with counter.during() as steady:
        counted.audit_log.record(event)
    record(nursery, at, "from another process")  # another writer moves the head on
    with counter.during() as after_another:
        counted.audit_log.record(event)  # the remembered ETag fails, then read and write; append
    assert (first.requests, steady.requests, after_another.requests) == (2 + 2, 1 + 1, 3 + 1)
    assert [int(e["Seq"]) for e in entries(nursery, clients, at)] == [1, 2, 3, 4]
    assert verified(nursery).intact


def test_s41_a_head_row_deleted_in_storage_is_found_and_appends_go_on(
    nursery: Nursery, clients: StorageClients
) -> None:
    at = datetime(2026, 7, 1, tzinfo=UTC)
    writer = TableAudit(Table(clients.table(keys.AUDIT)))
    event = AuditEvent(at, nursery.setting.setting_id, "u1", "test.event", "t", "success")
    writer.record(event)
    writer.record(event)
    partition = keys.audit_partition(nursery.setting.setting_id, at.year, at.month)
    clients.table(keys.AUDIT).delete_entity(partition, keys.AUDIT_HEAD)
    writer.record(event)  # the remembered head is gone: the append still lands
    assert not verified(nursery).intact


def test_s41_every_entry_is_also_in_the_archive_and_the_check_says_they_agree(
    logged: Nursery, clients: StorageClients
) -> None:
    report = verified(logged)
    assert report.intact and report.archive.agrees
    assert report.archive.archived == report.checked
    container = clients.container("audit-archive")
    names = [b.name for b in container.list_blobs(name_starts_with=f"{logged.setting.setting_id}/")]
    assert f"{logged.setting.setting_id}/2026-10/000.jsonl" in names


def test_s41_an_entry_rewritten_with_every_later_hash_and_the_head_recomputed_is_caught_by_the_archive(
    logged: Nursery, clients: StorageClients
) -> None:
    from shared.domain.audit_chain import link_hash

    # Someone with table write access rewrites an entry and re-chains the rest of the month: the
    # chain alone now verifies; the archive still holds what was written.
    rows = entries(logged, clients, OCTOBER)
    prev = str(rows[0]["Prev"])
    for i, row in enumerate(rows):
        if i == 1:
            row["Target"] = "someone-else"
        row["Prev"] = prev
        row["Hash"] = link_hash(
            seq=int(row["Seq"]), prev=prev, at=row["At"], setting_id=str(row["Setting"]),  # type: ignore[arg-type]
            actor=str(row["Actor"]), action=str(row["Action"]), target=str(row["Target"]),
            outcome=str(row["Outcome"]), detail=str(row["Detail"]),
        )  # fmt: skip
        prev = str(row["Hash"])
        clients.table(keys.AUDIT).update_entity(row, mode=UpdateMode.REPLACE)
    partition = keys.audit_partition(logged.setting.setting_id, OCTOBER.year, OCTOBER.month)
    clients.table(keys.AUDIT).upsert_entity(
        {"PartitionKey": partition, "RowKey": keys.AUDIT_HEAD, "Seq": rows[-1]["Seq"], "Hash": prev}
    )
    report = verified(logged)
    assert report.chain.intact  # the chain was forged well
    assert not report.intact and not report.archive.agrees
    assert report.archive.rewritten == len(rows) - 1
    assert report.archive.first_disagreeing == rows[1]["Seq"]


def test_s41_a_whole_month_deleted_with_its_head_is_caught_by_the_archive(
    logged: Nursery, clients: StorageClients
) -> None:
    partition = keys.audit_partition(logged.setting.setting_id, OCTOBER.year, OCTOBER.month)
    table = clients.table(keys.AUDIT)
    for row in list(table.query_entities("PartitionKey eq @pk", parameters={"pk": partition})):
        table.delete_entity(row["PartitionKey"], row["RowKey"])
    report = verified(logged)
    assert report.chain.intact  # October is simply gone, as if retention had removed it
    assert not report.intact
    assert report.archive.deleted == 5
