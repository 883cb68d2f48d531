"""Rooms: managers create, rename and retire them, move children between them and assign staff;
staff read them and filter the children and the approvals queue by room (S24 still decides who
sees which child: a room filter only ever narrows what the caller may already see)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date

from shared.domain.access import require_manager, require_staff, staff_may_see_child
from shared.domain.children import Child, ChildStatus
from shared.domain.errors import ConcurrencyConflict, Conflict, InvalidInput, NotFound, PreconditionFailed
from shared.domain.identifiers import clean_id
from shared.domain.observations import Observation
from shared.domain.people import Principal, Status
from shared.domain.rooms import (
    ALREADY_THERE,
    NO_SUCH_ROOM,
    ROOM_NOT_EMPTY,
    Placement,
    Room,
    RoomStatus,
    Stay,
    clean_move_date,
    clean_room_name,
    new_room_id,
    require_takes_children,
)
from shared.domain.versions import STALE, require_current
from shared.services import access, membership
from shared.services.deps import Deps

# The version a client names to place a child that is in no room yet (If-Match).
NOT_PLACED = "new"
LEFT = "A child who has left cannot move rooms."
NO_SUCH_STAFF = "We could not find that member of staff."
_RETRIES = 3


@dataclass(frozen=True, repr=False)
class RoomsView:
    rooms: Sequence[Room]
    staff: dict[str, list[str]]  # room id -> user ids
    mine: Sequence[str]  # the caller's own rooms


def room_id(raw: object) -> str:
    return clean_id(raw, message=NO_SUCH_ROOM)


def list_rooms(deps: Deps, principal: Principal) -> RoomsView:
    require_staff(principal)
    staff: dict[str, list[str]] = {}
    for room, user in deps.rooms.assignments(principal.setting_id):
        staff.setdefault(room, []).append(user)
    mine = [r for r, users in staff.items() if principal.user_id in users]
    return RoomsView(deps.rooms.list(principal.setting_id), staff, sorted(mine))


def add_room(deps: Deps, principal: Principal, name: object) -> Room:
    require_manager(principal)
    cleaned = clean_room_name(name)
    _refuse_taken_name(deps, principal, cleaned, None)
    room = Room(principal.setting_id, new_room_id(), cleaned, RoomStatus.ACTIVE, deps.clock.now())
    added = deps.rooms.add(room)
    deps.audit(principal.setting_id, principal.user_id, "room.add", room.room_id, "success")
    return added


def rename_room(deps: Deps, principal: Principal, raw_id: object, name: object, expected: str | None) -> Room:
    require_manager(principal)
    room = _room(deps, principal, raw_id)
    room.etag = require_current(expected, room.etag)
    cleaned = clean_room_name(name)
    _refuse_taken_name(deps, principal, cleaned, room.room_id)
    try:
        renamed = deps.rooms.rename(replace(room, name=cleaned))
    except ConcurrencyConflict:
        raise PreconditionFailed(STALE) from None
    deps.audit(principal.setting_id, principal.user_id, "room.rename", room.room_id, "success")
    return renamed


def retire_room(deps: Deps, principal: Principal, raw_id: object, expected: str | None) -> Room:
    """Retire an empty room, from the version the manager saw; its history stays."""
    require_manager(principal)
    room = _room(deps, principal, raw_id)
    room.etag = require_current(expected, room.etag)
    if not room.active:
        return room
    if room.children:
        raise Conflict(ROOM_NOT_EMPTY)
    try:
        retired = deps.rooms.retire(room, deps.clock.now())
    except ConcurrencyConflict:  # a child moved in, or someone renamed it, since it was read
        raise PreconditionFailed(STALE) from None
    deps.audit(principal.setting_id, principal.user_id, "room.retire", room.room_id, "success")
    return retired


def child_room(deps: Deps, principal: Principal, child_id: object) -> tuple[Placement | None, Sequence[Stay]]:
    """The room a child is in now and their stays, for staff who may see the child."""
    require_staff(principal)
    child = access.staff_visible_child(deps, principal, access.child_id(child_id))
    return (deps.rooms.placement(child.setting_id, child.child_id),
            deps.rooms.stays(child.setting_id, child.child_id))  # fmt: skip


def move_child(deps: Deps, principal: Principal, child_id: object, to_room: object, on: object,
               expected: str | None) -> Placement:  # fmt: skip
    """Move (or first place) an active child into an active room from a day, all or nothing,
    from the placement version the manager saw (NOT_PLACED for a child in no room yet)."""
    require_manager(principal)
    child = access.setting_child(deps, principal, child_id)
    if child.status is not ChildStatus.ACTIVE:
        raise Conflict(LEFT)
    current = deps.rooms.placement(child.setting_id, child.child_id)
    require_current(expected, current.etag if current else NOT_PLACED)
    if not isinstance(to_room, str):
        raise InvalidInput("Choose the room to move the child to.", field="roomId")
    try:
        target = _room(deps, principal, to_room)
    except NotFound:
        raise InvalidInput("Choose one of the setting's rooms.", field="roomId") from None
    require_takes_children(target)
    if current is not None and current.room_id == target.room_id:
        raise Conflict(ALREADY_THERE)
    day = clean_move_date(on, today=deps.clock.now().date(), current=current)
    leaving = deps.rooms.get(child.setting_id, current.room_id) if current else None
    try:
        placed = deps.rooms.move(child.child_id, current, target, leaving, day)
    except (ConcurrencyConflict, Conflict):  # moved, or the room changed, since it was read
        raise PreconditionFailed(STALE) from None
    _place_copy(deps, child.setting_id, child.child_id, target.room_id)
    detail = f"from={current.room_id if current else '-'} to={target.room_id} on={day.isoformat()}"
    deps.audit(principal.setting_id, principal.user_id, "child.move", child.child_id, "success", detail)
    return placed


def set_staff_rooms(deps: Deps, principal: Principal, user_id: object, room_ids: object) -> Sequence[str]:
    """Make these the rooms of an active member of staff (a practitioner may be in several)."""
    require_manager(principal)
    user = clean_id(user_id, message=NO_SUCH_STAFF)
    account = deps.accounts.get(principal.setting_id, user)
    if account is None or not account.role.is_staff:
        raise NotFound(NO_SUCH_STAFF)
    if account.status is not Status.ACTIVE:
        raise Conflict("Only active staff can be assigned to rooms.")
    if not isinstance(room_ids, list) or not all(isinstance(r, str) for r in room_ids) or len(room_ids) > 50:
        raise InvalidInput("Send the rooms as a list of room ids.", field="roomIds")
    for _ in range(_RETRIES):
        rooms = []
        for raw in dict.fromkeys(room_ids):
            try:
                room = _room(deps, principal, raw)
            except NotFound:
                raise InvalidInput("Choose rooms of this setting.", field="roomIds") from None
            require_takes_children(room)
            rooms.append(room)
        try:
            deps.rooms.assign(principal.setting_id, user, rooms)
            break
        except ConcurrencyConflict:
            continue  # a room changed meanwhile (a child moved in, or it was retired): read again
    else:
        raise PreconditionFailed(STALE)
    deps.audit(principal.setting_id, principal.user_id, "staff.rooms", user, "success",
               f"rooms={len(rooms)}")  # fmt: skip
    return deps.rooms.rooms_of(principal.setting_id, user)


def children_in_room(deps: Deps, principal: Principal, raw_room: object) -> Sequence[Child]:
    """The children of one room the caller may see, sorted by name: the room's member rows and
    the copies of its children, one range each, whatever the size of the room or the setting."""
    require_staff(principal)
    room = _room(deps, principal, raw_room)
    setting = membership.setting_of(deps, principal)
    seen = [c for c in room_children(deps, room) if staff_may_see_child(principal, c, setting)]
    return sorted(seen, key=lambda c: (c.first_name.lower(), c.last_name.lower()))


def room_children(deps: Deps, room: Room) -> list[Child]:
    """Every child in the room now, in id order: the room's member rows and the copies of its
    children, one range each (the copies repaired where the two disagree)."""
    members = deps.rooms.children_in(room.setting_id, room.room_id)
    copies = {c.child_id: c for c in deps.children.in_room(room.setting_id, room.room_id)}
    copies.update(_repaired(deps, room, members, copies))
    return [copies[c] for c in members if c in copies]


def _repaired(deps: Deps, room: Room, members: Sequence[str], copies: dict[str, Child]) -> dict[str, Child]:
    """Bring the copies in step with the member rows where they are not (a move whose second
    step failed, a child placed before copies were kept): the missing children read from their
    rows, and each copy put where the child's placement says. Nothing to do is the usual case."""
    missing = [c for c in members if c not in copies]
    strays = [c for c in copies if c not in set(members)]
    found = deps.children.get_many(room.setting_id, missing) if missing else []
    for child in found:
        _place_copy(deps, room.setting_id, child.child_id, room.room_id)
    for child_id in strays:  # moved or left: the copy follows the placement there is now
        placed = deps.rooms.placement(room.setting_id, child_id)
        _place_copy(deps, room.setting_id, child_id, placed.room_id if placed else None)
    return {c.child_id: c for c in found}


def _place_copy(deps: Deps, setting_id: str, child_id: str, room_id: str | None) -> None:
    """The second step of a move: the child's copy follows. A failure here is repaired by the
    next list of either room, which compares the copies with the member rows."""
    with suppress(ConcurrencyConflict, NotFound):
        deps.children.place(setting_id, child_id, room_id)


def room_of_each(deps: Deps, principal: Principal) -> dict[str, str]:
    """Child id -> the room the child is in now (one range), for staff lists."""
    require_staff(principal)
    return {p.child_id: p.room_id for p in deps.rooms.placements(principal.setting_id)}


def observations_in_room(
    deps: Deps, principal: Principal, observations: Sequence[Observation], raw_room: object
) -> list[Observation]:
    """Those of the observations (already filtered by who may see them) about a child in the room."""
    require_staff(principal)
    room = _room(deps, principal, raw_room)
    members = set(deps.rooms.children_in(room.setting_id, room.room_id))
    return [o for o in observations if members.intersection(o.child_ids)]


def leave_room(deps: Deps, setting_id: str, child_id: str, on: date) -> None:
    """A leaver's stay in their room ends (archiving calls this): the room stops counting them,
    so it can retire, and the history keeps where they were."""
    for _ in range(_RETRIES):
        current = deps.rooms.placement(setting_id, child_id)
        if current is None:
            return
        room = deps.rooms.get(setting_id, current.room_id)
        try:
            deps.rooms.leave(current, room, max(on, current.since))
            _place_copy(deps, setting_id, child_id, None)
            return
        except ConcurrencyConflict:
            continue
    raise PreconditionFailed(STALE)


def forget_child(deps: Deps, setting_id: str, child_id: str) -> int:
    """Delete a leaver's placement and room history (the purge calls this)."""
    return deps.rooms.erase_child(setting_id, child_id)


def _room(deps: Deps, principal: Principal, raw_id: object) -> Room:
    room = deps.rooms.get(principal.setting_id, room_id(raw_id))
    if room is None:
        raise NotFound(NO_SUCH_ROOM)
    return room


def _refuse_taken_name(deps: Deps, principal: Principal, name: str, own_id: str | None) -> None:
    for other in deps.rooms.list(principal.setting_id):
        if other.active and other.room_id != own_id and other.name.casefold() == name.casefold():
            raise Conflict(f"There is already a room called {other.name}.")
