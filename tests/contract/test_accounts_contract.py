"""The AccountRepository contract: e-mail index, sessions and the manager guard, written atomically."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from shared.clock import FrozenClock
from shared.domain.children import ParentLink
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.people import Account, EmailChange, Role
from shared.domain.redaction import NamedParent
from shared.services.deps import Deps
from tests.contract.examples import account, session


def _added(ports: Deps, setting_id: str, clock: FrozenClock, **names: str) -> Account:
    new = account(setting_id, clock.now(), **names)
    ports.accounts.add(new)
    found = ports.accounts.get(setting_id, new.user_id)
    assert found is not None and found.etag
    return found


def _now(ports: Deps, setting_id: str, user_id: str) -> Account:
    """The account as stored now."""
    found = ports.accounts.get(setting_id, user_id)
    assert found is not None
    return found


def test_an_account_is_found_by_id_and_by_email(ports: Deps, setting_id: str, clock: FrozenClock) -> None:
    added = _added(ports, setting_id, clock)
    assert replace(added, etag=None) == replace(account(setting_id, clock.now()), user_id=added.user_id,
                                                  email=added.email)  # fmt: skip
    assert ports.accounts.find_by_email(setting_id, added.email) == added
    assert ports.accounts.find_by_email(setting_id, "nobody@family.example") is None
    assert ports.accounts.find_by_email("s-other", added.email) is None


def test_s24_an_email_is_unique_within_a_setting_only(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    first = _added(ports, setting_id, clock)
    twin = account(setting_id, clock.now(), email=first.email)
    with pytest.raises(Conflict):
        ports.accounts.add(twin)
    assert ports.accounts.get(setting_id, twin.user_id) is None
    ports.accounts.add(replace(twin, setting_id=setting_id + "x"))  # another setting may use it


def test_every_save_changes_the_etag_and_a_stale_save_writes_nothing(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = _added(ports, setting_id, clock)
    ports.accounts.save(replace(read, failed_logins=1))
    saved = ports.accounts.get(setting_id, read.user_id)
    assert saved is not None and saved.etag != read.etag and saved.failed_logins == 1
    with pytest.raises(ConcurrencyConflict):
        ports.accounts.save(replace(read, failed_logins=5), new_session=session(read, clock.now()))
    assert _now(ports, setting_id, read.user_id).failed_logins == 1
    assert ports.accounts.sessions(setting_id, read.user_id) == []


def test_a_field_set_back_to_none_is_cleared(ports: Deps, setting_id: str, clock: FrozenClock) -> None:
    read = _added(ports, setting_id, clock)
    ports.accounts.save(replace(read, throttled_until=clock.now(), password_hash="h"))
    throttled = _now(ports, setting_id, read.user_id)
    ports.accounts.save(replace(throttled, throttled_until=None, password_hash=None))
    cleared = ports.accounts.get(setting_id, read.user_id)
    assert cleared is not None and cleared.throttled_until is None and cleared.password_hash is None


def test_s16_a_save_can_start_a_session_read_back_with_the_account_and_links(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = _added(ports, setting_id, clock)
    started = session(read, clock.now())
    ports.accounts.save(read, new_session=started)
    ports.links.link(ParentLink(setting_id, read.user_id, "c2", clock.now()))
    ports.links.link(ParentLink(setting_id, read.user_id, "c1", clock.now()))
    found, found_session, links = ports.accounts.get_with_session(setting_id, read.user_id, started.digest)
    assert found is not None and found.user_id == read.user_id
    assert found_session == started
    assert [link.child_id for link in links] == ["c1", "c2"]
    _, none, _ = ports.accounts.get_with_session(setting_id, read.user_id, "0" * 64)
    assert none is None


def test_s18_a_save_can_end_every_session_at_once(ports: Deps, setting_id: str, clock: FrozenClock) -> None:
    read = _added(ports, setting_id, clock)
    ports.accounts.save(read, new_session=session(read, clock.now(), "a" * 64))
    again = _now(ports, setting_id, read.user_id)
    ports.accounts.save(again, new_session=session(read, clock.now(), "b" * 64))
    assert [s.digest for s in ports.accounts.sessions(setting_id, read.user_id)] == ["a" * 64, "b" * 64]
    latest = _now(ports, setting_id, read.user_id)
    ports.accounts.save(replace(latest, pin_locked=True), end_sessions=True)
    assert ports.accounts.sessions(setting_id, read.user_id) == []
    assert _now(ports, setting_id, read.user_id).pin_locked


def test_s18_end_sessions_keeps_one_and_counts_the_rest(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = _added(ports, setting_id, clock)
    for digest in ("a" * 64, "b" * 64, "c" * 64):
        current = _now(ports, setting_id, read.user_id)
        ports.accounts.save(current, new_session=session(read, clock.now(), digest))
    assert ports.accounts.end_sessions(setting_id, read.user_id, keep="b" * 64) == 2
    assert [s.digest for s in ports.accounts.sessions(setting_id, read.user_id)] == ["b" * 64]
    ports.accounts.end_session(setting_id, read.user_id, "b" * 64)
    ports.accounts.end_session(setting_id, read.user_id, "b" * 64)
    assert ports.accounts.end_sessions(setting_id, read.user_id) == 0


def test_s17_touching_a_session_records_activity_but_never_revives_an_ended_one(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = _added(ports, setting_id, clock)
    started = session(read, clock.now())
    ports.accounts.save(read, new_session=started)
    later = clock.now() + timedelta(minutes=3)
    ports.accounts.touch_session(started, later)
    assert ports.accounts.sessions(setting_id, read.user_id)[0].last_seen_at == later
    ports.accounts.end_session(setting_id, read.user_id, started.digest)
    with pytest.raises(NotFound):
        ports.accounts.touch_session(started, later)
    assert ports.accounts.sessions(setting_id, read.user_id) == []


def test_the_accounts_of_a_setting_come_sorted_by_name(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    for name in ("maya Manager", "Ben Parent", "Zoe Keyworker"):
        _added(ports, setting_id, clock, name=name)
    _added(ports, setting_id + "x", clock, name="Aaron Elsewhere")
    assert [a.name for a in ports.accounts.in_setting(setting_id)] == [
        "Ben Parent",
        "maya Manager",
        "Zoe Keyworker",
    ]


def test_changing_an_email_moves_the_index_with_the_account(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = _added(ports, setting_id, clock)
    ports.accounts.change_email(replace(read, email="new@family.example"), read.email)
    assert ports.accounts.find_by_email(setting_id, read.email) is None
    moved = ports.accounts.find_by_email(setting_id, "new@family.example")
    assert moved is not None and moved.user_id == read.user_id and moved.etag != read.etag
    ports.accounts.add(account(setting_id, clock.now(), email=read.email))  # the old address is free


def test_s38_a_pending_email_change_is_kept_with_the_account_and_read_back_whole(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = _added(ports, setting_id, clock)
    change = EmailChange(
        "next@family.example", "u-manager", clock.now(), 3, "d" * 64, clock.now(), None, None, 1
    )
    ports.accounts.save(replace(read, email_change=change, link_epoch=3, link_armed=2))
    stored = _now(ports, setting_id, read.user_id)
    assert stored.email_change == change and (stored.link_epoch, stored.link_armed) == (3, 2)
    ports.accounts.save(replace(stored, email_change=None))
    assert _now(ports, setting_id, read.user_id).email_change is None


def test_s38_a_confirmed_email_change_ends_every_session_in_the_same_write(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = _added(ports, setting_id, clock)
    ports.accounts.save(read, new_session=session(read, clock.now(), "a" * 64))
    latest = _now(ports, setting_id, read.user_id)
    ports.accounts.change_email(replace(latest, email="moved@family.example"), read.email, end_sessions=True)
    assert ports.accounts.sessions(setting_id, read.user_id) == []
    assert _now(ports, setting_id, read.user_id).email == "moved@family.example"


def test_changing_to_a_taken_email_is_a_conflict_and_changes_nothing(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = _added(ports, setting_id, clock)
    other = _added(ports, setting_id, clock)
    with pytest.raises(Conflict) as refused:
        ports.accounts.change_email(replace(read, email=other.email), read.email)
    assert refused.value.field == "email"
    assert ports.accounts.find_by_email(setting_id, read.email) == read
    assert ports.accounts.find_by_email(setting_id, other.email) == other


def test_changing_the_email_of_a_stale_account_changes_nothing(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = _added(ports, setting_id, clock)
    ports.accounts.save(replace(read, failed_logins=2))
    with pytest.raises(ConcurrencyConflict):
        ports.accounts.change_email(replace(read, email="new@family.example"), read.email)
    assert ports.accounts.find_by_email(setting_id, "new@family.example") is None
    assert ports.accounts.find_by_email(setting_id, read.email) is not None


def test_the_manager_guard_holds_still_until_a_guarded_save_moves_it(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = _added(ports, setting_id, clock)
    guard = ports.accounts.manager_guard(setting_id)
    assert ports.accounts.manager_guard(setting_id) == guard
    ports.accounts.save_guarded(replace(read, name="Renamed"), guard)
    moved = ports.accounts.manager_guard(setting_id)
    assert moved != guard
    fresh = _now(ports, setting_id, read.user_id)
    with pytest.raises(ConcurrencyConflict):  # a racing demotion counted managers under the old guard
        ports.accounts.save_guarded(replace(fresh, name="Lost race"), guard)
    assert _now(ports, setting_id, read.user_id).name == "Renamed"
    assert ports.accounts.manager_guard(setting_id) == moved


def test_a_guarded_save_of_a_stale_account_leaves_the_guard_alone(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = _added(ports, setting_id, clock)
    guard = ports.accounts.manager_guard(setting_id)
    ports.accounts.save(replace(read, name="Changed meanwhile"))
    with pytest.raises(ConcurrencyConflict):
        ports.accounts.save_guarded(replace(read, name="Stale"), guard, end_sessions=True)
    assert ports.accounts.manager_guard(setting_id) == guard


def test_s37_families_are_every_parent_with_their_linked_children_and_no_staff(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    jane = _added(ports, setting_id, clock, name="Jane Smith")
    lone = _added(ports, setting_id, clock, name="Tomasz Nowak")
    staff = account(setting_id, clock.now(), name="Kim Keyworker")
    ports.accounts.add(replace(staff, role=Role.PRACTITIONER))
    for child_id in ("c-oliver", "c-ava"):
        ports.links.link(ParentLink(setting_id, jane.user_id, child_id, clock.now()))
    ports.accounts.add(
        replace(account(setting_id, clock.now(), name="Elsewhere"), setting_id=setting_id + "x")
    )
    found = {p.parent_id: p for p in ports.accounts.families(setting_id)}
    assert set(found) == {jane.user_id, lone.user_id}
    assert found[jane.user_id] == NamedParent(jane.user_id, "Jane Smith", frozenset({"c-oliver", "c-ava"}))
    assert found[lone.user_id].child_ids == frozenset()


def test_s37_families_follow_a_rename_a_link_and_an_unlink_at_once(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    jane = _added(ports, setting_id, clock, name="Jane Smith")
    ports.accounts.families(setting_id)  # read once, so a kept copy would be the stale one
    ports.links.link(ParentLink(setting_id, jane.user_id, "c-oliver", clock.now()))
    read = ports.accounts.get(setting_id, jane.user_id)
    assert read is not None
    read.name = "Jane Brown"
    ports.accounts.save(read)
    assert ports.accounts.families(setting_id) == [
        NamedParent(jane.user_id, "Jane Brown", frozenset({"c-oliver"}))
    ]
    ports.links.unlink(setting_id, jane.user_id, "c-oliver")
    assert ports.accounts.families(setting_id) == [NamedParent(jane.user_id, "Jane Brown", frozenset())]


def test_s37_a_link_made_before_the_parents_account_joins_their_family_when_it_is_added(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    parent = account(setting_id, clock.now(), name="Tomasz Nowak")
    ports.links.link(ParentLink(setting_id, parent.user_id, "c-ola", clock.now()))
    assert ports.accounts.families(setting_id) == []  # a link is no family without its parent
    ports.accounts.add(parent)
    assert ports.accounts.families(setting_id) == [
        NamedParent(parent.user_id, "Tomasz Nowak", frozenset({"c-ola"}))
    ]


def test_s37_a_parent_renamed_while_their_many_sessions_end_is_renamed_in_the_families_read(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    jane = _added(ports, setting_id, clock, name="Jane Smith")
    for _ in range(120):  # more than one transaction's hundred operations
        ports.accounts.save(_now(ports, setting_id, jane.user_id), new_session=session(jane, clock.now()))
    read = _now(ports, setting_id, jane.user_id)
    read.name = "Jane Brown"
    ports.accounts.save(read, end_sessions=True)
    assert ports.accounts.sessions(setting_id, jane.user_id) == []
    assert [p.name for p in ports.accounts.families(setting_id)] == ["Jane Brown"]
