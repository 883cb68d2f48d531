"""The RoomRepository and ChildDetailsRepository contracts: the fake and the Azurite adapter alike."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta

import pytest

from shared.clock import FrozenClock
from shared.domain.child_details import Sex, TrackerDetails, TrackerPolicy
from shared.domain.errors import ConcurrencyConflict, Conflict
from shared.domain.rooms import Room, RoomStatus, Stay, new_room_id
from shared.services.deps import Deps

DAY = date(2026, 9, 1)


def room(ports: Deps, setting_id: str, clock: FrozenClock, name: str) -> Room:
    return ports.rooms.add(Room(setting_id, new_room_id(), name, RoomStatus.ACTIVE, clock.now()))


def fresh(ports: Deps, room: Room) -> Room:
    """The room as stored now: every move writes it, so a caller reads it before the next."""
    found = ports.rooms.get(room.setting_id, room.room_id)
    assert found is not None
    return found


def test_rooms_read_back_sorted_by_name_and_only_in_their_setting(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    toddlers = room(ports, setting_id, clock, "Toddlers")
    babies = room(ports, setting_id, clock, "babies")
    room(ports, setting_id + "x", clock, "Elsewhere")
    assert [r.name for r in ports.rooms.list(setting_id)] == ["babies", "Toddlers"]
    found = ports.rooms.get(setting_id, toddlers.room_id)
    assert found is not None and found.etag and replace(found, etag=None) == replace(toddlers, etag=None)
    assert ports.rooms.get(setting_id + "x", babies.room_id) is None
    with pytest.raises(Conflict):
        ports.rooms.add(replace(babies, etag=None))


def test_a_rename_from_a_stale_version_is_refused(ports: Deps, setting_id: str, clock: FrozenClock) -> None:
    babies = room(ports, setting_id, clock, "Babies")
    renamed = ports.rooms.rename(replace(babies, name="Baby room"))
    assert renamed.etag != babies.etag
    with pytest.raises(ConcurrencyConflict):
        ports.rooms.rename(replace(babies, name="Nest"))
    assert [r.name for r in ports.rooms.list(setting_id)] == ["Baby room"]


def test_moves_keep_counts_members_and_an_unbroken_history(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    babies, toddlers = room(ports, setting_id, clock, "Babies"), room(ports, setting_id, clock, "Toddlers")
    first = ports.rooms.move("c1", None, babies, None, DAY)
    ports.rooms.move("c2", None, fresh(ports, babies), None, DAY)
    assert ports.rooms.children_in(setting_id, babies.room_id) == ["c1", "c2"]
    babies_now, toddlers_now = ports.rooms.get(setting_id, babies.room_id), toddlers
    assert babies_now is not None and babies_now.children == 2
    later = DAY + timedelta(days=30)
    moved = ports.rooms.move("c1", first, toddlers_now, babies_now, later)
    assert (moved.room_id, moved.since, moved.seq) == (toddlers.room_id, later, 2)
    assert ports.rooms.children_in(setting_id, babies.room_id) == ["c2"]
    assert ports.rooms.children_in(setting_id, toddlers.room_id) == ["c1"]
    assert [(r.name, r.children) for r in ports.rooms.list(setting_id)] == [("Babies", 1), ("Toddlers", 1)]
    assert ports.rooms.stays(setting_id, "c1") == [
        Stay("c1", babies.room_id, 1, DAY, later),
        Stay("c1", toddlers.room_id, 2, later, None),
    ]
    placed = ports.rooms.placement(setting_id, "c1")
    assert placed is not None and placed.etag == moved.etag and placed.room_id == toddlers.room_id
    assert {p.child_id: p.room_id for p in ports.rooms.placements(setting_id)} == {
        "c1": toddlers.room_id,
        "c2": babies.room_id,
    }


def test_a_move_from_a_stale_placement_or_room_changes_nothing(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    babies, toddlers = room(ports, setting_id, clock, "Babies"), room(ports, setting_id, clock, "Toddlers")
    first = ports.rooms.move("c1", None, babies, None, DAY)
    fresh_babies = ports.rooms.get(setting_id, babies.room_id)
    assert fresh_babies is not None
    with pytest.raises(Conflict):  # placed twice from "in no room": the second finds it placed
        ports.rooms.move("c1", None, toddlers, None, DAY)
    with pytest.raises(ConcurrencyConflict):  # the room as read before the first move
        ports.rooms.move("c1", first, toddlers, babies, DAY)
    ports.rooms.move("c1", first, toddlers, fresh_babies, DAY)
    stale_toddlers = ports.rooms.get(setting_id, toddlers.room_id)
    assert stale_toddlers is not None
    with pytest.raises(ConcurrencyConflict):  # the placement as read before the move
        ports.rooms.move("c1", first, fresh_babies, stale_toddlers, DAY)
    assert ports.rooms.children_in(setting_id, babies.room_id) == []
    assert [s.room_id for s in ports.rooms.stays(setting_id, "c1")] == [babies.room_id, toddlers.room_id]
    assert [(r.name, r.children) for r in ports.rooms.list(setting_id)] == [("Babies", 0), ("Toddlers", 1)]


def test_a_retirement_ends_the_rooms_staff_and_a_move_in_meanwhile_stops_it(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    babies, toddlers = room(ports, setting_id, clock, "Babies"), room(ports, setting_id, clock, "Toddlers")
    ports.rooms.assign(setting_id, "u1", [babies, toddlers])
    with pytest.raises(ConcurrencyConflict):  # joining writes the room: a retirement read before fails
        ports.rooms.retire(toddlers, clock.now())
    assert ports.rooms.rooms_of(setting_id, "u1") == sorted([babies.room_id, toddlers.room_id])
    read = ports.rooms.get(setting_id, babies.room_id)
    assert read is not None
    ports.rooms.move("c1", None, read, None, DAY)
    with pytest.raises(ConcurrencyConflict):
        ports.rooms.retire(read, clock.now())
    assert ports.rooms.rooms_of(setting_id, "u1") == sorted([babies.room_id, toddlers.room_id])
    current = ports.rooms.get(setting_id, toddlers.room_id)
    assert current is not None
    retired = ports.rooms.retire(current, clock.now())
    assert retired.status is RoomStatus.RETIRED
    stored = ports.rooms.get(setting_id, toddlers.room_id)
    assert stored is not None and stored.status is RoomStatus.RETIRED and stored.etag == retired.etag
    assert ports.rooms.rooms_of(setting_id, "u1") == [babies.room_id]
    assert ports.rooms.assignments(setting_id) == [(babies.room_id, "u1")]


def test_assigning_replaces_a_members_rooms_and_a_room_retired_meanwhile_refuses(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    babies, toddlers = room(ports, setting_id, clock, "Babies"), room(ports, setting_id, clock, "Toddlers")
    ports.rooms.assign(setting_id, "u1", [babies])
    ports.rooms.assign(setting_id, "u2", [fresh(ports, babies)])
    fresh_toddlers = ports.rooms.get(setting_id, toddlers.room_id)
    assert fresh_toddlers is not None
    ports.rooms.retire(fresh_toddlers, clock.now())
    with pytest.raises(ConcurrencyConflict):
        ports.rooms.assign(setting_id, "u1", [toddlers])
    assert ports.rooms.rooms_of(setting_id, "u1") == [babies.room_id]
    ports.rooms.assign(setting_id, "u1", [])
    assert ports.rooms.assignments(setting_id) == [(babies.room_id, "u2")]
    assert ports.rooms.erase_staff(setting_id, "u2") == 1
    assert ports.rooms.assignments(setting_id) == []


def test_erasing_a_child_removes_its_placement_and_history_and_counts_it_out(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    babies, toddlers = room(ports, setting_id, clock, "Babies"), room(ports, setting_id, clock, "Toddlers")
    first = ports.rooms.move("c1", None, babies, None, DAY)
    babies_now = ports.rooms.get(setting_id, babies.room_id)
    assert babies_now is not None
    ports.rooms.move("c1", first, toddlers, babies_now, DAY + timedelta(days=1))
    assert ports.rooms.erase_child(setting_id, "c1") == 4
    assert ports.rooms.placement(setting_id, "c1") is None and ports.rooms.stays(setting_id, "c1") == []
    assert ports.rooms.children_in(setting_id, toddlers.room_id) == []
    assert [r.children for r in ports.rooms.list(setting_id)] == [0, 0]
    assert ports.rooms.erase_child(setting_id, "c1") == 0


def test_child_details_create_once_then_change_from_the_version_read(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    assert ports.child_details.get(setting_id, "c1") is None
    made = ports.child_details.save(TrackerDetails(setting_id, "c1", DAY, eal=True, sex=Sex.FEMALE))
    assert made.etag
    with pytest.raises(Conflict):
        ports.child_details.save(TrackerDetails(setting_id, "c1"))
    changed = ports.child_details.save(replace(made, send_support=True, date_started=None))
    with pytest.raises(ConcurrencyConflict):
        ports.child_details.save(replace(made, eypp=True))
    found = ports.child_details.get(setting_id, "c1")
    assert found == changed and found is not None and found.send_support and found.date_started is None
    ports.child_details.save(TrackerDetails(setting_id + "x", "c2"))
    assert [d.child_id for d in ports.child_details.of_setting(setting_id)] == ["c1"]
    assert ports.child_details.erase(setting_id, "c1") == 1
    assert ports.child_details.erase(setting_id, "c1") == 0
    assert ports.child_details.get(setting_id, "c1") is None


def test_the_tracker_policy_defaults_to_not_recording_sex_and_is_etag_guarded(
    ports: Deps, setting_id: str
) -> None:
    assert ports.child_details.policy(setting_id) == TrackerPolicy(setting_id)
    saved = ports.child_details.save_policy(TrackerPolicy(setting_id, record_sex=True))
    assert ports.child_details.policy(setting_id) == saved and saved.record_sex
    with pytest.raises(Conflict):
        ports.child_details.save_policy(TrackerPolicy(setting_id))
    ports.child_details.save_policy(replace(saved, record_sex=False))
    with pytest.raises(ConcurrencyConflict):
        ports.child_details.save_policy(replace(saved, record_sex=False))


def test_a_child_leaving_its_room_closes_its_stay_and_counts_it_out(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    babies = room(ports, setting_id, clock, "Babies")
    placed = ports.rooms.move("c1", None, babies, None, DAY)
    with pytest.raises(ConcurrencyConflict):  # the room as read before the child came in
        ports.rooms.leave(placed, babies, DAY + timedelta(days=3))
    ports.rooms.leave(placed, fresh(ports, babies), DAY + timedelta(days=3))
    assert ports.rooms.placement(setting_id, "c1") is None
    assert ports.rooms.children_in(setting_id, babies.room_id) == []
    assert fresh(ports, babies).children == 0
    assert ports.rooms.stays(setting_id, "c1") == [
        Stay("c1", babies.room_id, 1, DAY, DAY + timedelta(days=3))
    ]
    with pytest.raises(ConcurrencyConflict):
        ports.rooms.leave(placed, fresh(ports, babies), DAY)


def test_of_parallel_moves_from_one_version_exactly_one_lands_and_the_history_stays_whole(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    babies = room(ports, setting_id, clock, "Babies")
    others = [room(ports, setting_id, clock, f"Room {n}") for n in range(4)]
    first = ports.rooms.move("c1", None, babies, None, DAY)
    leaving = fresh(ports, babies)

    def attempt(target: Room) -> bool:
        try:
            ports.rooms.move("c1", first, target, leaving, DAY + timedelta(days=1))
            return True
        except ConcurrencyConflict:
            return False

    with ThreadPoolExecutor(max_workers=4) as pool:
        landed = list(pool.map(attempt, others))
    assert landed.count(True) == 1
    winner = others[landed.index(True)]
    assert [s.room_id for s in ports.rooms.stays(setting_id, "c1")] == [babies.room_id, winner.room_id]
    counts = {r.room_id: r.children for r in ports.rooms.list(setting_id)}
    assert sum(counts.values()) == 1 and counts[winner.room_id] == 1
