"""Summative assessment: a manager sets the points and the setting's choices; the key person
judges each aspect of the setting's framework for a child at a point, with the observations that
support it suggested; a manager approves, and the judgements are final.

Who may reach a child is decided by services/access.py (`profile_child`: staff who may see the
child, so a key-children-only practitioner reaches only their key children, or a parent linked to
them now). A parent reads only final judgements, only when the setting shows them, and never the
notes or the evidence (staff write those for staff); anything else is the same 404 as for a child
that is not theirs (S24). Every change is audited (S29); changing the choices, which decide what
families see, needs a step-up like any privacy policy change (S35).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, replace

from shared.domain.access import NO_SUCH_CHILD, require_manager, require_staff
from shared.domain.assessments import (
    AssessmentPlan,
    AssessmentPoint,
    ChildAssessment,
    RecordStatus,
    clean_judgements,
    clean_points,
    clean_scale,
    default_plan,
)
from shared.domain.children import Child
from shared.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from shared.domain.frameworks import Framework, FrameworkId, clean_framework, framework
from shared.domain.people import Principal, Role
from shared.domain.settings import Setting
from shared.domain.two_year_check import setting_today
from shared.domain.versions import STALE
from shared.services import access, membership
from shared.services.assessment_evidence import Evidence, check_cited, suggested
from shared.services.deps import Deps
from shared.services.step_up import require_recent_step_up

NO_SUCH_POINT = "We could not find that assessment point."
FINAL_FOR_MANAGERS = "These judgements are final: only a manager can change them."
KEY_PERSON_JUDGES = "Only the child's key person or a manager records their judgements."
NOTHING_TO_APPROVE = "Record at least one judgement before approving."
ALREADY_FINAL = "These judgements are approved already."
NAME_VERSION = "Send the If-Match header with the ETag you read."
IN_USE = "{} holds judgements, so it stays: rename it or change its dates instead."
NEW = "new"  # the If-Match of something never stored


@dataclass(frozen=True, repr=False)
class PointRecord:
    """A child at one point, as the judging screen needs it."""

    point: AssessmentPoint
    record: ChildAssessment  # an empty draft when nothing is judged yet (etag None)
    framework: Framework  # the record's: a record keeps the framework it was made against
    evidence: dict[str, list[Evidence]]  # aspect id -> suggestions (staff; empty for a parent)
    # Why the reader may not save judgements here ("" when they may): what the screen shows in
    # place of the save button, so nobody fills in a form only to be refused.
    read_only: str = ""


# -- the plan -------------------------------------------------------------------------------------


def read_plan(deps: Deps, principal: Principal) -> AssessmentPlan:
    """The setting's points and choices (the defaults until a manager or a judgement saves them)."""
    require_staff(principal)
    return _plan(deps, membership.setting_of(deps, principal))


def save_points(deps: Deps, principal: Principal, points: object, expected: str | None) -> AssessmentPlan:
    """A manager names and dates the points; a point that holds judgements cannot be removed."""
    require_manager(principal)
    plan = _plan(deps, membership.setting_of(deps, principal))
    changed = clean_points(points, plan)
    _require_version(expected, plan.etag)
    kept = {p.point_id for p in changed}
    for gone in (p for p in plan.points if p.point_id not in kept):
        if deps.assessments.point_used(principal.setting_id, gone.point_id):
            raise Conflict(IN_USE.format(gone.name))
    saved = _save_plan(deps, principal, replace(plan, points=changed))
    deps.audit(principal.setting_id, principal.user_id, "assessment.points", principal.setting_id, "success")
    return saved


def save_options(
    deps: Deps, principal: Principal, scale: object, unapproved_evidence: bool | None,
    parents_see_final: bool | None, expected: str | None,
) -> AssessmentPlan:  # fmt: skip
    """A manager chooses the scale, whether observations awaiting approval count as evidence and
    whether parents see final judgements (S35: a fresh step-up, as for the privacy policy)."""
    require_manager(principal)
    plan = _plan(deps, membership.setting_of(deps, principal))
    new_scale = clean_scale(scale) if scale is not None else plan.scale
    _require_version(expected, plan.etag)
    require_recent_step_up(deps, principal)
    changed = replace(
        plan, scale=new_scale,
        unapproved_evidence=plan.unapproved_evidence if unapproved_evidence is None else unapproved_evidence,
        parents_see_final=plan.parents_see_final if parents_see_final is None else parents_see_final,
    )  # fmt: skip
    names = [n for n, a, b in (("scale", plan.scale, changed.scale),
                               ("unapprovedEvidence", plan.unapproved_evidence, changed.unapproved_evidence),
                               ("parentsSeeFinal", plan.parents_see_final, changed.parents_see_final))
             if a != b]  # fmt: skip
    if not names:
        return plan
    saved = _save_plan(deps, principal, changed)
    deps.audit(principal.setting_id, principal.user_id, "assessment.options", principal.setting_id, "success",
               ",".join(names))  # fmt: skip
    return saved


# -- a child at a point ---------------------------------------------------------------------------


def read_point(deps: Deps, principal: Principal, child_id: object, point_id: object) -> PointRecord:
    """Staff: the child's record at the point (an empty draft when none yet) with the suggested
    evidence for each aspect. A parent: final judgements, when the setting shows them (404 else)."""
    child, setting, plan, point = _reach(deps, principal, child_id, point_id)
    found = deps.assessments.record(principal.setting_id, point.point_id, child.child_id)
    if principal.role is Role.PARENT:
        if found is None or not _parent_may_read(plan, found):
            raise NotFound(NO_SUCH_CHILD)
        return PointRecord(point, _for_parent(found), framework_of(found), {})
    record = found or _new_record(principal, child, setting, plan, point)
    known = framework_of(record)
    evidence = suggested(deps, principal, child, setting, plan, point, known)
    return PointRecord(point, record, known, evidence, _why_read_only(principal, child, found))


def _why_read_only(principal: Principal, child: Child, current: ChildAssessment | None) -> str:
    """Why this member of staff may not save judgements for the child now, "" when they may:
    the same rules `record_judgements` enforces."""
    if principal.role is Role.MANAGER:
        return ""
    if child.key_person_id != principal.user_id:
        return KEY_PERSON_JUDGES
    if current is not None and current.status is RecordStatus.FINAL:
        return FINAL_FOR_MANAGERS
    return ""


def record_judgements(
    deps: Deps, principal: Principal, child_id: object, point_id: object, judgements: object,
    expected: str | None,
) -> ChildAssessment:  # fmt: skip
    """The child's key person (or a manager) writes judgements from the version they read (none
    for the first). Approved judgements change only by a manager's hand and are a draft again then.

    Other practitioners may read the child's judgements where they may see the child, but the
    judging is the key person's, who knows the child best (EYFS.md).
    """
    require_staff(principal)
    child, setting, plan, point = _reach(deps, principal, child_id, point_id)
    if _why_read_only(principal, child, None) == KEY_PERSON_JUDGES:
        raise Forbidden(KEY_PERSON_JUDGES)
    current = deps.assessments.record(principal.setting_id, point.point_id, child.child_id)
    base = current or _new_record(principal, child, setting, plan, point)
    changes, cleared = clean_judgements(judgements, framework_of(base), base.scale)
    # Only what is newly cited is checked: an observation cited before stays cited even when it
    # no longer would be (withdrawn since, say), so a later save of that aspect is not refused.
    before = {(a, o) for a, j in base.judgements.items() for o in j.evidence}
    newly = {o for a, j in changes.items() for o in j.evidence if (a, o) not in before}
    check_cited(deps, principal, child, setting, plan, newly)
    _require_version(expected, current.etag if current else None)
    if _why_read_only(principal, child, current) == FINAL_FOR_MANAGERS:
        raise Conflict(FINAL_FOR_MANAGERS)
    cleared &= set(base.judgements)
    record = replace(base, judgements={**{a: j for a, j in base.judgements.items() if a not in cleared},
                                       **changes})  # fmt: skip
    record.status, record.approved_by, record.approved_at = RecordStatus.DRAFT, "", None
    record.updated_by, record.updated_at = principal.user_id, deps.clock.now()
    if plan.etag is None:  # the defaults become the setting's plan, so the purge finds this point
        with suppress(PreconditionFailed):  # stored by a racing first judgement: that one is kept
            _save_plan(deps, principal, plan)
    saved = _save_record(deps, record, cleared)
    detail = f"{point.point_id}:{len(changes)} set,{len(cleared)} cleared"
    deps.audit(
        principal.setting_id, principal.user_id, "assessment.record", child.child_id, "success", detail
    )
    return saved


def approve(
    deps: Deps, principal: Principal, child_id: object, point_id: object, expected: str | None
) -> ChildAssessment:
    """A manager approves the child's judgements at the point, as read: they are final."""
    require_manager(principal)
    child, _, _, point = _reach(deps, principal, child_id, point_id)
    found = deps.assessments.record(principal.setting_id, point.point_id, child.child_id)
    if found is None or not found.judgements:
        raise Conflict(NOTHING_TO_APPROVE)
    _require_version(expected, found.etag)
    if found.status is RecordStatus.FINAL:
        raise Conflict(ALREADY_FINAL)
    found.status, found.approved_by, found.approved_at = (
        RecordStatus.FINAL,
        principal.user_id,
        deps.clock.now(),
    )
    saved = _save_record(deps, found, ())
    deps.audit(principal.setting_id, principal.user_id, "assessment.approve", child.child_id, "success",
               point.point_id)  # fmt: skip
    return saved


AtPoint = tuple[AssessmentPoint, ChildAssessment | None]


def child_points(deps: Deps, principal: Principal, child_id: object) -> list[AtPoint]:
    """Every point with the child's record there (one range each): staff see drafts; a parent
    only final ones, and only when the setting shows them (404 otherwise)."""
    child = access.profile_child(deps, principal, child_id)
    plan = _plan(deps, membership.setting_of(deps, principal))
    if principal.role is Role.PARENT and not plan.parents_see_final:
        raise NotFound(NO_SUCH_CHILD)
    rows: list[AtPoint] = []
    for point in plan.points:
        found = deps.assessments.record(principal.setting_id, point.point_id, child.child_id)
        if principal.role is Role.PARENT:
            if found is not None and _parent_may_read(plan, found):
                rows.append((point, _for_parent(found)))
            continue
        rows.append((point, found))
    return rows


def for_export(
    deps: Deps, principal: Principal, child_id: str
) -> list[tuple[AssessmentPoint, ChildAssessment]]:
    """What a journal export of this child includes for this reader: the records `child_points`
    shows them, nothing for a parent when the setting hides judgements."""
    try:
        return [(p, r) for p, r in child_points(deps, principal, child_id) if r is not None]
    except NotFound:
        return []


def forget_child(deps: Deps, setting_id: str, child_id: str) -> int:
    """Delete a leaver's judgements at every point of the setting (the purge calls this)."""
    plan = deps.assessments.plan(setting_id)
    if plan is None:  # nothing is ever judged before the plan is stored
        return 0
    return deps.assessments.erase_child(setting_id, child_id, [p.point_id for p in plan.points])


def framework_of(record: ChildAssessment) -> Framework:
    """The framework a record was made against (its aspects' names, its bands)."""
    return framework(FrameworkId(record.framework))


# -- helpers --------------------------------------------------------------------------------------


def plan_of(deps: Deps, setting: Setting) -> AssessmentPlan:
    """The setting's plan as stored, or the defaults of today's academic year (one point read)."""
    return _plan(deps, setting)


def _plan(deps: Deps, setting: Setting) -> AssessmentPlan:
    stored = deps.assessments.plan(setting.setting_id)
    return stored or default_plan(setting.setting_id, setting_today(deps.clock.now(), setting.time_zone))


def _reach(deps: Deps, principal: Principal, child_id: object, point_id: object
           ) -> tuple[Child, Setting, AssessmentPlan, AssessmentPoint]:  # fmt: skip
    child = access.profile_child(deps, principal, child_id)
    setting = membership.setting_of(deps, principal)
    plan = _plan(deps, setting)
    point = plan.point(point_id) if isinstance(point_id, str) else None
    if point is None:
        raise NotFound(NO_SUCH_POINT)
    return child, setting, plan, point


def _new_record(principal: Principal, child: Child, setting: Setting, plan: AssessmentPlan,
                point: AssessmentPoint) -> ChildAssessment:  # fmt: skip
    chosen = framework(clean_framework(setting.framework))
    return ChildAssessment(principal.setting_id, point.point_id, child.child_id, chosen.framework_id.value,
                           chosen.version, plan.scale)  # fmt: skip


def _parent_may_read(plan: AssessmentPlan, record: ChildAssessment) -> bool:
    return plan.parents_see_final and record.status is RecordStatus.FINAL


def _for_parent(record: ChildAssessment) -> ChildAssessment:
    """The record without what staff write for staff: notes and the observations cited."""
    judgements = {a: replace(j, note="", evidence=()) for a, j in record.judgements.items()}
    return replace(record, judgements=judgements, updated_by="", approved_by="")


def _require_version(expected: str | None, etag: str | None) -> None:
    """The caller names the version they read: the ETag, or "new" (or nothing) for what was
    never stored; 428 when a stored one is edited without naming it, 412 when it is stale."""
    given = (expected or "").strip()
    if etag is None:
        if given and given != NEW:
            raise PreconditionFailed(STALE)
        return
    if not given:
        raise PreconditionRequired(NAME_VERSION, field="If-Match")
    if given != etag:
        raise PreconditionFailed(STALE)


def _save_plan(deps: Deps, principal: Principal, plan: AssessmentPlan) -> AssessmentPlan:
    plan = replace(plan, updated_by=principal.user_id, updated_at=deps.clock.now())
    try:
        return deps.assessments.save_plan(plan)
    except (ConcurrencyConflict, Conflict):  # saved by someone else since we read it
        raise PreconditionFailed(STALE) from None


def _save_record(deps: Deps, record: ChildAssessment, cleared: set[str] | tuple[()]) -> ChildAssessment:
    try:
        return deps.assessments.save_record(record, cleared)
    except (ConcurrencyConflict, Conflict):
        raise PreconditionFailed(STALE) from None
