"""Children as staff see them: listing, adding and editing (managers), with who-sees-what (S24)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.domain.access import require_manager, require_staff, staff_may_see_child
from shared.domain.children import Child, ChildStatus, clean_child_name, clean_date_of_birth
from shared.domain.errors import ConcurrencyConflict, InvalidInput, NotFound, PreconditionFailed
from shared.domain.identifiers import clean_id, is_id, new_child_id
from shared.domain.leaving import parents_may_read
from shared.domain.people import Principal, Role, Status
from shared.domain.versions import STALE, require_current
from shared.services import membership
from shared.services.deps import Deps

CHILD = "That child"
FIELDS = frozenset(
    {"firstName", "lastName", "dateOfBirth", "keyPersonId", "photosInOwnJournal", "photosInOthersJournals"}
)


def list_children(deps: Deps, principal: Principal) -> Sequence[Child]:
    """Managers: every child, archived ones too. Practitioners: what the setting lets them see.
    Parents have their own route (GET /api/me/children)."""
    require_staff(principal)
    setting = membership.setting_of(deps, principal)
    return [c for c in deps.children.list(principal.setting_id) if staff_may_see_child(principal, c, setting)]


def get_child(deps: Deps, principal: Principal, child_id: object) -> Child:
    """One child a member of staff may see; any other id is not found (S24)."""
    require_staff(principal)
    child = deps.children.get(principal.setting_id, clean_id(child_id, what=CHILD))
    if child is None or not staff_may_see_child(principal, child, membership.setting_of(deps, principal)):
        raise NotFound(f"{CHILD} was not found.")
    return child


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


def add_child(deps: Deps, principal: Principal, fields: Mapping[str, Any]) -> Child:
    require_manager(principal)
    for required in ("firstName", "lastName", "dateOfBirth", "photosInOwnJournal", "photosInOthersJournals"):
        if required not in fields:
            raise InvalidInput(f"{required} is required.", field=required)
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
    _apply(deps, principal, child, fields)
    deps.children.add(child)
    deps.audit(principal.setting_id, principal.user_id, "child.add", child.child_id, "success")
    return deps.children.get(child.setting_id, child.child_id) or child


def update_child(
    deps: Deps, principal: Principal, child_id: object, fields: Mapping[str, Any], if_match: str | None
) -> Child:
    """Edit a child from the version the manager saw (If-Match); a stale version is refused (412)."""
    require_manager(principal)
    child = get_child(deps, principal, child_id)
    child.etag = require_current(if_match, child.etag)
    changed = _apply(deps, principal, child, fields)
    if changed:
        try:
            deps.children.save(child)
        except ConcurrencyConflict:  # changed between our read and our write
            raise PreconditionFailed(STALE) from None
        deps.audit(principal.setting_id, principal.user_id, "child.update", child.child_id, "success")
    return deps.children.get(child.setting_id, child.child_id) or child


def _apply(deps: Deps, principal: Principal, child: Child, fields: Mapping[str, Any]) -> bool:
    """Check every field given, then apply them; True when something changed."""
    unknown = sorted(set(fields) - FIELDS)
    if unknown:
        raise InvalidInput(f"{unknown[0]} is not a field of a child.", field=unknown[0])
    updates: dict[str, object] = {}
    if "firstName" in fields:
        updates["first_name"] = clean_child_name(fields["firstName"], "firstName")
    if "lastName" in fields:
        updates["last_name"] = clean_child_name(fields["lastName"], "lastName")
    if "dateOfBirth" in fields:
        updates["date_of_birth"] = clean_date_of_birth(fields["dateOfBirth"], today=deps.clock.now().date())
    for name, attribute in (("photosInOwnJournal", "photos_in_own_journal"),
                            ("photosInOthersJournals", "photos_in_others_journals")):  # fmt: skip
        if name in fields:
            if not isinstance(fields[name], bool):
                raise InvalidInput(f"Record the photo consent {name} as true or false.", field=name)
            updates[attribute] = fields[name]
    if "keyPersonId" in fields:
        updates["key_person_id"] = _key_person(deps, principal, fields["keyPersonId"])
    changed = {a: v for a, v in updates.items() if getattr(child, a) != v}
    for attribute, value in changed.items():
        setattr(child, attribute, value)
    return bool(changed)


def _key_person(deps: Deps, principal: Principal, raw: object) -> str | None:
    """None, or the id of an active member of staff of the caller's own setting."""
    if raw is None or raw == "":
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
