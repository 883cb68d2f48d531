"""The cohort report as files a manager takes to a meeting: CSV (one row per area, the children
behind in its last cell) and PDF (drawn with the packaged Noto faces, so names in any script
print as written). Both are exports of children's names and so audited (S29) and managers only.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from shared.domain.cohort import GROUP_NAMES
from shared.domain.people import Principal
from shared.domain.profile_csv import safe_cell
from shared.media.pdf import Document
from shared.services.cohort_report import AreaLine, CohortReport, cohort_report
from shared.services.deps import Deps

TITLE = "Cohort report"
HEADER = ("Area", "Children counted", "On track", "On track (%)", "Previous point (%)",
          "Change (percentage points)", "Children behind")  # fmt: skip


def share_text(share: float | None) -> str:
    return "" if share is None else f"{share:g}"


def change_text(line: AreaLine, report: CohortReport) -> str:
    """Signed percentage points; "no previous point" for the first point of the plan."""
    if report.previous is None:
        return "no previous point"
    if line.change is None:
        return "not judged at both points"
    return f"{line.change:+g}"


def scope_text(report: CohortReport) -> str:
    room = report.room.name if report.room else "All rooms"
    return f"{report.point.name} - {room} - {GROUP_NAMES[report.group]}"


def render_csv(report: CohortReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for line in report.areas:
        behind = "; ".join(c.full_name for c in line.behind)
        shares = [share_text(line.share), share_text(line.previous_share), change_text(line, report)]
        writer.writerow([safe_cell(line.name), line.counted, line.on_track, *shares, safe_cell(behind)])
    return out.getvalue()


def render_pdf(report: CohortReport, setting_name: str, made_at: datetime, *, compress: bool = True) -> bytes:
    names = [c.full_name for line in report.areas for c in line.behind]
    room = report.room.name if report.room else ""
    doc = Document([setting_name, report.point.name, room, *names], title=TITLE, created_at=made_at,
                   compress=compress)  # fmt: skip
    doc.heading(TITLE, 18)
    doc.line(setting_name, size=12, bold=True)
    doc.line(scope_text(report))
    since = f"since {report.previous.name}" if report.previous else "(no previous point)"
    doc.line(
        f"{report.final} of {report.children} children have final judgements. "
        f"Made {made_at:%d %B %Y, %H:%M} UTC.",
        size=9,
    )
    for line in report.areas:
        doc.pdf.ln(3)
        doc.heading(line.name, 12)
        if line.share is None:
            doc.line("No child's final judgements settle this area yet.", italic=True)
            continue
        doc.line(f"On track: {line.on_track} of {line.counted} ({share_text(line.share)}%); "
                 f"change {since}: {change_text(line, report)}")  # fmt: skip
        if line.behind:
            doc.line("Not yet on track: " + ", ".join(c.full_name for c in line.behind), size=10)
    return doc.output()


def cohort_csv(deps: Deps, principal: Principal, point_id: object, room: object, group: object) -> str:
    report = cohort_report(deps, principal, point_id, room, group)
    _audit(deps, principal, report, "csv")
    return render_csv(report)


def cohort_pdf(deps: Deps, principal: Principal, point_id: object, room: object, group: object) -> bytes:
    report = cohort_report(deps, principal, point_id, room, group)
    setting = deps.settings.get(principal.setting_id)
    _audit(deps, principal, report, "pdf")
    return render_pdf(report, setting.name if setting else "", deps.clock.now())


def _audit(deps: Deps, principal: Principal, report: CohortReport, kind: str) -> None:
    room = report.room.room_id if report.room else "all"
    deps.audit(principal.setting_id, principal.user_id, "cohort.export", report.point.point_id, "success",
               f"{kind} room={room} group={report.group.value}")  # fmt: skip
