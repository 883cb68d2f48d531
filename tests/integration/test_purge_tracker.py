"""The purge of a leaver against Azurite takes their room history and tracker details with them,
and leaves the other children's (checked by reading the tables directly)."""

from __future__ import annotations

import json

from shared.clock import FrozenClock
from shared.domain.child_details import DetailsChange
from shared.domain.people import Role
from shared.services import child_details, rooms, staff
from shared.services.deps import Deps
from shared.storage import keys
from shared.storage.clients import StorageClients
from tests.integration.test_retention_leavers import archive, build_world, past_retention, rows, run
from tests.nurseries import Nursery


def test_the_purge_deletes_a_leavers_room_history_and_tracker_details_and_nothing_else(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    world = build_world(nursery)
    manager = nursery.manager
    babies = rooms.add_room(deps, manager, "Babies")
    toddlers = rooms.add_room(deps, manager, "Toddlers")
    for child in (world.mia, world.ollie):
        nursery.place.move(child, babies, by=manager)
        child_details.update_details(deps, manager, child.child_id, DetailsChange(send_support=True), "new")
    clock.advance(days=1)
    nursery.place.move(world.mia, toddlers, by=manager)
    archive(world)
    tracker_tables = (keys.ROOMS, keys.CHILD_DETAILS)

    def mentions(child_id: str) -> list[str]:
        return [f"{t}: {e['RowKey']}" for t, found in rows(clients, world.setting_id, tracker_tables).items()
                for e in found if child_id in json.dumps(e, default=str)]  # fmt: skip

    assert len(mentions(world.mia.child_id)) == 3  # two stays and the details
    past_retention(world, clock)
    report = run(deps, clients, world.setting_id)
    assert report.finished and report.counts["tracker-rows"] == 3
    assert mentions(world.mia.child_id) == []
    assert len(mentions(world.ollie.child_id)) == 4  # placement, member row, stay, details
    assert [(r.name, r.children) for r in deps.rooms.list(world.setting_id)] == [
        ("Babies", 1),
        ("Toddlers", 0),
    ]


def test_erasing_a_long_deactivated_member_of_staff_ends_their_room_assignments(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    babies = rooms.add_room(deps, nursery.manager, "Babies")
    member, _ = nursery.principal(Role.PRACTITIONER)
    rooms.set_staff_rooms(deps, nursery.manager, member.user_id, [babies.room_id])
    staff.deactivate_staff(deps, nursery.manager, member.user_id)
    assert deps.rooms.rooms_of(nursery.setting.setting_id, member.user_id) == [babies.room_id]
    clock.advance(days=nursery.setting.deactivated_retention_days + 1)
    report = run(deps, clients, nursery.setting.setting_id)
    assert report.counts["accounts"] == 1
    assert deps.rooms.assignments(nursery.setting.setting_id) == []
