"""A child's journal and moments from home: /api/children/{id}/journal, /moments; /api/moments/*."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import azure.functions as func

from functions.forms import Body
from functions.http import endpoint, json_response, principal, read_json
from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain.journal import Moment
    from shared.domain.observations import Observation
    from shared.services import journal, moments
    from shared.services.journal import ShownEntry
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    journal = OnFirstUse("shared.services.journal")
    moments = OnFirstUse("shared.services.moments")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS


def entry_view(entry: ShownEntry) -> dict[str, Any]:
    """An observation as JSON; names are plain text, the client escapes them."""
    view: dict[str, Any] = {
        "id": entry.observation_id,
        "status": entry.status.value,
        "children": [{"id": c.child_id, "name": c.name, "own": c.own} for c in entry.children],
        "authorId": entry.author_id,
        "text": entry.text,
        "nextSteps": entry.next_steps,
        "areas": [a.value for a in entry.areas],
        "observedOn": entry.observed_on.isoformat(),
        "publishedAt": entry.published_at.isoformat() if entry.published_at else None,
        "photoIds": entry.photo_ids,
    }
    if entry.etag is not None:
        view["etag"] = entry.etag
    if entry.comments is not None:
        view["comments"] = [
            {"id": c.comment_id, "author": c.author_name, "byStaff": c.by_staff, "mine": c.mine,
             "text": c.text, "createdAt": c.created_at.isoformat()}
            for c in entry.comments
        ]  # fmt: skip
    return view


def moment_view(moment: Moment) -> dict[str, Any]:
    return {
        "id": moment.moment_id,
        "childId": moment.child_id,
        "parentName": moment.parent_name,
        "text": moment.text,
        "createdAt": moment.created_at.isoformat(),
        "status": moment.status.value,
        "photoIds": moment.photo_ids,
        "observationId": moment.observation_id,
    }


def _accepted_view(observation: Observation) -> dict[str, Any]:
    return {"observationId": observation.observation_id, "status": observation.status.value}


@bp.route(route="api/children/{id}/journal", methods=["GET"], auth_level=ANON)
@endpoint
def child_journal(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    page = journal.list_journal(
        bootstrap.deps(), who, req.route_params.get("id"), cursor=req.params.get("cursor"),
        area=req.params.get("area"),
    )  # fmt: skip
    return json_response({"entries": [entry_view(e) for e in page.entries], "cursor": page.cursor})


@bp.route(route="api/children/{id}/moments", methods=["POST"], auth_level=ANON)
@endpoint
def share_moment(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    text = Body(read_json(req)).text("text")
    moment = moments.share_moment(bootstrap.deps(), who, req.route_params.get("id"), text)
    return json_response({"moment": moment_view(moment)}, status=201)


@bp.route(route="api/children/{id}/moments", methods=["GET"], auth_level=ANON)
@endpoint
def list_moments(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    found = moments.list_moments(bootstrap.deps(), who, req.route_params.get("id"))
    return json_response({"moments": [moment_view(m) for m in found]})


@bp.route(route="api/moments/{childId}/{momentId}/accept", methods=["POST"], auth_level=ANON)
@endpoint
def accept_moment(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    accepted = moments.accept_moment(
        bootstrap.deps(), who, req.route_params.get("childId"), req.route_params.get("momentId")
    )
    return json_response(_accepted_view(accepted))
