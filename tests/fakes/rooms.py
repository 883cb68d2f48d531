"""The RoomRepository and ChildDetailsRepository ports in memory: every guarded write checks all
of its ETags before it changes anything, as the Azurite adapter's one transaction does."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from shared.domain.child_details import TrackerDetails, TrackerPolicy
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.rooms import Placement, Room, RoomStatus, Stay
from tests.fakes.rows import copied, new_etag

CHANGED = "the record changed while it was being updated"


class MemoryRooms:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._rooms: dict[tuple[str, str], Room] = {}
        self._placed: dict[tuple[str, str], Placement] = {}
        self._stays: dict[tuple[str, str], list[Stay]] = {}
        self._staff: set[tuple[str, str, str]] = set()  # (setting, room, user)

    def add(self, room: Room) -> Room:
        with self._lock:
            key = (room.setting_id, room.room_id)
            if key in self._rooms:
                raise Conflict("that already exists")
            self._rooms[key] = replace(copied(room), etag=new_etag())
            return copied(self._rooms[key])

    def get(self, setting_id: str, room_id: str) -> Room | None:
        with self._lock:
            found = self._rooms.get((setting_id, room_id))
            return copied(found) if found else None

    def list(self, setting_id: str) -> Sequence[Room]:
        with self._lock:
            rooms = [copied(r) for (s, _), r in self._rooms.items() if s == setting_id]
        return sorted(rooms, key=lambda r: (r.name.lower(), r.room_id))

    def rename(self, room: Room) -> Room:
        with self._lock:
            current = self._current(room)
            self._rooms[(room.setting_id, room.room_id)] = replace(current, name=room.name, etag=new_etag())
            return copied(self._rooms[(room.setting_id, room.room_id)])

    def retire(self, room: Room, at: datetime) -> Room:
        with self._lock:
            self._current(room)
            retired = replace(copied(room), status=RoomStatus.RETIRED, retired_at=at, etag=new_etag())
            self._rooms[(room.setting_id, room.room_id)] = retired
            self._staff = {a for a in self._staff if a[:2] != (room.setting_id, room.room_id)}
            return copied(retired)

    def placement(self, setting_id: str, child_id: str) -> Placement | None:
        with self._lock:
            found = self._placed.get((setting_id, child_id))
            return copied(found) if found else None

    def move(self, child_id: str, current: Placement | None, to: Room, leaving: Room | None,
             on: date) -> Placement:  # fmt: skip
        with self._lock:
            setting_id = to.setting_id
            self._current(to)
            if leaving is not None:
                self._current(leaving)
            stored = self._placed.get((setting_id, child_id))
            if current is None and stored is not None:
                raise Conflict("that already exists")
            if current is not None and (stored is None or stored.etag != current.etag):
                raise ConcurrencyConflict(CHANGED)
            target = self._rooms[(setting_id, to.room_id)]
            self._rooms[(setting_id, to.room_id)] = replace(target, children=to.children + 1, etag=new_etag())
            if leaving is not None:
                left = self._rooms[(setting_id, leaving.room_id)]
                self._rooms[(setting_id, leaving.room_id)] = replace(
                    left, children=max(leaving.children - 1, 0), etag=new_etag()
                )
            stays = self._stays.setdefault((setting_id, child_id), [])
            if current is not None and stays:
                stays[-1] = replace(stays[-1], until=on)
            seq = current.seq + 1 if current else 1
            stays.append(Stay(child_id, to.room_id, seq, on, None))
            placed = Placement(setting_id, child_id, to.room_id, on, seq, new_etag())
            self._placed[(setting_id, child_id)] = placed
            return copied(placed)

    def leave(self, current: Placement, room: Room | None, on: date) -> None:
        with self._lock:
            key = (current.setting_id, current.child_id)
            stored = self._placed.get(key)
            if stored is None or stored.etag != current.etag:
                raise ConcurrencyConflict(CHANGED)
            if room is not None:
                self._current(room)
                self._rooms[(room.setting_id, room.room_id)] = replace(
                    room, children=max(room.children - 1, 0), etag=new_etag()
                )
            del self._placed[key]
            stays = self._stays.get(key, [])
            if stays:
                stays[-1] = replace(stays[-1], until=on)

    def children_in(self, setting_id: str, room_id: str) -> Sequence[str]:
        with self._lock:
            return sorted(
                p.child_id for (s, _), p in self._placed.items() if s == setting_id and p.room_id == room_id
            )

    def placements(self, setting_id: str) -> Sequence[Placement]:
        with self._lock:
            return [copied(p) for (s, c), p in sorted(self._placed.items()) if s == setting_id]

    def stays(self, setting_id: str, child_id: str) -> Sequence[Stay]:
        with self._lock:
            return list(self._stays.get((setting_id, child_id), []))

    def assignments(self, setting_id: str) -> Sequence[tuple[str, str]]:
        with self._lock:
            return sorted((r, u) for s, r, u in self._staff if s == setting_id)

    def rooms_of(self, setting_id: str, user_id: str) -> Sequence[str]:
        with self._lock:
            return sorted(r for s, r, u in self._staff if s == setting_id and u == user_id)

    def assign(self, setting_id: str, user_id: str, rooms: Sequence[Room]) -> None:
        with self._lock:
            now = set(self.rooms_of(setting_id, user_id))
            joined = [r for r in rooms if r.room_id not in now]
            for room in joined:
                self._current(room)
            self._staff = {a for a in self._staff if a[0] != setting_id or a[2] != user_id}
            self._staff |= {(setting_id, r.room_id, user_id) for r in rooms}
            for room in joined:
                stored = self._rooms[(setting_id, room.room_id)]
                self._rooms[(setting_id, room.room_id)] = replace(stored, etag=new_etag())

    def erase_child(self, setting_id: str, child_id: str) -> int:
        with self._lock:
            erased = 0
            placed = self._placed.pop((setting_id, child_id), None)
            if placed is not None:
                erased += 2
                room = self._rooms.get((setting_id, placed.room_id))
                if room is not None:
                    self._rooms[(setting_id, placed.room_id)] = replace(
                        room, children=max(room.children - 1, 0), etag=new_etag()
                    )
            return erased + len(self._stays.pop((setting_id, child_id), []))

    def erase_staff(self, setting_id: str, user_id: str) -> int:
        with self._lock:
            mine = {a for a in self._staff if a[0] == setting_id and a[2] == user_id}
            self._staff -= mine
            return len(mine)

    def _current(self, room: Room) -> Room:
        stored = self._rooms.get((room.setting_id, room.room_id))
        if stored is None:
            raise NotFound("not found")
        if room.etag is not None and stored.etag != room.etag:
            raise ConcurrencyConflict(CHANGED)
        return stored


class MemoryChildDetails:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._rows: dict[tuple[str, str], TrackerDetails] = {}
        self._policies: dict[str, TrackerPolicy] = {}

    def get(self, setting_id: str, child_id: str) -> TrackerDetails | None:
        with self._lock:
            return self._rows.get((setting_id, child_id))

    def save(self, details: TrackerDetails) -> TrackerDetails:
        with self._lock:
            key = (details.setting_id, details.child_id)
            stored = self._rows.get(key)
            if details.etag is None and stored is not None:
                raise Conflict("that already exists")
            if details.etag is not None and (stored is None or stored.etag != details.etag):
                raise ConcurrencyConflict(CHANGED)
            self._rows[key] = replace(details, etag=new_etag())
            return self._rows[key]

    def of_setting(self, setting_id: str) -> Sequence[TrackerDetails]:
        with self._lock:
            return [d for (s, _), d in sorted(self._rows.items()) if s == setting_id]

    def erase(self, setting_id: str, child_id: str) -> int:
        with self._lock:
            return 1 if self._rows.pop((setting_id, child_id), None) else 0

    def policy(self, setting_id: str) -> TrackerPolicy:
        with self._lock:
            return self._policies.get(setting_id, TrackerPolicy(setting_id))

    def save_policy(self, policy: TrackerPolicy) -> TrackerPolicy:
        with self._lock:
            stored = self._policies.get(policy.setting_id)
            if policy.etag is None and stored is not None:
                raise Conflict("that already exists")
            if policy.etag is not None and (stored is None or stored.etag != policy.etag):
                raise ConcurrencyConflict(CHANGED)
            self._policies[policy.setting_id] = replace(policy, etag=new_etag())
            return self._policies[policy.setting_id]
