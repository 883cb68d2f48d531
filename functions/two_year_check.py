"""The progress check at age two: /api/children/{id}/two-year-check*, /api/two-year-checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import azure.functions as func

from functions.forms import Body, expected_version
from functions.http import endpoint, json_response, principal, read_json
from functions.on_first_use import OnFirstUse
from shared.domain.errors import InvalidInput

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain import two_year_check as check_rules
    from shared.domain.people import Principal
    from shared.domain.two_year_check import TwoYearCheck
    from shared.services import two_year_check as checks
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    check_rules = OnFirstUse("shared.domain.two_year_check")
    checks = OnFirstUse("shared.services.two_year_check")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS
PDF_NAME = "two-year-check.pdf"


def check_view(check: TwoYearCheck, who: Principal) -> dict[str, Any]:
    """The check; the parents' comments by name and the sharing state only for staff, a parent's
    own comment for them."""
    nothing = check_rules.AreaSummary()
    areas = [{"id": a, "name": n, "strengths": s.strengths, "lessThanExpected": s.less_than_expected}
             for a, n in check_rules.prime_areas() for s in [check.areas.get(a, nothing)]]  # fmt: skip
    view: dict[str, Any] = {
        "childId": check.child_id, "status": check.status.value, "areas": areas, "plans": check.plans,
        "finalisedAt": check.finalised_at.isoformat() if check.finalised_at else None,
        "healthVisitor": check_rules.HEALTH_VISITOR, "etag": check.etag,
    }  # fmt: skip
    if not who.role.is_staff:
        own = check.parent_comments.get(who.user_id)
        return view | {
            "myComment": own.text if own else "",
            "myCommentAt": own.at.isoformat() if own else None,
        }
    names = checks.commenters(bootstrap.deps(), check)
    comments = [{"name": names[k], "text": c.text, "at": c.at.isoformat()}
                for k, c in sorted(check.parent_comments.items(), key=lambda kv: kv[1].at)]  # fmt: skip
    return view | {
        "sharedWithParents": check.shared_with_parents, "parentComments": comments,
        "updatedAt": check.updated_at.isoformat() if check.updated_at else None,
        "sharedAt": check.shared_at.isoformat() if check.shared_at else None,
    }  # fmt: skip


def _answer(check: TwoYearCheck, who: Principal) -> func.HttpResponse:
    return json_response({"check": check_view(check, who)}, headers={"ETag": check.etag or ""})


@bp.route(route="api/children/{id}/two-year-check", methods=["GET"], auth_level=ANON)
@endpoint
def get_two_year_check(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    return _answer(checks.read_check(bootstrap.deps(), who, req.route_params.get("id")), who)


@bp.route(route="api/children/{id}/two-year-check", methods=["PUT"], auth_level=ANON)
@endpoint
def record_two_year_check(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    fields = read_json(req)
    Body(fields, known=("areas", "plans"), unknown="{} is not part of a two-year check.")
    for key in ("areas", "plans"):
        if key in fields and fields[key] is None:  # null is refused like any value of the wrong type
            raise InvalidInput("Send a value, or leave the field out to keep it as it is.", field=key)
    saved = checks.record_check(bootstrap.deps(), who, req.route_params.get("id"), fields.get("areas"),
                                fields.get("plans"), expected_version(req))  # fmt: skip
    return _answer(saved, who)


@bp.route(route="api/children/{id}/two-year-check/finalise", methods=["POST"], auth_level=ANON)
@endpoint
def finalise_two_year_check(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    saved = checks.finalise_check(bootstrap.deps(), who, req.route_params.get("id"), expected_version(req))
    return _answer(saved, who)


@bp.route(route="api/children/{id}/two-year-check/share", methods=["POST"], auth_level=ANON)
@endpoint
def share_two_year_check(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    shared = Body(read_json(req), known=("shared",)).flag("shared")
    saved = checks.share_check(
        bootstrap.deps(), who, req.route_params.get("id"), shared, expected_version(req)
    )
    return _answer(saved, who)


@bp.route(route="api/children/{id}/two-year-check/comment", methods=["PUT"], auth_level=ANON)
@endpoint
def comment_on_two_year_check(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    fields = read_json(req)
    Body(fields, known=("comment",))
    text = fields.get("comment")
    saved = checks.comment_on_check(
        bootstrap.deps(), who, req.route_params.get("id"), text, expected_version(req)
    )
    return _answer(saved, who)


@bp.route(route="api/children/{id}/two-year-check/pdf", methods=["GET"], auth_level=ANON)
@endpoint
def two_year_check_pdf(req: func.HttpRequest) -> func.HttpResponse:
    pdf = checks.check_pdf(bootstrap.deps(), principal(req), req.route_params.get("id"))
    disposition = {"Content-Disposition": f'attachment; filename="{PDF_NAME}"'}
    return func.HttpResponse(pdf, status_code=200, mimetype="application/pdf", headers=disposition)


@bp.route(route="api/two-year-checks", methods=["GET"], auth_level=ANON)
@endpoint
def two_year_check_tracker(req: func.HttpRequest) -> func.HttpResponse:
    rows = checks.tracker(bootstrap.deps(), principal(req), req.params.get("room") or None)
    children = [{
        "id": r.child_id, "firstName": r.first_name, "lastName": r.last_name,
        "dateOfBirth": r.date_of_birth.isoformat() if r.date_of_birth else None, "months": r.months,
        "standing": r.standing.value, "roomId": r.room_id,
        "checkStatus": r.check_status.value if r.check_status else None, "shared": r.shared,
        "dueFrom": r.due_from.isoformat() if r.due_from else None,
        "overdueFrom": r.overdue_from.isoformat() if r.overdue_from else None,
    } for r in rows]  # fmt: skip
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.standing.value] = counts.get(r.standing.value, 0) + 1
    return json_response({"children": children, "counts": counts})
