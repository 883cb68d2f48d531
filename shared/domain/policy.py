"""The setting's privacy and retention policy: which fields a manager may change, and their limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.domain.errors import InvalidInput
from shared.domain.people import Role
from shared.domain.settings import RETENTION_MAX_DAYS, RETENTION_MIN_DAYS, OtherChildren, Setting

EXPORT_WINDOW_DAYS = (1, 365)
RETENTION_DAYS = (RETENTION_MIN_DAYS, RETENTION_MAX_DAYS)
# An audit log is kept at least a year, so a complaint raised a year later can still be checked.
AUDIT_RETENTION_DAYS = (365, 3650)

_DAYS_FIELDS: dict[str, tuple[str, tuple[int, int], str]] = {
    "exportWindowDays": ("export_window_days", EXPORT_WINDOW_DAYS, "how many days an export link works"),
    "retentionDays": ("retention_days", RETENTION_DAYS, "how many days to keep archived children's records"),
    "deactivatedRetentionDays": (
        "deactivated_retention_days",
        RETENTION_DAYS,
        "how many days to keep a deactivated account",
    ),
    "auditRetentionDays": (
        "audit_retention_days",
        AUDIT_RETENTION_DAYS,
        "how many days to keep the audit log",
    ),
}
_FLAGS = {"approvalRequired": "approval_required", "keyChildrenOnly": "key_children_only"}
FIELDS = frozenset({"otherChildren", *_DAYS_FIELDS, *_FLAGS})


def apply_policy(setting: Setting, changes: Mapping[str, Any]) -> list[str]:
    """Apply a manager's policy changes to `setting`; returns the names of the fields that changed.

    Every field is checked before any is applied, so a refused request changes nothing.
    """
    unknown = sorted(set(changes) - FIELDS)
    if unknown:
        raise InvalidInput(f"{unknown[0]} is not a policy setting that can be changed.", field=unknown[0])
    updates: dict[str, object] = {}
    if "otherChildren" in changes:
        try:
            updates["other_children"] = OtherChildren(changes["otherChildren"])
        except ValueError:
            raise InvalidInput(
                "Choose how other children appear to parents: names, initials or hidden.",
                field="otherChildren",
            ) from None
    for name, attribute in _FLAGS.items():
        if name in changes:
            if not isinstance(changes[name], bool):
                raise InvalidInput(f"{name} must be true or false.", field=name)
            updates[attribute] = changes[name]
    for name, (attribute, (low, high), meaning) in _DAYS_FIELDS.items():
        if name in changes:
            value = changes[name]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise InvalidInput(f"Choose {meaning}: a whole number from {low} to {high}.", field=name)
            updates[attribute] = value
    changed = [a for a, v in updates.items() if getattr(setting, a) != v]
    for attribute in changed:
        setattr(setting, attribute, updates[attribute])
    return changed


# What each role reads of the policy: parents only what shapes what they see; staff what shapes
# their work; managers everything (S24: least information).
_VISIBLE: dict[Role, frozenset[str]] = {
    Role.PARENT: frozenset({"otherChildren"}),
    Role.PRACTITIONER: frozenset({"otherChildren", "approvalRequired", "keyChildrenOnly"}),
    Role.MANAGER: FIELDS,
}


def visible_policy(setting: Setting, role: Role) -> dict[str, object]:
    """The policy fields someone in `role` may read, by their API names."""
    every: dict[str, object] = {
        "otherChildren": setting.other_children.value,
        "approvalRequired": setting.approval_required,
        "keyChildrenOnly": setting.key_children_only,
        **{name: getattr(setting, attribute) for name, (attribute, _, _) in _DAYS_FIELDS.items()},
    }
    return {name: value for name, value in every.items() if name in _VISIBLE[role]}
