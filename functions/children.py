"""Children: /api/children/* for staff (managers edit), and /api/me/children for parents."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions.forms import Body, expected_version
from functions.http import endpoint, json_response, principal, read_json
from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain import children as child_rules
    from shared.domain import people
    from shared.domain.children import Child
    from shared.domain.people import Principal
    from shared.services import children, rooms
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    child_rules = OnFirstUse("shared.domain.children")
    people = OnFirstUse("shared.domain.people")
    children = OnFirstUse("shared.services.children")
    rooms = OnFirstUse("shared.services.rooms")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS
FIELDS = (
    "firstName",
    "lastName",
    "dateOfBirth",
    "keyPersonId",
    "photosInOwnJournal",
    "photosInOthersJournals",
)
REQUIRED = ("firstName", "lastName", "dateOfBirth", "photosInOwnJournal", "photosInOthersJournals")


def _details(body: Body) -> children.ChildDetails:
    """The details a body names; null is the empty value (no key person, or a refused blank)."""

    return children.ChildDetails(
        first_name=body.changed_text("firstName"), last_name=body.changed_text("lastName"),
        date_of_birth=body.changed_text("dateOfBirth"), key_person_id=body.changed_text("keyPersonId"),
        photos_in_own_journal=body.changed_flag("photosInOwnJournal"),
        photos_in_others_journals=body.changed_flag("photosInOthersJournals"),
    )  # fmt: skip


def _body(req: func.HttpRequest) -> Body:
    return Body(read_json(req), known=FIELDS, unknown="{} is not a field of a child.")


def _child(child: Child, who: Principal) -> dict[str, object]:
    view: dict[str, object] = {
        "id": child.child_id,
        "firstName": child.first_name,
        "lastName": child.last_name,
        "dateOfBirth": child.date_of_birth.isoformat(),
        "keyPersonId": child.key_person_id,
        "photosInOwnJournal": child.photos_in_own_journal,
        "photosInOthersJournals": child.photos_in_others_journals,
        "archived": child.status is child_rules.ChildStatus.ARCHIVED,
        "archivedAt": child.archived_at.isoformat() if child.archived_at else None,
        "leavingDate": child.leaving_date.isoformat() if child.leaving_date else None,
        "etag": child.etag,
    }
    # A hold's reason can name a safeguarding or legal matter: managers only.
    if who.role is people.Role.MANAGER:
        view["legalHold"] = {"reason": child.legal_hold} if child.legal_hold else None
    return view


def _versioned(child: Child, who: Principal, status: int = 200) -> func.HttpResponse:
    """The child with its version in the body and in an ETag header, for the next If-Match."""
    return json_response(_child(child, who), status=status, headers={"ETag": child.etag or ""})


@bp.route(route="api/children", methods=["GET"], auth_level=ANON)
@endpoint
def list_children(req: func.HttpRequest) -> func.HttpResponse:
    who, deps, room = principal(req), bootstrap.deps(), req.params.get("room")
    # With ?room=, one range of the room's member rows and one of its children's copies (no scan).
    found = rooms.children_in_room(deps, who, room) if room else children.list_children(deps, who)
    placed = {c.child_id: room for c in found} if room else rooms.room_of_each(deps, who)
    return json_response({"children": [{**_child(c, who), "roomId": placed.get(c.child_id)} for c in found]})


@bp.route(route="api/children", methods=["POST"], auth_level=ANON)
@endpoint
def add_child(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    details = _details(_body(req))  # the service refuses a missing one, after the caller's role
    return _versioned(children.add_child(bootstrap.deps(), who, details), who, status=201)


@bp.route(route="api/children/{id}", methods=["GET"], auth_level=ANON)
@endpoint
def get_child(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    return _versioned(children.get_child(bootstrap.deps(), who, req.route_params.get("id")), who)


@bp.route(route="api/children/{id}", methods=["PATCH"], auth_level=ANON)
@endpoint
def update_child(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    changes = _details(_body(req))
    child = children.update_child(
        bootstrap.deps(), who, req.route_params.get("id"), changes, expected_version(req)
    )
    return _versioned(child, who)


@bp.route(route="api/me/children", methods=["GET"], auth_level=ANON)
@endpoint
def my_children(req: func.HttpRequest) -> func.HttpResponse:
    found = children.my_children(bootstrap.deps(), principal(req))
    return json_response(
        {"children": [{"id": c.child_id, "firstName": c.first_name, "lastName": c.last_name,
                       "dateOfBirth": c.date_of_birth.isoformat()} for c in found]}
    )  # fmt: skip
