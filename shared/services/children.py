"""Children as staff see them: listing, adding and editing (managers), with who-sees-what (S24)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shared.domain.access import require_manager, require_staff, staff_may_see_child
from shared.domain.children import (
    Child,
    ChildStatus,
    clean_date_of_birth,
    clean_first_name,
    clean_last_name,
    clean_photo_consent,
)
from shared.domain.errors import ConcurrencyConflict, InvalidInput, PreconditionFailed
from shared.domain.identifiers import is_id, new_child_id
from shared.domain.leaving import parents_may_read
from shared.domain.people import Principal, Role, Status
from shared.domain.versions import STALE, require_current
from shared.services import access, membership
from shared.services.deps import Deps


def list_children(deps: Deps, principal: Principal) -> Sequence[Child]:
    """Managers: every child, archived ones too. Practitioners: what the setting lets them see.
    Parents have their own route (GET /api/me/children)."""
    require_staff(principal)
    setting = membership.setting_of(deps, principal)
    return [c for c in deps.children.list(principal.setting_id) if staff_may_see_child(principal, c, setting)]


def get_child(deps: Deps, principal: Principal, child_id: object) -> Child:
    """One child a member of staff may see; any other id is not found (S24)."""
    require_staff(principal)
    return access.staff_visible_child(deps, principal, access.child_id(child_id))


def my_children(deps: Deps, principal: Principal) -> Sequence[Child]:
    """A parent's linked children, read from storage now (S24), with leavers inside the export
    window (their journal is still readable); staff get the active children they may see."""
    if principal.role.is_staff:
        return [c for c in list_children(deps, principal) if c.status is ChildStatus.ACTIVE]
    setting, now = membership.setting_of(deps, principal), deps.clock.now()
    found = (deps.children.get(principal.setting_id, link.child_id)
             for link in deps.links.children_of(principal.setting_id, principal.user_id))  # fmt: skip
    visible = [c for c in found if c is not None and parents_may_read(c, setting, now)]
    return sorted(visible, key=lambda c: (c.first_name.lower(), c.last_name.lower()))


@dataclass(frozen=True, repr=False)
class ChildDetails:
    """What a manager records about a child. In a change, None leaves a field as it is; an empty
    key person id means no key person."""

    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: str | None = None  # YYYY-MM-DD
    key_person_id: str | None = None
    photos_in_own_journal: bool | None = None
    photos_in_others_journals: bool | None = None


def add_child(deps: Deps, principal: Principal, details: ChildDetails) -> Child:
    """A new child on the register; every detail but the key person is required."""
    require_manager(principal)
    child = Child(
        setting_id=principal.setting_id,
        child_id=new_child_id(),
        first_name="",
        last_name="",
        date_of_birth=deps.clock.now().date(),
        key_person_id=None,
        photos_in_own_journal=False,
        photos_in_others_journals=False,
        status=ChildStatus.ACTIVE,
        created_at=deps.clock.now(),
    )
    _apply(deps, principal, child, details, complete=True)
    deps.children.add(child)
    deps.audit(principal.setting_id, principal.user_id, "child.add", child.child_id, "success")
    return deps.children.get(child.setting_id, child.child_id) or child


def update_child(
    deps: Deps, principal: Principal, child_id: object, changes: ChildDetails, expected_version: str | None
) -> Child:
    """Edit a child from the version the manager saw; a stale version is refused (412)."""
    require_manager(principal)
    child = get_child(deps, principal, child_id)
    child.etag = require_current(expected_version, child.etag)
    changed = _apply(deps, principal, child, changes)
    if changed:
        try:
            deps.children.save(child)
        except ConcurrencyConflict:  # changed between our read and our write
            raise PreconditionFailed(STALE) from None
        deps.audit(principal.setting_id, principal.user_id, "child.update", child.child_id, "success")
    return deps.children.get(child.setting_id, child.child_id) or child


def _apply(
    deps: Deps, principal: Principal, child: Child, details: ChildDetails, *, complete: bool = False
) -> bool:
    """Check every detail given (`complete`: every required one must be), then apply them; True
    when something changed."""
    updates: dict[str, object] = {}
    if complete or details.first_name is not None:
        updates["first_name"] = clean_first_name(details.first_name)
    if complete or details.last_name is not None:
        updates["last_name"] = clean_last_name(details.last_name)
    if complete or details.date_of_birth is not None:
        updates["date_of_birth"] = clean_date_of_birth(details.date_of_birth, today=deps.clock.now().date())
    if complete or details.photos_in_own_journal is not None:
        own = clean_photo_consent(details.photos_in_own_journal, others_journals=False)
        updates["photos_in_own_journal"] = own
    if complete or details.photos_in_others_journals is not None:
        others = clean_photo_consent(details.photos_in_others_journals, others_journals=True)
        updates["photos_in_others_journals"] = others
    if details.key_person_id is not None:
        updates["key_person_id"] = _key_person(deps, principal, details.key_person_id)
    changed = {a: v for a, v in updates.items() if getattr(child, a) != v}
    for attribute, value in changed.items():
        setattr(child, attribute, value)
    return bool(changed)


def _key_person(deps: Deps, principal: Principal, raw: str) -> str | None:
    """None, or the id of an active member of staff of the caller's own setting."""
    if raw == "":
        return None
    refused = InvalidInput("Choose an active member of staff as key person.", field="keyPersonId")
    if not is_id(raw):
        raise refused
    account = deps.accounts.get(principal.setting_id, str(raw))
    if (
        account is None
        or account.role not in (Role.MANAGER, Role.PRACTITIONER)
        or account.status is not Status.ACTIVE
    ):
        raise refused
    return account.user_id
