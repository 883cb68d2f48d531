"""A room's children list on Azurite: two ranges whether the room holds two children or 26,
and a room filled before copies were kept still lists every child."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from shared.config import Config
from shared.domain.rooms import Room
from shared.services import children, rooms
from shared.services.children import ChildDetails
from shared.storage import keys
from shared.storage.clients import StorageClients
from shared.storage.leavers import leaver_store
from tests.integration.test_flat_costs import Requests
from tests.nurseries import Nursery

LARGE_ROOM = 26  # the bench's large setting: 300 children in rooms of 26


@pytest.fixture
def requests() -> Requests:
    return Requests()


@pytest.fixture
def clients(config: Config, requests: Requests) -> StorageClients:
    return StorageClients(config.storage, request_hook=requests)


def _listed(nursery: Nursery, room: Room) -> list[str]:
    return [c.first_name for c in rooms.children_in_room(nursery.deps, nursery.manager, room.room_id)]


def _cost(requests: Requests, nursery: Nursery, room: Room) -> list[tuple[str, str]]:
    _listed(nursery, room)  # warm: a first connection is not what we count
    with requests.during() as window:
        _listed(nursery, room)
    return window


def _one_range_or_point(method: str, url: str) -> bool:
    """A point read, or a query of one partition between two RowKey bounds."""
    parts = urlsplit(url)
    if method == "GET" and "RowKey=" in unquote(parts.path):
        return True
    found = parse_qs(parts.query).get("$filter", [""])[0]
    return (
        "PartitionKey eq '" in found
        and "RowKey gt '" in found
        and "RowKey lt '" in found
        and " or " not in found
    )


def test_a_rooms_children_cost_the_same_requests_with_two_children_or_twenty_six(
    nursery: Nursery, requests: Requests
) -> None:
    small = rooms.add_room(nursery.deps, nursery.manager, "Babies")
    large = rooms.add_room(nursery.deps, nursery.manager, "Pre-school")
    for n in range(2):
        nursery.place.move(nursery.child(firstName=f"Baby{n:02d}"), small, by=nursery.manager)
    for n in range(LARGE_ROOM):
        nursery.place.move(nursery.child(firstName=f"Child{n:02d}"), large, by=nursery.manager)
    assert _listed(nursery, large) == [f"Child{n:02d}" for n in range(LARGE_ROOM)]
    few, many = _cost(requests, nursery, small), _cost(requests, nursery, large)
    assert len(few) == len(many), (few, many)
    assert all(_one_range_or_point(method, url) for method, url in many), many


def test_a_room_filled_before_copies_were_kept_lists_every_child_and_then_reads_their_copies(
    nursery: Nursery, clients: StorageClients, requests: Requests
) -> None:
    setting_id, deps = nursery.setting.setting_id, nursery.deps
    toddlers = rooms.add_room(deps, nursery.manager, "Toddlers")
    for first in ("Olivia", "Arlo", "Freya"):
        child_id = "c" + secrets.token_hex(10)
        # The row as it was written before versions and copies: no Version, ChildId or RoomId.
        clients.table(keys.CHILDREN).create_entity(
            {"PartitionKey": setting_id, "RowKey": child_id, "FirstName": first, "LastName": "Hughes",
             "DateOfBirth": "2023-04-01", "KeyPersonId": "", "PhotosInOwnJournal": True,
             "PhotosInOthersJournals": False, "Status": "active", "CreatedAt": deps.clock.now(),
             "LeavingDate": "", "LegalHold": ""}
        )  # fmt: skip
        room = deps.rooms.get(setting_id, toddlers.room_id)
        assert room is not None
        deps.rooms.move(child_id, None, room, None, deps.clock.now().date())  # the rooms' half only
    assert deps.children.in_room(setting_id, toddlers.room_id) == []
    assert _listed(nursery, toddlers) == ["Arlo", "Freya", "Olivia"]
    assert sorted(c.first_name for c in deps.children.in_room(setting_id, toddlers.room_id)) == [
        "Arlo", "Freya", "Olivia",
    ]  # fmt: skip
    # Put right once, the list costs what any room's does, and its versions edit the children.
    with requests.during() as window:
        listed = rooms.children_in_room(deps, nursery.manager, toddlers.room_id)
    assert all(_one_range_or_point(method, url) for method, url in window) and len(window) <= 6, window
    arlo = next(c for c in listed if c.first_name == "Arlo")
    children.update_child(
        deps, nursery.manager, arlo.child_id, ChildDetails(first_name="Arlo-James"), arlo.etag
    )
    assert _listed(nursery, toddlers) == ["Arlo-James", "Freya", "Olivia"]


def test_erasing_a_child_takes_their_room_copy_with_the_row(
    nursery: Nursery, clients: StorageClients
) -> None:
    setting_id, deps = nursery.setting.setting_id, nursery.deps
    robins = rooms.add_room(deps, nursery.manager, "Robins")
    isla, jack = nursery.child(firstName="Isla"), nursery.child(firstName="Jack")
    for child in (isla, jack):
        nursery.place.move(child, robins, by=nursery.manager)
    read = deps.children.get(setting_id, isla.child_id)
    assert read is not None
    assert leaver_store(clients).erase_child(read)
    assert deps.children.get(setting_id, isla.child_id) is None
    assert [c.first_name for c in deps.children.in_room(setting_id, robins.room_id)] == ["Jack"]
    copy = clients.table(keys.CHILDREN).query_entities(
        "PartitionKey eq @pk and RowKey eq @row",
        parameters={"pk": setting_id, "row": keys.room_copy_row(robins.room_id, isla.child_id)},
    )
    assert list(copy) == []
