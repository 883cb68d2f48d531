"""The cohort report for managers: /api/reports/cohort as JSON, CSV and PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import azure.functions as func

from functions.assessments import point_view
from functions.http import endpoint, json_response, principal
from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain import cohort as cohort_groups
    from shared.domain.children import Child
    from shared.services import cohort_files, cohort_report
    from shared.services.cohort_report import CohortReport
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    cohort_groups = OnFirstUse("shared.domain.cohort")
    cohort_files = OnFirstUse("shared.services.cohort_files")
    cohort_report = OnFirstUse("shared.services.cohort_report")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS
CSV_NAME = "cohort-report.csv"
PDF_NAME = "cohort-report.pdf"


def _chosen(req: func.HttpRequest) -> tuple[str | None, str | None, str | None]:
    return req.params.get("point"), req.params.get("room") or None, req.params.get("group") or None


def _child(child: Child) -> dict[str, str]:
    return {"id": child.child_id, "firstName": child.first_name, "lastName": child.last_name}


def report_view(report: CohortReport) -> dict[str, Any]:
    areas = [{"id": a.area_id, "name": a.name, "counted": a.counted, "onTrack": a.on_track, "share": a.share,
              "previousShare": a.previous_share, "change": a.change,
              "changeText": cohort_files.change_text(a, report), "behind": [_child(c) for c in a.behind]}
             for a in report.areas]  # fmt: skip
    return {
        "point": point_view(report.point),
        "previousPoint": point_view(report.previous) if report.previous else None,
        "room": {"id": report.room.room_id, "name": report.room.name} if report.room else None,
        "group": {"id": report.group.value, "name": cohort_groups.GROUP_NAMES[report.group]},
        "groups": [{"id": g.value, "name": cohort_groups.GROUP_NAMES[g]} for g in report.groups],
        "children": report.children, "withFinalJudgements": report.final, "areas": areas,
    }  # fmt: skip


@bp.route(route="api/reports/cohort", methods=["GET"], auth_level=ANON)
@endpoint
def cohort_report_json(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(
        report_view(cohort_report.cohort_report(bootstrap.deps(), principal(req), *_chosen(req)))
    )


@bp.route(route="api/reports/cohort/csv", methods=["GET"], auth_level=ANON)
@endpoint
def cohort_report_csv(req: func.HttpRequest) -> func.HttpResponse:
    text = cohort_files.cohort_csv(bootstrap.deps(), principal(req), *_chosen(req))
    disposition = {"Content-Disposition": f'attachment; filename="{CSV_NAME}"'}
    return func.HttpResponse(text, status_code=200, mimetype="text/csv", charset="utf-8", headers=disposition)


@bp.route(route="api/reports/cohort/pdf", methods=["GET"], auth_level=ANON)
@endpoint
def cohort_report_pdf(req: func.HttpRequest) -> func.HttpResponse:
    pdf = cohort_files.cohort_pdf(bootstrap.deps(), principal(req), *_chosen(req))
    disposition = {"Content-Disposition": f'attachment; filename="{PDF_NAME}"'}
    return func.HttpResponse(pdf, status_code=200, mimetype="application/pdf", headers=disposition)
