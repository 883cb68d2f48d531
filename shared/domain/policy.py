"""The setting's privacy and retention policy: which fields a manager may change, and their limits."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.errors import InvalidInput
from shared.domain.frameworks import clean_framework
from shared.domain.people import Role
from shared.domain.settings import RETENTION_MAX_DAYS, RETENTION_MIN_DAYS, OtherChildren, Setting

EXPORT_WINDOW_DAYS = (1, 365)
RETENTION_DAYS = (RETENTION_MIN_DAYS, RETENTION_MAX_DAYS)
# An audit log is kept at least a year, so a complaint raised a year later can still be checked.
AUDIT_RETENTION_DAYS = (365, 3650)
# S34: the grace can be shortened (0: enrol before the first session), never lengthened past 7 days.
STRONG_SIGN_IN_GRACE_DAYS = (0, 7)

_DAYS_FIELDS: dict[str, tuple[tuple[int, int], str]] = {
    "export_window_days": (EXPORT_WINDOW_DAYS, "how many days an export link works"),
    "retention_days": (RETENTION_DAYS, "how many days to keep archived children's records"),
    "deactivated_retention_days": (RETENTION_DAYS, "how many days to keep a deactivated account"),
    "audit_retention_days": (AUDIT_RETENTION_DAYS, "how many days to keep the audit log"),
    "strong_sign_in_grace_days": (
        STRONG_SIGN_IN_GRACE_DAYS,
        "how many days staff have to set up strong sign-in",
    ),
}
_FLAGS = ("approval_required", "key_children_only", "strong_sign_in_managers", "strong_sign_in_staff")


@dataclass(frozen=True, repr=False)
class PolicyChange:
    """A manager's change to the setting's policy; a field left None stays as it is."""

    other_children: str | None = None
    approval_required: bool | None = None
    key_children_only: bool | None = None
    export_window_days: int | None = None
    retention_days: int | None = None
    deactivated_retention_days: int | None = None
    audit_retention_days: int | None = None
    framework: str | None = None
    strong_sign_in_managers: bool | None = None
    strong_sign_in_staff: bool | None = None
    strong_sign_in_grace_days: int | None = None


def apply_policy(setting: Setting, change: PolicyChange) -> list[str]:
    """Apply a manager's policy change to `setting`; returns the names of the fields that changed.

    Every field is checked before any is applied, so a refused request changes nothing.
    """
    updates: dict[str, object] = {}
    if change.other_children is not None:
        try:
            updates["other_children"] = OtherChildren(change.other_children)
        except ValueError:
            raise InvalidInput(
                "Choose how other children appear to parents: initials or hidden.",
                field="other_children",
            ) from None
    if change.framework is not None:
        updates["framework"] = clean_framework(change.framework).value
    for name in _FLAGS:
        if (flag := getattr(change, name)) is not None:
            updates[name] = flag
    for name, ((low, high), meaning) in _DAYS_FIELDS.items():
        value = getattr(change, name)
        if value is not None:
            if not low <= value <= high:
                raise InvalidInput(f"Choose {meaning}: a whole number from {low} to {high}.", field=name)
            updates[name] = value
    changed = [a for a, v in updates.items() if getattr(setting, a) != v]
    for attribute in changed:
        setattr(setting, attribute, updates[attribute])
    return changed


# What each role reads of the policy: parents only what shapes what they see; staff what shapes
# their work; managers everything (S24: least information).
_VISIBLE: dict[Role, tuple[str, ...]] = {
    Role.PARENT: ("other_children",),
    Role.PRACTITIONER: ("other_children", "approval_required", "key_children_only", "framework"),
    Role.MANAGER: ("other_children", *_FLAGS, *_DAYS_FIELDS, "framework"),
}


def visible_policy(setting: Setting, role: Role) -> dict[str, object]:
    """The policy fields someone in `role` may read, by field name."""
    return {
        name: setting.other_children.value if name == "other_children" else getattr(setting, name)
        for name in _VISIBLE[role]
    }
