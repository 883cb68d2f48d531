"""The purge removes expired sessions and links, leavers' accounts and old audit entries (S29)."""

from __future__ import annotations

import json

from shared import bootstrap
from shared.clock import FrozenClock
from shared.domain.people import Status
from shared.services.deps import Deps
from shared.services.retention import Budget, purge
from shared.services.sessions import authenticate
from shared.services.signin import complete_sign_in, start_sign_in
from shared.storage import keys
from shared.storage.clients import StorageClients
from tests.conftest import Member, People


def run_purge(deps: Deps, clients: StorageClients, seconds: float = 60) -> None:
    purge(deps, bootstrap.retention_store(clients), Budget(seconds))


def sign_in(deps: Deps, member: Member) -> str:
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    return complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x").token


def partition_rows(clients: StorageClients, table: str, setting_id: str) -> list[dict[str, object]]:
    """Every row of the setting in this table, whichever of its partitions it is in."""
    return [
        dict(e)
        for e in clients.table(table).list_entities()
        if keys.split_partition(e["PartitionKey"])[0] == setting_id
    ]


def test_expired_sessions_are_deleted_and_live_ones_kept(
    deps: Deps, clients: StorageClients, clock: FrozenClock, people: People
) -> None:
    member = people.member()
    old = sign_in(deps, member)
    clock.advance(minutes=31)
    fresh = sign_in(deps, member)
    run_purge(deps, clients)
    sessions = deps.accounts.sessions(member.setting_id, member.user_id)
    assert len(sessions) == 1
    assert authenticate(deps, fresh).user_id == member.user_id
    assert old != fresh


def test_a_leavers_account_is_erased_one_day_after_its_retention(
    deps: Deps, clients: StorageClients, clock: FrozenClock, people: People
) -> None:
    setting = people.setting()
    member = people.member(setting=setting)
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None
    account.status = Status.DEACTIVATED
    deps.accounts.save(account, end_sessions=True)
    run_purge(deps, clients)  # starts the retention clock
    clock.advance(days=setting.deactivated_retention_days - 1)
    run_purge(deps, clients)
    assert deps.accounts.get(member.setting_id, member.user_id) is not None
    clock.advance(days=2)
    run_purge(deps, clients)
    assert deps.accounts.get(member.setting_id, member.user_id) is None
    assert deps.accounts.find_by_email(member.setting_id, member.email) is None
    leftovers = [
        r for r in partition_rows(clients, keys.ACCOUNTS, member.setting_id) if member.user_id in str(r)
    ]
    assert leftovers == []
    run_purge(deps, clients)  # a second run finds nothing more and does not fail


def test_audit_entries_past_retention_go_and_each_setting_gets_a_report_with_counts_only(
    deps: Deps, clients: StorageClients, clock: FrozenClock, people: People
) -> None:
    setting = people.setting()
    people.member(setting=setting)
    clock.advance(days=setting.audit_retention_days + 1)
    run_purge(deps, clients)
    rows = [
        r for r in partition_rows(clients, keys.AUDIT, setting.setting_id) if r["RowKey"] != keys.AUDIT_HEAD
    ]
    assert {r["Action"] for r in rows} == {"retention.purge"}
    report = json.loads(str(rows[0]["Detail"]))
    assert report["audit"] >= 3
    assert "Sam" not in str(rows[0]) and "@" not in str(rows[0]["Detail"])


def test_a_run_out_of_time_stops_cleanly_and_the_next_run_finishes(
    deps: Deps, clients: StorageClients, clock: FrozenClock, people: People
) -> None:
    member = people.member()
    sign_in(deps, member)
    clock.advance(hours=13)
    run_purge(deps, clients, seconds=0)
    assert len(deps.accounts.sessions(member.setting_id, member.user_id)) == 1
    run_purge(deps, clients)
    assert deps.accounts.sessions(member.setting_id, member.user_id) == []


def test_s26_a_days_upload_counter_is_swept_once_its_day_is_over_and_todays_is_kept(
    deps: Deps, clients: StorageClients, clock: FrozenClock, people: People
) -> None:
    from shared.domain.quotas import next_day

    member = people.member()
    now = clock.now()
    assert deps.upload_quota.reserve(member.setting_id, member.user_id, now.date(), 30, next_day(now))
    counted = keys.uploads_row(member.user_id, now.date())
    run_purge(deps, clients)
    assert counted in {r["RowKey"] for r in partition_rows(clients, keys.ACCOUNTS, member.setting_id)}
    clock.advance(days=1)
    later = clock.now()
    assert deps.upload_quota.reserve(member.setting_id, member.user_id, later.date(), 30, next_day(later))
    run_purge(deps, clients)
    rows = {r["RowKey"] for r in partition_rows(clients, keys.ACCOUNTS, member.setting_id)}
    assert counted not in rows
    assert keys.uploads_row(member.user_id, later.date()) in rows
