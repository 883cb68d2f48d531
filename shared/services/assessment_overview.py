"""A point's overview for staff: every active child they may see (in one room when asked) with
where their judgements stand at the point, so the key person sees who is left to judge and a
manager who is waiting for approval.

Three queries, whatever the room asked for: the setting's children (one partition scan, as the
two-year tracker does), the placements (one range) and the point's records (its own partition,
in pages). A point's records are the cohort report's input; its shares by group come later.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from shared.domain.access import require_staff, staff_may_see_child
from shared.domain.assessments import AssessmentPlan, AssessmentPoint, RecordStatus
from shared.domain.children import ChildStatus
from shared.domain.errors import NotFound
from shared.domain.people import Principal
from shared.domain.rooms import NO_SUCH_ROOM
from shared.domain.two_year_check import setting_today
from shared.services import membership, rooms
from shared.services.assessments import NO_SUCH_POINT, read_plan
from shared.services.deps import Deps


@dataclass(frozen=True, repr=False)
class OverviewRow:
    child_id: str
    first_name: str
    last_name: str
    room_id: str | None
    status: RecordStatus | None  # None: nothing judged at this point yet
    judged: int
    values: dict[str, int]  # judgement -> how many aspects have it


def current_point(plan: AssessmentPlan, today: date) -> AssessmentPoint:
    """The latest point whose period holds today, else the latest that has opened, else the first."""
    chosen = [p for p in plan.points if p.opens <= today <= p.closes] or [
        p for p in plan.points if p.opens <= today
    ]
    return max(chosen, key=lambda p: (p.opens, p.closes)) if chosen else plan.points[0]


def point_overview(
    deps: Deps, principal: Principal, point_id: object = None, room: object = None
) -> tuple[AssessmentPoint, list[OverviewRow]]:
    """The point (the one asked for, or today's) and each child's standing there."""
    require_staff(principal)
    setting = membership.setting_of(deps, principal)
    plan = read_plan(deps, principal)
    if point_id is None:
        point = current_point(plan, setting_today(deps.clock.now(), setting.time_zone))
    else:
        found = plan.point(point_id) if isinstance(point_id, str) else None
        if found is None:
            raise NotFound(NO_SUCH_POINT)
        point = found
    placed = rooms.room_of_each(deps, principal)
    wanted = rooms.room_id(room) if room else None
    if wanted is not None and deps.rooms.get(principal.setting_id, wanted) is None:
        raise NotFound(NO_SUCH_ROOM)
    records = {r.child_id: r for r in deps.assessments.records(principal.setting_id, point.point_id)}
    rows = []
    for child in deps.children.list(principal.setting_id):
        if child.status is not ChildStatus.ACTIVE or not staff_may_see_child(principal, child, setting):
            continue
        if wanted is not None and placed.get(child.child_id) != wanted:
            continue
        record = records.get(child.child_id)
        values = Counter(j.value for j in record.judgements.values()) if record else Counter()
        rows.append(OverviewRow(child.child_id, child.first_name, child.last_name, placed.get(child.child_id),
                                record.status if record else None, len(record.judgements) if record else 0,
                                dict(values)))  # fmt: skip
    return point, sorted(rows, key=lambda r: (r.first_name.lower(), r.last_name.lower(), r.child_id))
