"""The cohort report for managers: at a point, for a room (or every room) and a group, the share
of children on track per area, the change since the previous point and the children behind.

Only FINAL records count (a manager approved them); a draft is as if nothing were judged.
"On track for an area" is derived from the aspect judgements (`shared.domain.cohort`), following
EYFS.md's grouping of aspects into the seven areas in the record's own framework:

- a child counts in an area when their final record judges every aspect of that area; an area
  judged only in part counts nowhere, unless an aspect judged already is not on track (then the
  child is behind there: the report must not hide a child the key person has flagged);
- they are on track in the area when each of its aspects is on track, on the record's scale:
  "on track" or "working beyond" on the on-track scale; on the age-band scale, a band whose ages
  (framework data) have not been outgrown by the child's age at the point's close and, within the
  band of their age, "developing" or "secure" ("emerging" there is not yet on track);
- the share is those on track over those counted, and the change is that share now minus the
  share at the previous point, in percentage points.

Rooms and groups are read as they are now, for both points, so the change compares the same
children.

What it reads: the setting and the plan (point reads), the tracker policy (a point read), the
group facts (one range, only for a group that needs them), and then
- for every room: the children (one partition) and the records of the point and of the previous
  point (each its own partition, in pages);
- for one room: the room (a point read), its member rows and its children's copies (one range
  each), and each child's record at the two points (one range each): a room's report costs the
  same in a setting of one room as in a setting of twelve.
Unknown point, room or group is a 400 naming the field; a room of another setting is unknown here,
the same answer (S24).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.access import require_manager
from shared.domain.assessments import AssessmentPlan, AssessmentPoint, ChildAssessment, RecordStatus
from shared.domain.children import Child, ChildStatus
from shared.domain.cohort import (
    Group,
    Judged,
    area_shares,
    change_in_points,
    clean_group,
    groups_offered,
    in_group,
)
from shared.domain.errors import InvalidInput
from shared.domain.frameworks import Framework, FrameworkId, framework
from shared.domain.identifiers import is_id
from shared.domain.people import Principal
from shared.domain.rooms import Room
from shared.domain.two_year_check import setting_today
from shared.services import membership, rooms
from shared.services.assessment_overview import current_point
from shared.services.assessments import plan_of
from shared.services.deps import Deps

UNKNOWN_POINT = "Choose one of the setting's assessment points."
UNKNOWN_ROOM = "Choose one of the setting's rooms, or all rooms."


@dataclass(frozen=True, repr=False)
class AreaLine:
    area_id: str
    name: str
    counted: int
    on_track: int
    share: float | None  # percent of those counted
    previous_share: float | None
    change: float | None  # percentage points since the previous point
    behind: tuple[Child, ...]


@dataclass(frozen=True, repr=False)
class CohortReport:
    point: AssessmentPoint
    previous: AssessmentPoint | None  # None: the first point of the plan
    room: Room | None  # None: every room
    group: Group
    children: int  # in the room and group
    final: int  # of them, with final judgements at the point
    areas: list[AreaLine]
    groups: tuple[Group, ...]  # the groups this setting may choose among (boys, girls: if it records sex)


def previous_point(plan: AssessmentPlan, point: AssessmentPoint) -> AssessmentPoint | None:
    """The point before this one in time (by opening, then closing day), if any."""
    ordered = sorted(plan.points, key=lambda p: (p.opens, p.closes))
    at = ordered.index(point)
    return ordered[at - 1] if at else None


def cohort_report(
    deps: Deps, principal: Principal, point_id: object, room_id: object = None, group: object = None
) -> CohortReport:
    """The report of a point (None: today's) for the room (None or "all": every room) and group
    (None: all children)."""
    require_manager(principal)
    setting = membership.setting_of(deps, principal)
    plan = plan_of(deps, setting)  # the setting is read once, above
    if point_id is None or point_id == "":
        point: AssessmentPoint | None = current_point(
            plan, setting_today(deps.clock.now(), setting.time_zone)
        )
    else:
        point = plan.point(point_id) if isinstance(point_id, str) else None
    if point is None:
        raise InvalidInput(UNKNOWN_POINT, field="point")
    room = _room(deps, principal, room_id)
    record_sex = deps.child_details.policy(principal.setting_id).record_sex
    chosen = clean_group(group, record_sex)
    children = _chosen_children(deps, principal, room, chosen)
    previous = previous_point(plan, point)
    now = _judged(children, _final(deps, principal, point, room, children))
    before = _judged(children, _final(deps, principal, previous, room, children)) if previous else []
    shares_then = {a.area_id: a.share for a in area_shares(before, previous.closes)} if previous else {}
    lines = [
        AreaLine(a.area_id, a.name, a.counted, a.on_track, a.share, shares_then.get(a.area_id),
                 change_in_points(a.share, shares_then.get(a.area_id)), a.behind)
        for a in area_shares(now, point.closes)
    ]  # fmt: skip
    final = sum(1 for j in now if j.record is not None)
    return CohortReport(
        point, previous, room, chosen, len(children), final, lines, groups_offered(record_sex)
    )


def _room(deps: Deps, principal: Principal, raw: object) -> Room | None:
    if raw is None or raw == "" or raw == "all":
        return None
    found = deps.rooms.get(principal.setting_id, raw) if is_id(raw) else None
    if found is None:
        raise InvalidInput(UNKNOWN_ROOM, field="room")
    return found


def _chosen_children(deps: Deps, principal: Principal, room: Room | None, group: Group) -> list[Child]:
    setting_id = principal.setting_id
    needs_facts = group not in (Group.ALL, Group.SUMMER_BORN)
    facts = {d.child_id: d for d in deps.child_details.of_setting(setting_id)} if needs_facts else {}
    found = rooms.room_children(deps, room) if room else deps.children.list(setting_id)
    chosen = [c for c in found
              if c.status is ChildStatus.ACTIVE and in_group(group, c, facts.get(c.child_id))]  # fmt: skip
    return sorted(chosen, key=lambda c: (c.first_name.lower(), c.last_name.lower()))


def _final(
    deps: Deps, principal: Principal, point: AssessmentPoint, room: Room | None, children: list[Child]
) -> dict[str, ChildAssessment]:
    setting_id, point_id = principal.setting_id, point.point_id
    found = (deps.assessments.records_of(setting_id, point_id, [c.child_id for c in children]) if room
             else deps.assessments.records(setting_id, point_id))  # fmt: skip
    return {r.child_id: r for r in found if r.status is RecordStatus.FINAL}


def _judged(children: list[Child], final: dict[str, ChildAssessment]) -> list[Judged]:
    found = []
    for child in children:
        record = final.get(child.child_id)
        found.append(Judged(child, record, _framework_of(record) if record else None))
    return found


def _framework_of(record: ChildAssessment) -> Framework | None:
    try:
        return framework(FrameworkId(record.framework))
    except ValueError:
        return None
