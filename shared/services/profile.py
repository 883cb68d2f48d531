"""The EYFS profile for reception children: staff record "expected" or "emerging" for each of the
17 ELGs, a manager finalises it and may share it with the child's parents, and the setting
exports every child's results as CSV for the school's MIS.

Who may read a child's profile is decided by services/access.py (`profile_child`); a parent
reads it only once it is final and shared, and otherwise gets the same 404 as for a child that
is not theirs (S24). Every change, finalisation, share and export is audited (S29).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from shared.domain.access import NO_SUCH_CHILD, require_manager, require_staff
from shared.domain.errors import ConcurrencyConflict, Conflict, InvalidInput, NotFound, PreconditionFailed
from shared.domain.people import Principal, Role
from shared.domain.profile import Profile, ProfileStatus, apply_judgements, clean_comment, clean_judgements
from shared.domain.profile_csv import ProfileRow, render_csv
from shared.domain.versions import STALE, require_current
from shared.services import access
from shared.services.deps import Deps

NO_PROFILE = "This child has no EYFS profile yet."
INCOMPLETE = "Judge all 17 early learning goals before finalising the profile."
FINAL_FOR_MANAGERS = "This profile is final: only a manager can change it."
SHARE_FINAL_ONLY = "Only a final profile can be shared with parents."


@dataclass(frozen=True, repr=False)
class ProfileChange:
    """What staff send: judgements by ELG id (null clears one) and the CoEL commentary."""

    judgements: object = None
    comment: object = None


def read_profile(deps: Deps, principal: Principal, child_id: object) -> Profile:
    """The child's profile; staff see drafts (an empty draft when none is recorded yet), a parent
    only a final profile a manager shared (404 otherwise, as for any child not theirs)."""
    child = access.profile_child(deps, principal, child_id)
    found = deps.profiles.get(principal.setting_id, child.child_id)
    if principal.role is Role.PARENT:
        if found is None or found.status is not ProfileStatus.FINAL or not found.shared_with_parents:
            raise NotFound(NO_SUCH_CHILD)
        return found
    return found or Profile(principal.setting_id, child.child_id)


def record_profile(
    deps: Deps, principal: Principal, child_id: object, change: ProfileChange, expected_version: str | None
) -> Profile:
    """Record judgements and commentary from the version the caller read (none for a new one).

    A final profile changes only by a manager's hand, and goes back to draft: it must be
    finalised again, so a changed judgement is never reported as checked.
    """
    require_staff(principal)
    child = access.profile_child(deps, principal, child_id)
    judgements = clean_judgements(change.judgements) if change.judgements is not None else {}
    comment = clean_comment(change.comment) if change.comment is not None else None
    current = deps.profiles.get(principal.setting_id, child.child_id)
    if current is None:
        if expected_version:
            raise PreconditionFailed(STALE)
        profile = Profile(principal.setting_id, child.child_id)
    else:
        current.etag = require_current(expected_version, current.etag)
        if current.status is ProfileStatus.FINAL and principal.role is not Role.MANAGER:
            raise Conflict(FINAL_FOR_MANAGERS)
        profile = replace(current, judgements=dict(current.judgements))
    apply_judgements(profile, judgements)
    if comment is not None:
        profile.comment = comment
    profile.status = ProfileStatus.DRAFT
    profile.shared_with_parents = False
    profile.updated_by, profile.updated_at = principal.user_id, deps.clock.now()
    saved = _save(deps, profile)
    detail = f"elgs={len(judgements)}" + (" comment" if comment is not None else "")
    deps.audit(principal.setting_id, principal.user_id, "profile.record", child.child_id, "success", detail)
    return saved


def finalise_profile(
    deps: Deps, principal: Principal, child_id: object, expected_version: str | None
) -> Profile:
    """A manager finalises a complete profile (all 17 ELGs judged)."""
    require_manager(principal)
    profile = _stored(deps, principal, child_id)
    profile.etag = require_current(expected_version, profile.etag)
    if not profile.complete:
        raise Conflict(INCOMPLETE)
    profile.status = ProfileStatus.FINAL
    profile.finalised_by, profile.finalised_at = principal.user_id, deps.clock.now()
    saved = _save(deps, profile)
    deps.audit(principal.setting_id, principal.user_id, "profile.finalise", profile.child_id, "success")
    return saved


def share_profile(
    deps: Deps, principal: Principal, child_id: object, shared: object, expected_version: str | None
) -> Profile:
    """A manager shares a final profile with the child's parents, or stops sharing it."""
    require_manager(principal)
    if not isinstance(shared, bool):
        raise InvalidInput("Send shared as true or false.", field="shared")
    profile = _stored(deps, principal, child_id)
    profile.etag = require_current(expected_version, profile.etag)
    if shared and profile.status is not ProfileStatus.FINAL:
        raise Conflict(SHARE_FINAL_ONLY)
    profile.shared_with_parents = shared
    saved = _save(deps, profile)
    action = "profile.share" if shared else "profile.unshare"
    deps.audit(principal.setting_id, principal.user_id, action, profile.child_id, "success")
    return saved


def export_profiles_csv(deps: Deps, principal: Principal) -> str:
    """Every profile of the setting as the MIS CSV (managers: results leave the setting). Two
    queries: the setting's profiles and its children, one partition each. Audited as an export."""
    require_manager(principal)
    profiles = deps.profiles.list(principal.setting_id)
    children = {c.child_id: c for c in deps.children.list(principal.setting_id)}
    rows = [
        ProfileRow(c.first_name, c.last_name, c.date_of_birth, p)
        for p in profiles
        if (c := children.get(p.child_id)) is not None
    ]
    deps.audit(
        principal.setting_id, principal.user_id, "profile.export", "csv", "success", f"children={len(rows)}"
    )
    return render_csv(rows)


def profile_for_export(deps: Deps, principal: Principal, child_id: str) -> Profile | None:
    """The profile a journal export of this child includes for this reader: what `read_profile`
    shows them (a parent: only a final, shared one), or None when there is nothing to show."""
    try:
        found = read_profile(deps, principal, child_id)
    except NotFound:
        return None
    return found if found.judgements or found.comment else None


def _stored(deps: Deps, principal: Principal, child_id: object) -> Profile:
    child = access.profile_child(deps, principal, child_id)
    found = deps.profiles.get(principal.setting_id, child.child_id)
    if found is None:
        raise NotFound(NO_PROFILE)
    return found


def _save(deps: Deps, profile: Profile) -> Profile:
    try:
        return deps.profiles.save(profile)
    except (ConcurrencyConflict, Conflict):  # written by someone else since we read it
        raise PreconditionFailed(STALE) from None
