"""Assessments: /api/assessment-plan*, /api/assessments, /api/children/{id}/assessments*."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import azure.functions as func

from functions.forms import Body, expected_version
from functions.http import endpoint, json_response, principal, read_json
from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain import assessments as assessment_rules
    from shared.domain import frameworks
    from shared.domain.assessments import AssessmentPlan, AssessmentPoint, ChildAssessment
    from shared.domain.people import Principal
    from shared.services import assessment_overview, assessments
    from shared.services.assessment_evidence import Evidence
    from shared.services.assessments import PointRecord
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    assessment_rules = OnFirstUse("shared.domain.assessments")
    frameworks = OnFirstUse("shared.domain.frameworks")
    assessment_overview = OnFirstUse("shared.services.assessment_overview")
    assessments = OnFirstUse("shared.services.assessments")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS


def point_view(point: AssessmentPoint) -> dict[str, Any]:
    return {"id": point.point_id, "name": point.name, "opens": point.opens.isoformat(),
            "closes": point.closes.isoformat()}  # fmt: skip


def plan_view(plan: AssessmentPlan) -> dict[str, Any]:
    return {
        "points": [point_view(p) for p in plan.points], "scale": plan.scale.value,
        "unapprovedEvidence": plan.unapproved_evidence, "parentsSeeFinal": plan.parents_see_final,
        "etag": plan.etag or assessments.NEW,
    }  # fmt: skip


def _plan_answer(plan: AssessmentPlan) -> func.HttpResponse:
    return json_response({"plan": plan_view(plan)}, headers={"ETag": plan.etag or assessments.NEW})


def evidence_view(items: list[Evidence]) -> dict[str, Any]:
    shown = [{"id": e.observation_id, "observedOn": e.observed_on.isoformat(), "status": e.status.value,
              "excerpt": e.excerpt} for e in items]  # fmt: skip
    return {"count": len(items), "observations": shown}


def record_view(found: PointRecord, who: Principal) -> dict[str, Any]:
    """The child at the point: every aspect of the record's framework with its judgement; for
    staff the notes, the evidence cited and suggested, and who changed it when."""
    record, known = found.record, found.framework
    areas = {a.area_id: a.name for a in frameworks.eyfs().areas}
    aspects = []
    for aspect in known.aspects:
        judged = record.judgements.get(aspect.aspect_id)
        if not who.role.is_staff and judged is None:
            continue
        shown = {"value": judged.value, "band": judged.band} if judged else None
        area = areas[aspect.area_id]
        item: dict[str, Any] = {"id": aspect.aspect_id, "areaId": aspect.area_id, "area": area,
                                "name": aspect.name, "judgement": shown}  # fmt: skip
        if who.role.is_staff:
            if judged is not None:
                item["judgement"] |= {"note": judged.note, "evidence": list(judged.evidence)}
            item["suggested"] = evidence_view(found.evidence.get(aspect.aspect_id, []))
        aspects.append(item)
    view: dict[str, Any] = {
        "childId": record.child_id, "point": point_view(found.point), "status": record.status.value,
        "framework": {"id": known.framework_id.value, "name": known.name,
                      "version": record.framework_version},
        "scale": record.scale.value, "values": list(assessment_rules.SCALE_VALUES[record.scale]),
        "bands": [{"id": b, "name": n} for b, n in known.bands]
                 if record.scale is assessment_rules.Scale.AGE_BAND else [],
        "aspects": aspects, "approvedAt": record.approved_at.isoformat() if record.approved_at else None,
        "etag": record.etag or assessments.NEW,
    }  # fmt: skip
    if who.role.is_staff:
        view["updatedAt"] = record.updated_at.isoformat() if record.updated_at else None
        view["mayJudge"] = not found.read_only
        view["readOnlyReason"] = found.read_only
    return view


def _record_answer(found: PointRecord, who: Principal) -> func.HttpResponse:
    return json_response(
        {"assessment": record_view(found, who)}, headers={"ETag": found.record.etag or assessments.NEW}
    )


def _saved(who: Principal, saved: ChildAssessment) -> func.HttpResponse:
    """Answer a change with the child at the point as read now (with the evidence suggested)."""
    found = assessments.read_point(bootstrap.deps(), who, saved.child_id, saved.point_id)
    return _record_answer(found, who)


@bp.route(route="api/assessment-plan", methods=["GET"], auth_level=ANON)
@endpoint
def get_assessment_plan(req: func.HttpRequest) -> func.HttpResponse:
    return _plan_answer(assessments.read_plan(bootstrap.deps(), principal(req)))


@bp.route(route="api/assessment-plan/points", methods=["PUT"], auth_level=ANON)
@endpoint
def save_assessment_points(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    fields = read_json(req)
    Body(fields, known=("points",), unknown="{} is not part of the assessment points.")
    return _plan_answer(
        assessments.save_points(bootstrap.deps(), who, fields.get("points"), expected_version(req))
    )


@bp.route(route="api/assessment-plan/options", methods=["PATCH"], auth_level=ANON)
@endpoint
def save_assessment_options(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = Body(read_json(req), known=("scale", "unapprovedEvidence", "parentsSeeFinal"))
    saved = assessments.save_options(bootstrap.deps(), who, body.text("scale"),
                                     body.changed_flag("unapprovedEvidence"),
                                     body.changed_flag("parentsSeeFinal"), expected_version(req))  # fmt: skip
    return _plan_answer(saved)


@bp.route(route="api/assessments", methods=["GET"], auth_level=ANON)
@endpoint
def assessment_overview_of_point(req: func.HttpRequest) -> func.HttpResponse:
    point, rows = assessment_overview.point_overview(
        bootstrap.deps(), principal(req), req.params.get("point") or None, req.params.get("room") or None
    )
    children = [{"id": r.child_id, "firstName": r.first_name, "lastName": r.last_name, "roomId": r.room_id,
                 "status": r.status.value if r.status else None, "judged": r.judged, "values": r.values}
                for r in rows]  # fmt: skip
    waiting = sum(1 for r in rows if r.status is assessment_rules.RecordStatus.DRAFT)
    return json_response({"point": point_view(point), "children": children, "waitingForApproval": waiting})


@bp.route(route="api/children/{id}/assessments", methods=["GET"], auth_level=ANON)
@endpoint
def list_child_assessments(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    rows = assessments.child_points(bootstrap.deps(), who, req.route_params.get("id"))
    points = []
    for point, record in rows:
        item = point_view(point) | {"status": record.status.value if record else None,
                                    "judged": len(record.judgements) if record else 0}  # fmt: skip
        if record is not None and not who.role.is_staff:  # a parent's: final ones, shown to families
            item["assessment"] = record_view(
                assessments.PointRecord(point, record, assessments.framework_of(record), {}), who
            )
        points.append(item)
    return json_response({"points": points})


@bp.route(route="api/children/{id}/assessments/{pointId}", methods=["GET"], auth_level=ANON)
@endpoint
def get_child_assessment(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    found = assessments.read_point(bootstrap.deps(), who, req.route_params.get("id"),
                                   req.route_params.get("pointId"))  # fmt: skip
    return _record_answer(found, who)


@bp.route(route="api/children/{id}/assessments/{pointId}", methods=["PUT"], auth_level=ANON)
@endpoint
def record_child_assessment(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    fields = read_json(req)
    Body(fields, known=("judgements",), unknown="{} is not part of an assessment.")
    saved = assessments.record_judgements(bootstrap.deps(), who, req.route_params.get("id"),
                                          req.route_params.get("pointId"), fields.get("judgements"),
                                          expected_version(req))  # fmt: skip
    return _saved(who, saved)


@bp.route(route="api/children/{id}/assessments/{pointId}/approve", methods=["POST"], auth_level=ANON)
@endpoint
def approve_child_assessment(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    saved = assessments.approve(bootstrap.deps(), who, req.route_params.get("id"),
                                req.route_params.get("pointId"), expected_version(req))  # fmt: skip
    return _saved(who, saved)
