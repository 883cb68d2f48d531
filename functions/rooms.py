"""Rooms: /api/rooms/*, a child's room (/api/children/{id}/room) and a member of staff's rooms."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions.forms import Body, expected_version
from functions.http import endpoint, json_response, principal, read_json
from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain.rooms import Placement, Room, Stay
    from shared.services import rooms
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    rooms = OnFirstUse("shared.services.rooms")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS


def room_view(room: Room, staff: list[str] | None = None) -> dict[str, object]:
    view: dict[str, object] = {
        "id": room.room_id,
        "name": room.name,
        "retired": not room.active,
        "retiredAt": room.retired_at.isoformat() if room.retired_at else None,
        "children": room.children,
        "etag": room.etag,
    }
    if staff is not None:
        view["staffIds"] = staff
    return view


def _room(room: Room, status: int = 200) -> func.HttpResponse:
    return json_response({"room": room_view(room)}, status=status, headers={"ETag": room.etag or ""})


def _placement(placement: Placement | None, stays: list[Stay]) -> func.HttpResponse:
    version = placement.etag if placement and placement.etag else rooms.NOT_PLACED
    body = {
        "roomId": placement.room_id if placement else None,
        "since": placement.since.isoformat() if placement else None,
        "etag": version,
        "history": [{"roomId": s.room_id, "from": s.since.isoformat(),
                     "to": s.until.isoformat() if s.until else None} for s in stays],
    }  # fmt: skip
    return json_response(body, headers={"ETag": version})


@bp.route(route="api/rooms", methods=["GET"], auth_level=ANON)
@endpoint
def list_rooms(req: func.HttpRequest) -> func.HttpResponse:
    found = rooms.list_rooms(bootstrap.deps(), principal(req))
    return json_response({"rooms": [room_view(r, found.staff.get(r.room_id, [])) for r in found.rooms],
                          "mine": list(found.mine)})  # fmt: skip


@bp.route(route="api/rooms", methods=["POST"], auth_level=ANON)
@endpoint
def add_room(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = Body(read_json(req), known=("name",), unknown="{} is not a field of a room.")
    return _room(rooms.add_room(bootstrap.deps(), who, body.text("name")), status=201)


@bp.route(route="api/rooms/{id}", methods=["PATCH"], auth_level=ANON)
@endpoint
def rename_room(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = Body(read_json(req), known=("name",), unknown="{} is not a field of a room.")
    renamed = rooms.rename_room(bootstrap.deps(), who, req.route_params.get("id"), body.text("name"),
                                expected_version(req))  # fmt: skip
    return _room(renamed)


@bp.route(route="api/rooms/{id}/retire", methods=["POST"], auth_level=ANON)
@endpoint
def retire_room(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    return _room(rooms.retire_room(bootstrap.deps(), who, req.route_params.get("id"), expected_version(req)))


@bp.route(route="api/children/{id}/room", methods=["GET"], auth_level=ANON)
@endpoint
def child_room(req: func.HttpRequest) -> func.HttpResponse:
    placement, stays = rooms.child_room(bootstrap.deps(), principal(req), req.route_params.get("id"))
    return _placement(placement, list(stays))


@bp.route(route="api/children/{id}/room", methods=["PUT"], auth_level=ANON)
@endpoint
def move_child(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = Body(read_json(req), known=("roomId", "from"), unknown="{} is not a field of a move.")
    deps, child_id = bootstrap.deps(), req.route_params.get("id")
    rooms.move_child(deps, who, child_id, body.text("roomId"), body.text("from"), expected_version(req))
    placement, stays = rooms.child_room(deps, who, child_id)
    return _placement(placement, list(stays))


@bp.route(route="api/staff/{id}/rooms", methods=["PUT"], auth_level=ANON)
@endpoint
def set_staff_rooms(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = Body(read_json(req), known=("roomIds",), unknown="{} is not a field here.")
    found = rooms.set_staff_rooms(bootstrap.deps(), who, req.route_params.get("id"), body.texts("roomIds"))
    return json_response({"roomIds": list(found)})
