"""The tracker's facts about a child (date started, EAL, SEND support, EYPP, funded two-year-old
and, only where the setting records it, sex): staff read them, managers change them, parents never
reach them (no parent route, view or export includes them), and the purge deletes them."""

from __future__ import annotations

from dataclasses import replace

from shared.domain.access import require_manager, require_staff
from shared.domain.child_details import (
    NOT_YET_RECORDED,
    DetailsChange,
    TrackerDetails,
    TrackerPolicy,
    apply_change,
    shown,
)
from shared.domain.children import Child
from shared.domain.errors import ConcurrencyConflict, Conflict, PreconditionFailed
from shared.domain.people import Principal
from shared.domain.versions import STALE, require_current
from shared.services import access
from shared.services.deps import Deps


def read_details(deps: Deps, principal: Principal, child_id: object) -> tuple[TrackerDetails, TrackerPolicy]:
    """The child's details for staff who may see the child; nothing recorded reads as the defaults."""
    require_staff(principal)
    child = access.staff_visible_child(deps, principal, access.child_id(child_id))
    policy = deps.child_details.policy(child.setting_id)
    stored = deps.child_details.get(child.setting_id, child.child_id)
    return shown(stored or TrackerDetails(child.setting_id, child.child_id), policy), policy


def version_of(details: TrackerDetails) -> str:
    return details.etag or NOT_YET_RECORDED


def update_details(
    deps: Deps, principal: Principal, child_id: object, change: DetailsChange, expected: str | None
) -> TrackerDetails:
    """Change a child's details from the version the manager saw (412 when stale)."""
    require_manager(principal)
    child = access.setting_child(deps, principal, child_id)
    policy = deps.child_details.policy(child.setting_id)
    stored = deps.child_details.get(child.setting_id, child.child_id)
    current = stored or TrackerDetails(child.setting_id, child.child_id)
    require_current(expected, version_of(current))
    changed = apply_change(current, change, policy, today=deps.clock.now().date(), born=child.date_of_birth)
    if changed == current:
        return shown(current, policy)
    try:
        saved = deps.child_details.save(changed)
    except (ConcurrencyConflict, Conflict):
        raise PreconditionFailed(STALE) from None
    deps.audit(principal.setting_id, principal.user_id, "child.details", child.child_id, "success")
    return shown(saved, policy)


def read_policy(deps: Deps, principal: Principal) -> TrackerPolicy:
    require_staff(principal)
    return deps.child_details.policy(principal.setting_id)


def update_policy(deps: Deps, principal: Principal, record_sex: bool, expected: str | None) -> TrackerPolicy:
    """Choose whether the setting records children's sex; choosing not to forgets what was recorded."""
    require_manager(principal)
    current = deps.child_details.policy(principal.setting_id)
    require_current(expected, current.etag or NOT_YET_RECORDED)
    if current.record_sex == record_sex:
        return current
    try:
        saved = deps.child_details.save_policy(replace(current, record_sex=record_sex))
    except (ConcurrencyConflict, Conflict):
        raise PreconditionFailed(STALE) from None
    forgotten = 0 if record_sex else _forget_sex(deps, principal.setting_id)
    deps.audit(principal.setting_id, principal.user_id, "tracker.policy", principal.setting_id, "success",
               f"recordSex={str(record_sex).lower()} forgotten={forgotten}")  # fmt: skip
    return saved


def _forget_sex(deps: Deps, setting_id: str) -> int:
    """Clear the sex recorded on every child, rereading a row that changed meanwhile."""
    forgotten = 0
    for details in deps.child_details.of_setting(setting_id):
        while details.sex is not None:
            try:
                deps.child_details.save(replace(details, sex=None))
                forgotten += 1
                break
            except ConcurrencyConflict:
                again = deps.child_details.get(setting_id, details.child_id)
                if again is None:
                    break
                details = again
    return forgotten


def exported(deps: Deps, child: Child) -> dict[str, object]:
    """What a staff export of the child carries for the tracker: the details and the rooms."""
    policy = deps.child_details.policy(child.setting_id)
    details = shown(deps.child_details.get(child.setting_id, child.child_id)
                    or TrackerDetails(child.setting_id, child.child_id), policy)  # fmt: skip
    names = {r.room_id: r.name for r in deps.rooms.list(child.setting_id)}
    view: dict[str, object] = {
        "dateOfBirth": child.date_of_birth.isoformat(),
        "dateStarted": details.date_started.isoformat() if details.date_started else None,
        "eal": details.eal,
        "sendSupport": details.send_support,
        "eypp": details.eypp,
        "fundedTwo": details.funded_two,
        "rooms": [{"room": names.get(s.room_id, ""), "from": s.since.isoformat(),
                   "to": s.until.isoformat() if s.until else None}
                  for s in deps.rooms.stays(child.setting_id, child.child_id)],
    }  # fmt: skip
    if policy.record_sex:
        view["sex"] = details.sex.value if details.sex else None
    return view


def forget_child(deps: Deps, setting_id: str, child_id: str) -> int:
    """Delete a leaver's details (the purge calls this)."""
    return deps.child_details.erase(setting_id, child_id)
