"""Room figures in a setting of 300 children in 12 rooms and 60 staff: the staff children list of
one room (the room, the setting, a range of the room's member rows and one of its children's
copies) against the same reads made straight through the SDK, timed in turn, and its storage
requests against those of the whole setting's list."""

from __future__ import annotations

import secrets
import statistics
import time
from collections.abc import Callable
from datetime import date

from bench.world import World
from devhost.world import World as BuiltWorld
from devhost.world import acting_as
from shared.domain.people import Role
from shared.domain.rooms import Room
from shared.services import children, rooms
from shared.storage import keys

CHILDREN, ROOMS, STAFF = 300, 12, 60


def _timed(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def room_figures(world: World, runs: int) -> dict[str, float]:
    deps = world.deps
    place = BuiltWorld(deps).setting("rooms-" + secrets.token_hex(4), "Rooms Bench")
    setting_id = place.setting_id
    manager = acting_as(setting_id, Role.MANAGER, deps.clock.now())
    made: list[Room] = [rooms.add_room(deps, manager, f"Room {n + 1}") for n in range(ROOMS)]
    staff = [acting_as(setting_id, Role.PRACTITIONER, deps.clock.now()) for _ in range(STAFF)]
    for n in range(CHILDREN):
        child = place.child(
            f"Child{n:03d}", "Bench", born=date(2023, 1, 1), key_person=staff[n % STAFF].user_id
        )
        place.move(child, made[n % ROOMS], by=manager)
    room = made[0]
    table = world.clients.table(keys.ROOMS)
    children_table = world.clients.table(keys.CHILDREN)

    def ours() -> object:
        return rooms.children_in_room(deps, manager, room.room_id)

    settings_table = world.clients.table(keys.SETTINGS)

    def raw() -> object:
        # The same storage requests with no checks or mapping: the room and the setting (point
        # reads), the member range, then the copies.
        settings_table.get_entity(setting_id, keys.SETTING_ROW)
        table.get_entity(setting_id, keys.room_row(room.room_id))
        low, high = keys.prefix_bounds(keys.members_of(room.room_id))
        members = table.query_entities(
            "PartitionKey eq @pk and RowKey gt @from and RowKey lt @to",
            parameters={"pk": setting_id, "from": low, "to": high},
        )
        low, high = keys.prefix_bounds(keys.children_of_room(room.room_id))
        copies = children_table.query_entities(
            "RowKey gt @from and RowKey lt @to and PartitionKey eq @pk",
            parameters={"pk": setting_id, "from": low, "to": high},
        )
        return list(members), list(copies)

    def whole() -> object:
        return children.list_children(deps, manager), rooms.room_of_each(deps, manager)

    counts = {}
    for name, action in (("one_room", ours), ("whole_setting", whole)):
        with world.counter.during() as window:
            action()
        counts[name] = window.requests
    # The two sides of the ratio in turn, so that whatever else the machine does weighs on both.
    pairs = [(_timed(ours, 1), _timed(raw, 1)) for _ in range(runs)]
    ours_ms, raw_ms = (statistics.median(side) for side in zip(*pairs, strict=True))
    whole_ms = _timed(whole, runs)
    return {
        "children_in_room_vs_raw_storage": round(ours_ms / raw_ms, 3),
        "children_in_room_ms": round(ours_ms, 1),
        "children_in_room_requests": counts["one_room"],
        "whole_children_list_ms": round(whole_ms, 1),
        "whole_children_list_requests": counts["whole_setting"],
    }
