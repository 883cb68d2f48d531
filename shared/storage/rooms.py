"""Rooms, placements, stays and staff assignments: one partition per setting (shared.storage.keys).

Why one partition: a move changes six rows (both rooms' counts, the placement, the member rows of
both rooms, the closing and the opening stay) and must never be half-done, and the Table service
makes writes atomic only within one partition. Every write names the ETag it read, so two managers
moving the same child, or a move into a room racing its retirement, cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from shared.domain.errors import ConcurrencyConflict, NotFound
from shared.domain.rooms import Placement, Room, RoomStatus, Stay
from shared.storage import keys
from shared.storage.tables import Entity, Operation, Table


class TableRooms:
    """The RoomRepository port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    # -- rooms --------------------------------------------------------------------------------

    def add(self, room: Room) -> Room:
        etag = self._table.create(_room_entity(room))
        return replace(room, etag=etag)

    def get(self, setting_id: str, room_id: str) -> Room | None:
        row = self._table.get(setting_id, keys.room_row(room_id))
        return _to_room(row) if row else None

    def list(self, setting_id: str) -> Sequence[Room]:
        rooms = [_to_room(r) for r in self._under(setting_id, keys.ROOM_ROWS)]
        return sorted(rooms, key=lambda r: (r.name.lower(), r.room_id))

    def rename(self, room: Room) -> Room:
        entity = {"PartitionKey": room.setting_id, "RowKey": keys.room_row(room.room_id), "Name": room.name}
        return replace(room, etag=self._table.update(entity, etag=room.etag))

    def retire(self, room: Room, at: datetime) -> Room:
        retired = replace(room, status=RoomStatus.RETIRED, retired_at=at)
        steps = [Operation("replace", _room_entity(retired), etag=room.etag)]
        for room_id, user_id in self.assignments(room.setting_id):
            if room_id == room.room_id:
                steps += _assignment_steps("delete", room.setting_id, user_id, room_id)
        etags = self._table.transact(steps)
        return replace(retired, etag=etags[0])

    # -- children in rooms --------------------------------------------------------------------

    def placement(self, setting_id: str, child_id: str) -> Placement | None:
        row = self._table.get(setting_id, keys.place_row(child_id))
        return _to_placement(row) if row else None

    def move(self, child_id: str, current: Placement | None, to: Room, leaving: Room | None,
             on: date) -> Placement:  # fmt: skip
        setting_id = to.setting_id
        seq = current.seq + 1 if current else 1
        placed = Placement(setting_id, child_id, to.room_id, on, seq)
        steps = [Operation("update", _count(to, to.children + 1), etag=to.etag)]
        if leaving is not None:
            steps.append(
                Operation("update", _count(leaving, max(leaving.children - 1, 0)), etag=leaving.etag)
            )
        place_at = len(steps)
        if current is None:
            steps.append(Operation("create", _placement_entity(placed)))
        else:
            steps += [
                Operation("replace", _placement_entity(placed), etag=current.etag),
                Operation("delete", _key(setting_id, keys.member_row(current.room_id, child_id))),
                Operation(
                    "update",
                    {**_key(setting_id, keys.stay_row(child_id, current.seq)), "Until": on.isoformat()},
                ),
            ]
        steps += [
            Operation(
                "create",
                {
                    **_key(setting_id, keys.member_row(to.room_id, child_id)),
                    "ChildId": child_id,
                    "Since": on.isoformat(),
                },
            ),
            Operation("create", _stay_entity(setting_id, Stay(child_id, to.room_id, seq, on, None))),
        ]
        try:
            etags = self._table.transact(steps)
        except NotFound:  # a row we read (a stay, a member row) went meanwhile
            raise ConcurrencyConflict("the placement changed while it was being updated") from None
        return replace(placed, etag=etags[place_at])

    def leave(self, current: Placement, room: Room | None, on: date) -> None:
        setting_id, child_id = current.setting_id, current.child_id
        steps = [
            Operation("delete", _key(setting_id, keys.place_row(child_id)), etag=current.etag),
            Operation("delete", _key(setting_id, keys.member_row(current.room_id, child_id))),
            Operation(
                "update", {**_key(setting_id, keys.stay_row(child_id, current.seq)), "Until": on.isoformat()}
            ),
        ]
        if room is not None:
            steps.append(Operation("update", _count(room, max(room.children - 1, 0)), etag=room.etag))
        try:
            self._table.transact(steps)
        except NotFound:
            raise ConcurrencyConflict("the placement changed while it was being updated") from None

    def children_in(self, setting_id: str, room_id: str) -> Sequence[str]:
        return [r["ChildId"] for r in self._under(setting_id, keys.members_of(room_id), select=["ChildId"])]

    def placements(self, setting_id: str) -> Sequence[Placement]:
        return [_to_placement(r) for r in self._under(setting_id, keys.PLACE_ROWS)]

    def stays(self, setting_id: str, child_id: str) -> Sequence[Stay]:
        return [_to_stay(r) for r in self._under(setting_id, keys.stays_of(child_id))]

    # -- staff in rooms -----------------------------------------------------------------------

    def assignments(self, setting_id: str) -> Sequence[tuple[str, str]]:
        rows = self._under(setting_id, keys.CREW_ROWS, select=["RoomId", "UserId"])
        return [(r["RoomId"], r["UserId"]) for r in rows]

    def rooms_of(self, setting_id: str, user_id: str) -> Sequence[str]:
        return [r["RoomId"] for r in self._under(setting_id, keys.rooms_of_staff(user_id), select=["RoomId"])]

    def assign(self, setting_id: str, user_id: str, rooms: Sequence[Room]) -> None:
        now = set(self.rooms_of(setting_id, user_id))
        wanted = {r.room_id for r in rooms}
        steps: list[Operation] = []
        for room_id in sorted(now - wanted):
            steps += _assignment_steps("delete", setting_id, user_id, room_id)
        for room_id in sorted(wanted - now):
            steps += _assignment_steps("upsert", setting_id, user_id, room_id)
        # Each room joined is written under the ETag read, so a retirement meanwhile stops this.
        steps += [Operation("update", _key(setting_id, keys.room_row(r.room_id)), etag=r.etag)
                  for r in rooms if r.room_id not in now]  # fmt: skip
        if steps:
            self._table.transact(steps)

    # -- erasure ------------------------------------------------------------------------------

    def erase_child(self, setting_id: str, child_id: str) -> int:
        erased = 0
        current = self.placement(setting_id, child_id)
        if current is not None:
            erased += self._leave_room(current)
        stays = [keys.stay_row(child_id, s.seq) for s in self.stays(setting_id, child_id)]
        steps = [Operation("delete", _key(setting_id, row)) for row in stays]
        if steps:
            self._table.transact(steps)
        return erased + len(steps)

    def erase_staff(self, setting_id: str, user_id: str) -> int:
        rooms = self.rooms_of(setting_id, user_id)
        steps = [s for room_id in rooms for s in _assignment_steps("delete", setting_id, user_id, room_id)]
        if steps:
            self._table.transact(steps)
        return len(rooms)

    def _leave_room(self, current: Placement) -> int:
        """Delete the placement and its member row, and count the child out of the room: retried
        on a concurrent change of the room, since the purge must finish."""
        setting_id = current.setting_id
        for _ in range(5):
            room = self.get(setting_id, current.room_id)
            steps = [
                Operation("delete", _key(setting_id, keys.place_row(current.child_id)), etag=current.etag),
                Operation("delete", _key(setting_id, keys.member_row(current.room_id, current.child_id))),
            ]
            if room is not None:
                steps.append(Operation("update", _count(room, max(room.children - 1, 0)), etag=room.etag))
            try:
                self._table.transact(steps)
                return 2
            except (ConcurrencyConflict, NotFound):
                found = self.placement(setting_id, current.child_id)
                if found is None:
                    return 0
                current = found
        raise ConcurrencyConflict("the room kept changing while the child was being removed")

    def _under(
        self, setting_id: str, prefix: str, *, select: Sequence[str] | None = None
    ) -> Sequence[Entity]:
        filter, parameters = keys.rows_under(setting_id, prefix)
        return list(self._table.query(filter, parameters, select=select))


def _key(setting_id: str, row: str) -> Entity:
    return {"PartitionKey": setting_id, "RowKey": row}


def _assignment_steps(kind: str, setting_id: str, user_id: str, room_id: str) -> list[Operation]:
    both = {"RoomId": room_id, "UserId": user_id} if kind != "delete" else {}
    return [
        Operation(kind, {**_key(setting_id, keys.staff_room_row(user_id, room_id)), **both}),  # type: ignore[arg-type]
        Operation(kind, {**_key(setting_id, keys.crew_row(room_id, user_id)), **both}),  # type: ignore[arg-type]
    ]


def _count(room: Room, children: int) -> Entity:
    return {**_key(room.setting_id, keys.room_row(room.room_id)), "Children": children}


def _room_entity(room: Room) -> Entity:
    return {
        **_key(room.setting_id, keys.room_row(room.room_id)),
        "RoomId": room.room_id,
        "Name": room.name,
        "Status": room.status.value,
        "CreatedAt": room.created_at,
        "RetiredAt": room.retired_at,
        "Children": room.children,
    }


def _to_room(row: Entity) -> Room:
    return Room(
        setting_id=row["PartitionKey"],
        room_id=row["RoomId"],
        name=row["Name"],
        status=RoomStatus(row["Status"]),
        created_at=row["CreatedAt"],
        retired_at=row.get("RetiredAt"),
        children=int(row.get("Children") or 0),
        etag=row["_etag"],
    )


def _placement_entity(placement: Placement) -> Entity:
    return {
        **_key(placement.setting_id, keys.place_row(placement.child_id)),
        "ChildId": placement.child_id,
        "RoomId": placement.room_id,
        "Since": placement.since.isoformat(),
        "Seq": placement.seq,
    }


def _to_placement(row: Entity) -> Placement:
    return Placement(
        setting_id=row["PartitionKey"],
        child_id=row["ChildId"],
        room_id=row["RoomId"],
        since=date.fromisoformat(row["Since"]),
        seq=int(row["Seq"]),
        etag=row["_etag"],
    )


def _stay_entity(setting_id: str, stay: Stay) -> Entity:
    return {
        **_key(setting_id, keys.stay_row(stay.child_id, stay.seq)),
        "ChildId": stay.child_id,
        "RoomId": stay.room_id,
        "Seq": stay.seq,
        "Since": stay.since.isoformat(),
        "Until": stay.until.isoformat() if stay.until else "",
    }


def _to_stay(row: Entity) -> Stay:
    return Stay(
        child_id=row["ChildId"],
        room_id=row["RoomId"],
        seq=int(row["Seq"]),
        since=date.fromisoformat(row["Since"]),
        until=date.fromisoformat(row["Until"]) if row.get("Until") else None,
    )
