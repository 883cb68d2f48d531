"""Leaving (managers): /api/children/{id}/archive, /restore and /hold."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions.forms import Body
from functions.http import endpoint, json_response, principal, read_json
from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain.children import Child
    from shared.services import leaving
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    leaving = OnFirstUse("shared.services.leaving")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS


def _leaver(child: Child) -> func.HttpResponse:
    body = {
        "id": child.child_id,
        "firstName": child.first_name,
        "lastName": child.last_name,
        "status": child.status.value,
        "archivedAt": child.archived_at.isoformat() if child.archived_at else None,
        "leavingDate": child.leaving_date.isoformat() if child.leaving_date else None,
        "legalHold": {"reason": child.legal_hold} if child.legal_hold else None,
        "etag": child.etag,
    }
    return json_response(body, headers={"ETag": child.etag or ""})


@bp.route(route="api/children/{id}/archive", methods=["POST"], auth_level=ANON)
@endpoint
def archive_child(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    leaving_date = Body(read_json(req), known={"leavingDate"}).text("leavingDate")
    return _leaver(leaving.archive_child(bootstrap.deps(), who, req.route_params.get("id"), leaving_date))


@bp.route(route="api/children/{id}/restore", methods=["POST"], auth_level=ANON)
@endpoint
def restore_child(req: func.HttpRequest) -> func.HttpResponse:
    return _leaver(leaving.restore_child(bootstrap.deps(), principal(req), req.route_params.get("id")))


@bp.route(route="api/children/{id}/hold", methods=["POST"], auth_level=ANON)
@endpoint
def place_hold(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    reason = Body(read_json(req)).text("reason")
    return _leaver(leaving.place_hold(bootstrap.deps(), who, req.route_params.get("id"), reason))


@bp.route(route="api/children/{id}/hold", methods=["DELETE"], auth_level=ANON)
@endpoint
def lift_hold(req: func.HttpRequest) -> func.HttpResponse:
    return _leaver(leaving.lift_hold(bootstrap.deps(), principal(req), req.route_params.get("id")))
