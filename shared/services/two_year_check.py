"""The progress check at age two: the key person writes a summary of the three prime areas, a
manager finalises it and shares it with the child's parents, who read it, download it as a PDF
and add their comments; the tracker shows who is due, overdue and done.

Who may reach a child's check is decided by services/access.py (`profile_child`: staff who may
see the child, key-children-only included, or a parent linked to them now). A parent reads only a
final check a manager shared, and otherwise gets the same 404 as for a child that is not theirs
(S24); they see their own comment only. Every change, finalisation, share, comment and PDF
download is audited (S29). Sharing records a PROGRESS notification event, which never fails it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from shared.domain.access import NO_SUCH_CHILD, require_manager, require_staff, staff_may_see_child
from shared.domain.children import ChildStatus
from shared.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from shared.domain.people import Principal, Role
from shared.domain.rooms import NO_SUCH_ROOM
from shared.domain.two_year_check import (
    HEALTH_VISITOR,
    AreaSummary,
    CheckStatus,
    ParentComment,
    Standing,
    TwoYearCheck,
    add_months,
    clean_areas,
    clean_comment,
    clean_text,
    months_old,
    prime_areas,
    setting_today,
    standing,
)
from shared.domain.versions import STALE
from shared.media.two_year_check_pdf import CheckComment, CheckRecord, render_pdf
from shared.services import access, notifications, rooms
from shared.services.deps import Deps

NO_CHECK = "This child has no progress check at age two yet."
FINAL_FOR_MANAGERS = "This check is final: only a manager can change it."
SHARE_FINAL_ONLY = "Only a final check can be shared with parents."
PARENTS_ONLY = "Only the child's parents add comments to the check."
NAME_VERSION = "Send the If-Match header with the ETag you read."


@dataclass(frozen=True, repr=False)
class TrackerRow:
    child_id: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    months: int | None
    standing: Standing
    room_id: str | None
    check_status: CheckStatus | None
    shared: bool
    due_from: date | None
    overdue_from: date | None


def read_check(deps: Deps, principal: Principal, child_id: object) -> TwoYearCheck:
    """The child's check; staff see drafts (an empty draft when none is written yet), a parent
    only a final check a manager shared, with only their own comment (404 otherwise)."""
    child = access.profile_child(deps, principal, child_id)
    found = deps.two_year_checks.get(principal.setting_id, child.child_id)
    if principal.role is Role.PARENT:
        return _for_parent(principal, found)
    return found or TwoYearCheck(principal.setting_id, child.child_id)


def record_check(
    deps: Deps, principal: Principal, child_id: object, areas: object, plans: object, expected: str | None
) -> TwoYearCheck:
    """Write the summary from the version the caller read (none for a new one; 428 otherwise).

    A final check changes only by a manager's hand and goes back to draft, unshared: it must be
    finalised and shared again, so parents never read a changed summary nobody checked."""
    require_staff(principal)
    child = access.profile_child(deps, principal, child_id)
    clean_areas(areas, {})  # bad input is a 400 before any version is looked at
    new_plans = clean_text(plans, "plans") if plans is not None else None
    current = deps.two_year_checks.get(principal.setting_id, child.child_id)
    if current is None:
        if expected:
            raise PreconditionFailed(STALE)
        current = TwoYearCheck(principal.setting_id, child.child_id)
    else:
        _require_version(expected, current)
        if current.status is CheckStatus.FINAL and principal.role is not Role.MANAGER:
            raise Conflict(FINAL_FOR_MANAGERS)
    check = replace(current, areas=clean_areas(areas, current.areas),
                    plans=current.plans if new_plans is None else new_plans)  # fmt: skip
    check.status, check.shared_with_parents = CheckStatus.DRAFT, False
    check.updated_by, check.updated_at = principal.user_id, deps.clock.now()
    saved = _save(deps, check)
    deps.audit(principal.setting_id, principal.user_id, "twoyearcheck.record", child.child_id, "success")
    return saved


def finalise_check(deps: Deps, principal: Principal, child_id: object, expected: str | None) -> TwoYearCheck:
    """A manager finalises a complete check: strengths in every prime area, and the setting's
    plans wherever progress is less than expected. The check is then completed for the tracker."""
    require_manager(principal)
    check = _stored(deps, principal, child_id)
    _require_version(expected, check)
    missing = check.missing()
    if missing:
        raise Conflict(missing)
    check.status = CheckStatus.FINAL
    check.finalised_by, check.finalised_at = principal.user_id, deps.clock.now()
    saved = _save(deps, check)
    deps.audit(principal.setting_id, principal.user_id, "twoyearcheck.finalise", check.child_id, "success")
    return saved


def share_check(
    deps: Deps, principal: Principal, child_id: object, shared: object, expected: str | None
) -> TwoYearCheck:
    """A manager shares a final check with the child's parents (they hear of it), or stops."""
    require_manager(principal)
    if not isinstance(shared, bool):
        raise InvalidInput("Send shared as true or false.", field="shared")
    check = _stored(deps, principal, child_id)
    _require_version(expected, check)
    if shared and check.status is not CheckStatus.FINAL:
        raise Conflict(SHARE_FINAL_ONLY)
    newly = shared and not check.shared_with_parents
    check.shared_with_parents = shared
    if newly:
        check.shared_at = deps.clock.now()
    saved = _save(deps, check)
    action = "twoyearcheck.share" if shared else "twoyearcheck.unshare"
    deps.audit(principal.setting_id, principal.user_id, action, check.child_id, "success")
    if newly:
        notifications.progress_shared(deps, principal.user_id, principal.setting_id, check.child_id,
                                      f"two-year-check~{check.child_id}")  # fmt: skip
    return saved


def comment_on_check(
    deps: Deps, principal: Principal, child_id: object, text: object, expected: str | None
) -> TwoYearCheck:
    """A parent writes (or rewrites) their comment on the shared check, from the version they read."""
    if principal.role is not Role.PARENT:
        raise Forbidden(PARENTS_ONLY)
    child = access.profile_child(deps, principal, child_id)
    comment = clean_comment(text)
    stored = deps.two_year_checks.get(principal.setting_id, child.child_id)
    check = _for_parent(principal, stored)  # 404 unless shared with this parent
    _require_version(expected, check)
    assert stored is not None
    stored.parent_comments[principal.user_id] = ParentComment(comment, deps.clock.now())
    saved = _save(deps, stored)
    deps.audit(principal.setting_id, principal.user_id, "twoyearcheck.comment", check.child_id, "success")
    return _for_parent(principal, saved)


def check_pdf(deps: Deps, principal: Principal, child_id: object) -> bytes:
    """The check as a PDF, as this reader may see it (staff: any state, a draft marked as one; a
    parent: once shared, with their own comment). Audited: the summary leaves the app."""
    child = access.profile_child(deps, principal, child_id)
    check = read_check(deps, principal, child.child_id)
    setting = deps.settings.get(principal.setting_id)
    record = check_record(deps, principal, check, child.full_name, setting.name if setting else "",
                          child.date_of_birth)  # fmt: skip
    deps.audit(principal.setting_id, principal.user_id, "twoyearcheck.pdf", child.child_id, "success")
    return render_pdf(record, generated_at=deps.clock.now())


def check_record(deps: Deps, principal: Principal, check: TwoYearCheck, child_name: str, setting_name: str,
                 born: date | None) -> CheckRecord:  # fmt: skip
    """The check as the PDF and the journal export draw it."""
    names = commenters(deps, check) if principal.role.is_staff else {principal.user_id: "You"}
    summaries = [(name, check.areas.get(area_id, AreaSummary())) for area_id, name in prime_areas()]
    areas = [(name, s.strengths, s.less_than_expected) for name, s in summaries]
    comments = [CheckComment(names.get(k, "A parent"), c.text, c.at)
                for k, c in sorted(check.parent_comments.items(), key=lambda kv: kv[1].at)]  # fmt: skip
    return CheckRecord(child_name, setting_name, born, check.status.value, areas, check.plans, comments,
                       HEALTH_VISITOR, check.finalised_at)  # fmt: skip


def check_for_export(deps: Deps, principal: Principal, child_id: str) -> TwoYearCheck | None:
    """The check a journal export of this child includes for this reader: what `read_check`
    shows them, or None when there is nothing written."""
    try:
        found = read_check(deps, principal, child_id)
    except NotFound:
        return None
    return found if found.etag else None


def commenters(deps: Deps, check: TwoYearCheck) -> dict[str, str]:
    """Parent id -> name, for staff reading the parents' comments (a point read each)."""
    named = {}
    for parent_id in check.parent_comments:
        account = deps.accounts.get(check.setting_id, parent_id)
        named[parent_id] = account.name if account else "A parent"
    return named


def tracker(deps: Deps, principal: Principal, room: object = None) -> Sequence[TrackerRow]:
    """Every active child the caller may see (in one room when asked), with where they stand:
    three queries (the children, the checks and the placements, one partition or range each)."""
    require_staff(principal)
    setting = deps.settings.get(principal.setting_id)
    if setting is None:
        raise NotFound(NO_SUCH_CHILD)
    placed = rooms.room_of_each(deps, principal)
    wanted = rooms.room_id(room) if room else None
    if wanted is not None and deps.rooms.get(principal.setting_id, wanted) is None:
        raise NotFound(NO_SUCH_ROOM)
    checks = {c.child_id: c for c in deps.two_year_checks.list(principal.setting_id)}
    today = setting_today(deps.clock.now(), setting.time_zone)
    rows = []
    for child in deps.children.list(principal.setting_id):
        if child.status is not ChildStatus.ACTIVE or not staff_may_see_child(principal, child, setting):
            continue
        if wanted is not None and placed.get(child.child_id) != wanted:
            continue
        born: date | None = child.date_of_birth
        check = checks.get(child.child_id)
        rows.append(TrackerRow(
            child.child_id, child.first_name, child.last_name, born,
            months_old(born, today) if born else None, standing(born, today, check),
            placed.get(child.child_id), check.status if check else None,
            bool(check and check.shared_with_parents),
            add_months(born, 24) if born else None, add_months(born, 36) if born else None,
        ))  # fmt: skip
    return sorted(rows, key=lambda r: (r.first_name.lower(), r.last_name.lower(), r.child_id))


def forget_child(deps: Deps, setting_id: str, child_id: str) -> int:
    """Delete a leaver's check (the purge calls this): how many rows went."""
    if deps.two_year_checks.get(setting_id, child_id) is None:
        return 0
    deps.two_year_checks.remove(setting_id, child_id)
    return 1


def _for_parent(principal: Principal, found: TwoYearCheck | None) -> TwoYearCheck:
    if found is None or found.status is not CheckStatus.FINAL or not found.shared_with_parents:
        raise NotFound(NO_SUCH_CHILD)
    own = {k: v for k, v in found.parent_comments.items() if k == principal.user_id}
    return replace(found, parent_comments=own)


def _require_version(expected: str | None, check: TwoYearCheck) -> None:
    if not expected:
        raise PreconditionRequired(NAME_VERSION, field="If-Match")
    if expected.strip() != check.etag:
        raise PreconditionFailed(STALE)


def _stored(deps: Deps, principal: Principal, child_id: object) -> TwoYearCheck:
    child = access.profile_child(deps, principal, child_id)
    found = deps.two_year_checks.get(principal.setting_id, child.child_id)
    if found is None:
        raise NotFound(NO_CHECK)
    return found


def _save(deps: Deps, check: TwoYearCheck) -> TwoYearCheck:
    try:
        return deps.two_year_checks.save(check)
    except (ConcurrencyConflict, Conflict):  # written by someone else since we read it
        raise PreconditionFailed(STALE) from None
