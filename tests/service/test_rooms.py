"""Rooms as managers run them and staff filter by them (S24, S29): use cases on the fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.children import ChildStatus
from shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from shared.domain.people import Role
from shared.domain.policy import PolicyChange, apply_policy
from shared.domain.rooms import Room
from shared.services import children, leaving, observations, rooms, staff
from shared.services.children import ChildDetails
from tests.fakes.wiring import Fakes
from tests.nurseries import Nursery


def actions(fakes: Fakes, setting_id: str) -> list[tuple[str, str]]:
    links, _ = fakes.audit.chain(setting_id)
    return [(link.action, link.target) for link in links]


def test_a_manager_creates_renames_and_lists_rooms_and_staff_read_them(nursery: Nursery) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, " Babies ")
    rooms.add_room(nursery.deps, nursery.manager, "Toddlers")
    renamed = rooms.rename_room(nursery.deps, nursery.manager, babies.room_id, "Baby room", babies.etag)
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    listed = rooms.list_rooms(nursery.deps, practitioner)
    assert [r.name for r in listed.rooms] == ["Baby room", "Toddlers"]
    assert renamed.etag != babies.etag
    with pytest.raises(PreconditionFailed):
        rooms.rename_room(nursery.deps, nursery.manager, babies.room_id, "Nest", babies.etag)


def test_a_room_name_is_required_short_and_not_taken_by_another_active_room(nursery: Nursery) -> None:
    rooms.add_room(nursery.deps, nursery.manager, "Babies")
    for bad in ("", "   ", "x" * 41, None, 7):
        with pytest.raises(InvalidInput) as refused:
            rooms.add_room(nursery.deps, nursery.manager, bad)
        assert refused.value.field == "name"
    with pytest.raises(Conflict):
        rooms.add_room(nursery.deps, nursery.manager, "babies")
    assert [r.name for r in rooms.list_rooms(nursery.deps, nursery.manager).rooms] == ["Babies"]


def test_s24_only_managers_change_rooms_and_parents_do_not_see_them(nursery: Nursery) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    child = nursery.child()
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    _, parent = nursery.principal(Role.PARENT)
    for caller in (practitioner, parent):
        with pytest.raises(Forbidden):
            rooms.add_room(nursery.deps, caller, "Mine")
        with pytest.raises(Forbidden):
            rooms.retire_room(nursery.deps, caller, babies.room_id, babies.etag)
        with pytest.raises(Forbidden):
            rooms.move_child(nursery.deps, caller, child.child_id, babies.room_id, None, rooms.NOT_PLACED)
    with pytest.raises(Forbidden):
        rooms.list_rooms(nursery.deps, parent)
    with pytest.raises(Forbidden):
        rooms.child_room(nursery.deps, parent, child.child_id)


def test_s24_another_settings_room_and_child_are_not_found(nursery: Nursery, other_nursery: Nursery) -> None:
    theirs = rooms.add_room(other_nursery.deps, other_nursery.manager, "Babies")
    their_child = other_nursery.child()
    mine = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    with pytest.raises(NotFound):
        rooms.rename_room(nursery.deps, nursery.manager, theirs.room_id, "Taken", theirs.etag)
    with pytest.raises(NotFound):
        rooms.children_in_room(nursery.deps, nursery.manager, theirs.room_id)
    with pytest.raises(NotFound):
        rooms.move_child(nursery.deps, nursery.manager, their_child.child_id, mine.room_id, None, "new")
    with pytest.raises(InvalidInput):
        rooms.move_child(nursery.deps, nursery.manager, nursery.child().child_id, theirs.room_id, None, "new")


def test_moving_a_child_keeps_its_history_and_names_the_version_moved_from(
    nursery: Nursery, fakes: Fakes
) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    toddlers = rooms.add_room(nursery.deps, nursery.manager, "Toddlers")
    ada = nursery.child()
    today = nursery.deps.clock.now().date()
    started = today - timedelta(days=200)
    first = rooms.move_child(nursery.deps, nursery.manager, ada.child_id, babies.room_id,
                             started.isoformat(), rooms.NOT_PLACED)  # fmt: skip
    with pytest.raises(PreconditionFailed):  # a second "first placement" is stale
        rooms.move_child(
            nursery.deps, nursery.manager, ada.child_id, toddlers.room_id, None, rooms.NOT_PLACED
        )
    with pytest.raises(PreconditionFailed):
        rooms.move_child(nursery.deps, nursery.manager, ada.child_id, toddlers.room_id, None, None)
    with pytest.raises(Conflict):
        rooms.move_child(nursery.deps, nursery.manager, ada.child_id, babies.room_id, None, first.etag)
    moved = rooms.move_child(nursery.deps, nursery.manager, ada.child_id, toddlers.room_id, None, first.etag)
    placement, stays = rooms.child_room(nursery.deps, nursery.manager, ada.child_id)
    assert placement == moved and placement.room_id == toddlers.room_id and placement.since == today
    assert [(s.room_id, s.since, s.until) for s in stays] == [
        (babies.room_id, started, today),
        (toddlers.room_id, today, None),
    ]
    assert ("child.move", ada.child_id) in actions(fakes, nursery.setting.setting_id)


def test_a_move_cannot_be_dated_in_the_future_or_before_the_current_stay(nursery: Nursery) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    toddlers = rooms.add_room(nursery.deps, nursery.manager, "Toddlers")
    ada = nursery.child()
    today = nursery.deps.clock.now().date()
    first = rooms.move_child(nursery.deps, nursery.manager, ada.child_id, babies.room_id, None, "new")
    for bad in (
        (today + timedelta(days=1)).isoformat(),
        (today - timedelta(days=1)).isoformat(),
        "31/01/2026",
    ):
        with pytest.raises(InvalidInput) as refused:
            rooms.move_child(nursery.deps, nursery.manager, ada.child_id, toddlers.room_id, bad, first.etag)
        assert refused.value.field == "from"
    assert rooms.children_in_room(nursery.deps, nursery.manager, toddlers.room_id) == []


def test_a_room_with_children_cannot_retire_and_a_retired_room_takes_no_one(
    nursery: Nursery, fakes: Fakes
) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    toddlers = rooms.add_room(nursery.deps, nursery.manager, "Toddlers")
    ada = nursery.child()
    first = rooms.move_child(nursery.deps, nursery.manager, ada.child_id, babies.room_id, None, "new")
    read = rooms.list_rooms(nursery.deps, nursery.manager).rooms[0]
    with pytest.raises(Conflict):
        rooms.retire_room(nursery.deps, nursery.manager, babies.room_id, read.etag)
    rooms.move_child(nursery.deps, nursery.manager, ada.child_id, toddlers.room_id, None, first.etag)
    with pytest.raises(PreconditionFailed):  # the version read before the child moved out
        rooms.retire_room(nursery.deps, nursery.manager, babies.room_id, read.etag)
    now = rooms.list_rooms(nursery.deps, nursery.manager).rooms[0]
    retired = rooms.retire_room(nursery.deps, nursery.manager, babies.room_id, now.etag)
    assert not retired.active
    placement, _ = rooms.child_room(nursery.deps, nursery.manager, ada.child_id)
    assert placement is not None
    with pytest.raises(Conflict):
        rooms.move_child(nursery.deps, nursery.manager, ada.child_id, babies.room_id, None, placement.etag)
    with pytest.raises(Conflict):
        rooms.move_child(nursery.deps, nursery.manager, nursery.child().child_id, babies.room_id, None, "new")
    _, stays = rooms.child_room(nursery.deps, nursery.manager, ada.child_id)
    assert [s.room_id for s in stays] == [babies.room_id, toddlers.room_id]  # history keeps the room
    assert ("room.retire", babies.room_id) in actions(fakes, nursery.setting.setting_id)


def test_a_child_who_has_left_does_not_move(nursery: Nursery) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    ada = nursery.child()
    ada.status = ChildStatus.ARCHIVED
    nursery.deps.children.save(ada)
    with pytest.raises(Conflict):
        rooms.move_child(nursery.deps, nursery.manager, ada.child_id, babies.room_id, None, "new")


def test_s24_the_room_filter_narrows_what_a_key_children_only_practitioner_sees(nursery: Nursery) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    toddlers = rooms.add_room(nursery.deps, nursery.manager, "Toddlers")
    member, practitioner = nursery.principal(Role.PRACTITIONER)
    mine = nursery.child(firstName="Mine", keyPersonId=member.user_id)
    theirs = nursery.child(firstName="Theirs", keyPersonId=nursery.manager.user_id)
    elsewhere = nursery.child(firstName="Elsewhere", keyPersonId=member.user_id)
    for child, room in ((mine, babies), (theirs, babies), (elsewhere, toddlers)):
        nursery.place.move(child, room, by=nursery.manager)
    names = lambda who, room: [c.first_name for c in rooms.children_in_room(nursery.deps, who, room.room_id)]  # noqa: E731
    assert names(practitioner, babies) == ["Mine", "Theirs"]
    setting = nursery.deps.settings.get(nursery.setting.setting_id)
    assert setting is not None
    apply_policy(setting, PolicyChange(key_children_only=True))
    nursery.deps.settings.save(setting)
    assert names(practitioner, babies) == ["Mine"]
    assert names(practitioner, toddlers) == ["Elsewhere"]
    assert names(nursery.manager, babies) == ["Mine", "Theirs"]
    room_of = rooms.room_of_each(nursery.deps, practitioner)
    assert room_of[mine.child_id] == babies.room_id and room_of[elsewhere.child_id] == toddlers.room_id


def _moved_without_the_copy(nursery: Nursery, child_id: str, room: Room) -> None:
    """The rooms' half of a move alone: what a child placed before rooms kept copies looks like,
    and what a move whose second step failed leaves behind."""
    deps, setting_id = nursery.deps, nursery.setting.setting_id
    current = deps.rooms.placement(setting_id, child_id)
    leaving = deps.rooms.get(setting_id, current.room_id) if current else None
    target = deps.rooms.get(setting_id, room.room_id)
    assert target is not None
    deps.rooms.move(child_id, current, target, leaving, deps.clock.now().date())


def _names_in(nursery: Nursery, room: Room) -> list[str]:
    return [c.first_name for c in rooms.children_in_room(nursery.deps, nursery.manager, room.room_id)]


def test_a_room_lists_a_child_by_their_new_name_right_after_a_rename_and_their_version_edits_them(
    nursery: Nursery,
) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    mia, noah = nursery.child(firstName="Mia"), nursery.child(firstName="Noah")
    for child in (mia, noah):
        nursery.place.move(child, babies, by=nursery.manager)
    opened = children.get_child(nursery.deps, nursery.manager, mia.child_id)
    children.update_child(nursery.deps, nursery.manager, mia.child_id, ChildDetails(first_name="Maya"),
                          opened.etag)  # fmt: skip
    listed = rooms.children_in_room(nursery.deps, nursery.manager, babies.room_id)
    assert [c.first_name for c in listed] == ["Maya", "Noah"]
    # The version the list hands out is the one an edit must name, as the edit screen's would be.
    children.update_child(nursery.deps, nursery.manager, mia.child_id, ChildDetails(last_name="Khan"),
                          listed[0].etag)  # fmt: skip
    with pytest.raises(PreconditionFailed):
        children.update_child(nursery.deps, nursery.manager, mia.child_id, ChildDetails(last_name="Lost"),
                              listed[0].etag)  # fmt: skip
    renamed = rooms.children_in_room(nursery.deps, nursery.manager, babies.room_id)
    assert [(c.first_name, c.last_name) for c in renamed] == [("Maya", "Khan"), ("Noah", "Lovelace")]


def test_a_moved_child_lists_in_their_new_room_only(nursery: Nursery) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    toddlers = rooms.add_room(nursery.deps, nursery.manager, "Toddlers")
    ava, leo = nursery.child(firstName="Ava"), nursery.child(firstName="Leo")
    for child in (ava, leo):
        nursery.place.move(child, babies, by=nursery.manager)
    nursery.place.move(ava, toddlers, by=nursery.manager)
    assert (_names_in(nursery, babies), _names_in(nursery, toddlers)) == (["Leo"], ["Ava"])
    # A move whose copy did not follow: the rooms decide, and the lists put the copy right.
    _moved_without_the_copy(nursery, leo.child_id, toddlers)
    assert (_names_in(nursery, babies), _names_in(nursery, toddlers)) == ([], ["Ava", "Leo"])
    in_toddlers = nursery.deps.children.in_room(nursery.setting.setting_id, toddlers.room_id)
    assert sorted(c.first_name for c in in_toddlers) == ["Ava", "Leo"]
    assert nursery.deps.children.in_room(nursery.setting.setting_id, babies.room_id) == []


def test_children_placed_before_rooms_kept_copies_still_list_and_then_list_from_their_copies(
    nursery: Nursery,
) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    placed = [nursery.child(firstName=name) for name in ("Zoe", "Amir", "Grace")]
    for child in placed:
        _moved_without_the_copy(nursery, child.child_id, babies)
    assert nursery.deps.children.in_room(nursery.setting.setting_id, babies.room_id) == []
    assert _names_in(nursery, babies) == ["Amir", "Grace", "Zoe"]
    copies = nursery.deps.children.in_room(nursery.setting.setting_id, babies.room_id)
    assert sorted(c.first_name for c in copies) == ["Amir", "Grace", "Zoe"]


def test_a_leaver_leaves_their_rooms_list(nursery: Nursery) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    ruby, sam = nursery.child(firstName="Ruby"), nursery.child(firstName="Sam")
    for child in (ruby, sam):
        nursery.place.move(child, babies, by=nursery.manager)
    rooms.leave_room(nursery.deps, nursery.setting.setting_id, ruby.child_id, nursery.deps.clock.now().date())
    assert _names_in(nursery, babies) == ["Sam"]
    assert [
        c.first_name for c in nursery.deps.children.in_room(nursery.setting.setting_id, babies.room_id)
    ] == ["Sam"]


def test_the_approvals_queue_filters_by_the_room_of_the_children_observed(nursery: Nursery) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    toddlers = rooms.add_room(nursery.deps, nursery.manager, "Toddlers")
    ada, bo = nursery.child(firstName="Ada"), nursery.child(firstName="Bo")
    nursery.place.move(ada, babies, by=nursery.manager)
    nursery.place.move(bo, toddlers, by=nursery.manager)
    _, member = nursery.principal(Role.PRACTITIONER)
    about_ada = nursery.place.observe(member, ada, text="Ada stacked cups.", submit=True)
    about_both = nursery.place.observe(member, ada, bo, text="They shared the sand.", submit=True)
    about_bo = nursery.place.observe(member, bo, text="Bo sang.", submit=True)
    queue = observations.list_observations(nursery.deps, nursery.manager, "submitted")
    in_toddlers = rooms.observations_in_room(nursery.deps, nursery.manager, queue, toddlers.room_id)
    assert {o.observation_id for o in in_toddlers} == {about_both.observation_id, about_bo.observation_id}
    in_babies = rooms.observations_in_room(nursery.deps, nursery.manager, queue, babies.room_id)
    assert {o.observation_id for o in in_babies} == {about_ada.observation_id, about_both.observation_id}


def test_staff_are_assigned_to_one_or_more_rooms_and_only_active_staff_of_the_setting(
    nursery: Nursery, other_nursery: Nursery, fakes: Fakes
) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    toddlers = rooms.add_room(nursery.deps, nursery.manager, "Toddlers")
    member, practitioner = nursery.principal(Role.PRACTITIONER)
    both = rooms.set_staff_rooms(
        nursery.deps, nursery.manager, member.user_id, [babies.room_id, toddlers.room_id]
    )
    assert sorted(both) == sorted([babies.room_id, toddlers.room_id])
    listed = rooms.list_rooms(nursery.deps, practitioner)
    assert sorted(listed.mine) == sorted(both) and listed.staff[babies.room_id] == [member.user_id]
    assert rooms.set_staff_rooms(nursery.deps, nursery.manager, member.user_id, [toddlers.room_id]) == [
        toddlers.room_id
    ]
    parent = nursery.member(Role.PARENT)
    for who in (parent.user_id, other_nursery.manager.user_id, "nobody"):
        with pytest.raises(NotFound):
            rooms.set_staff_rooms(nursery.deps, nursery.manager, who, [babies.room_id])
    with pytest.raises(InvalidInput):
        rooms.set_staff_rooms(nursery.deps, nursery.manager, member.user_id, ["rnosuchroom"])
    with pytest.raises(InvalidInput):
        rooms.set_staff_rooms(nursery.deps, nursery.manager, member.user_id, "babies")
    staff.deactivate_staff(nursery.deps, nursery.manager, member.user_id)
    with pytest.raises(Conflict):
        rooms.set_staff_rooms(nursery.deps, nursery.manager, member.user_id, [babies.room_id])
    assert ("staff.rooms", member.user_id) in actions(fakes, nursery.setting.setting_id)


def test_a_leaver_leaves_their_room_on_the_leaving_day_so_it_can_retire(nursery: Nursery) -> None:
    babies = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    ada = nursery.child()
    nursery.place.move(ada, babies, by=nursery.manager)
    today = nursery.deps.clock.now().date()
    leaving.archive_child(nursery.deps, nursery.manager, ada.child_id, today.isoformat())
    assert rooms.children_in_room(nursery.deps, nursery.manager, babies.room_id) == []
    placement, stays = rooms.child_room(nursery.deps, nursery.manager, ada.child_id)
    assert placement is None and [(s.room_id, s.until) for s in stays] == [(babies.room_id, today)]
    now = rooms.list_rooms(nursery.deps, nursery.manager).rooms[0]
    assert not rooms.retire_room(nursery.deps, nursery.manager, babies.room_id, now.etag).active
