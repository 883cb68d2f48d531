"""Observations and their comments: /api/observations/*. Each function does one operation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import azure.functions as func

from functions.forms import Body, expected_version
from functions.http import endpoint, json_response, principal, read_json
from functions.journal import entry_view
from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain.journal import Comment
    from shared.domain.observations import Observation
    from shared.domain.people import Principal
    from shared.services import comments, observations, rooms
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    comments = OnFirstUse("shared.services.comments")
    observations = OnFirstUse("shared.services.observations")
    rooms = OnFirstUse("shared.services.rooms")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS


def observation_view(o: Observation) -> dict[str, Any]:
    """An observation as staff see it (in lists and after a change): ids, not names."""
    return {
        "id": o.observation_id,
        "status": o.status.value,
        "childIds": o.child_ids,
        "authorId": o.author_id,
        "text": o.text,
        "nextSteps": o.next_steps,
        "areas": [a.value for a in o.areas],
        "aspects": o.aspects,
        "framework": o.framework,
        "observedOn": o.observed_on.isoformat(),
        "createdAt": o.created_at.isoformat(),
        "updatedAt": o.updated_at.isoformat(),
        "publishedAt": o.published_at.isoformat() if o.published_at else None,
        "photoIds": o.photo_ids,
        "returnNote": o.return_note or None,
        "etag": o.etag,
    }


def _with_etag(o: Observation, status: int = 200) -> func.HttpResponse:
    return json_response({"observation": observation_view(o)}, status=status, headers={"ETag": o.etag or ""})


def _with_untagged(who: Principal, o: Observation, status: int = 200) -> func.HttpResponse:
    """The observation, and the children its text names but does not tag (S37)."""
    untagged = observations.untagged_names(bootstrap.deps(), who, o)
    body = {
        "observation": observation_view(o),
        "untaggedNames": [{"childId": c.child_id, "name": c.full_name} for c in untagged],
    }
    return json_response(body, status=status, headers={"ETag": o.etag or ""})


def _observation_text(req: func.HttpRequest) -> observations.ObservationText:
    """The fields of a new observation; a missing one is left for the service to refuse."""
    body = Body(read_json(req))
    return observations.ObservationText(
        child_ids=body.texts("childIds"), text=body.text("text"), areas=body.texts("areas"),
        next_steps=body.text("nextSteps"), observed_on=body.text("observedOn"), aspects=body.texts("aspects"),
    )  # fmt: skip


def _observation_changes(req: func.HttpRequest) -> observations.ObservationText:
    """The fields a change names; null clears a field (which the service refuses where it is required)."""
    body = Body(read_json(req))
    return observations.ObservationText(
        child_ids=body.changed_texts("childIds"), text=body.changed_text("text"),
        areas=body.changed_texts("areas"), next_steps=body.changed_text("nextSteps"),
        observed_on=body.changed_text("observedOn"), aspects=body.changed_texts("aspects"),
    )  # fmt: skip


def _comment_view(c: Comment) -> dict[str, Any]:
    return {"id": c.comment_id, "author": c.author_name, "byStaff": c.author_is_staff, "mine": True,
            "text": c.text, "createdAt": c.created_at.isoformat()}  # fmt: skip


@bp.route(route="api/observations", methods=["POST"], auth_level=ANON)
@endpoint
def create_observation(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    given = _observation_text(req)
    return _with_untagged(who, observations.create_observation(bootstrap.deps(), who, given), status=201)


@bp.route(route="api/observations", methods=["GET"], auth_level=ANON)
@endpoint
def list_observations(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    found = observations.list_observations(bootstrap.deps(), who, req.params.get("status"))
    if req.params.get("room"):
        found = rooms.observations_in_room(bootstrap.deps(), who, found, req.params.get("room"))
    return json_response({"observations": [observation_view(o) for o in found]})


@bp.route(route="api/observations/{id}", methods=["GET"], auth_level=ANON)
@endpoint
def get_observation(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    shown = observations.read_observation(bootstrap.deps(), who, req.route_params.get("id", ""))
    return json_response({"observation": entry_view(shown)}, headers={"ETag": shown.etag or ""})


@bp.route(route="api/observations/{id}", methods=["PATCH"], auth_level=ANON)
@endpoint
def update_observation(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    changes = _observation_changes(req)
    changed = observations.update_observation(
        bootstrap.deps(), who, req.route_params.get("id", ""), expected_version(req), changes
    )
    return _with_untagged(who, changed)


@bp.route(route="api/observations/{id}", methods=["DELETE"], auth_level=ANON)
@endpoint
def delete_observation(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    observations.delete_observation(bootstrap.deps(), who, req.route_params.get("id", ""))
    return json_response({"status": "deleted"})


@bp.route(route="api/observations/{id}/submit", methods=["POST"], auth_level=ANON)
@endpoint
def submit_observation(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    submitted = observations.submit_observation(bootstrap.deps(), who, req.route_params.get("id", ""))
    return _with_untagged(who, submitted)


@bp.route(route="api/observations/{id}/publish", methods=["POST"], auth_level=ANON)
@endpoint
def publish_observation(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    published = observations.publish_observation(
        bootstrap.deps(), who, req.route_params.get("id", ""), expected_version(req)
    )
    return _with_etag(published)


@bp.route(route="api/observations/{id}/return", methods=["POST"], auth_level=ANON)
@endpoint
def return_observation(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    note = Body(read_json(req), known={"note"}).text("note")
    returned = observations.return_observation(
        bootstrap.deps(), who, req.route_params.get("id", ""), expected_version(req), note
    )
    return _with_etag(returned)


@bp.route(route="api/observations/{id}/comments", methods=["POST"], auth_level=ANON)
@endpoint
def add_comment(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    text = Body(read_json(req)).text("text")
    comment = comments.add_comment(bootstrap.deps(), who, req.route_params.get("id", ""), text)
    return json_response({"comment": _comment_view(comment)}, status=201)
