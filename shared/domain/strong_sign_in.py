"""S34: who must use strong sign-in, and by when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.factors import Factors
from shared.domain.people import Role
from shared.domain.settings import Setting


@dataclass(frozen=True, repr=False)
class EnrolmentDue:
    """The account must add a strong factor by `enrol_by`; `overdue` once that has passed."""

    enrol_by: datetime
    overdue: bool


def required_of(setting: Setting, role: Role) -> bool:
    """Whether the setting requires strong sign-in of this role (parents may opt in, never must)."""
    if role is Role.MANAGER:
        return setting.strong_sign_in_managers or setting.strong_sign_in_staff
    return role.is_staff and setting.strong_sign_in_staff


def enrolment_due(setting: Setting, role: Role, factors: Factors, now: datetime) -> EnrolmentDue | None:
    """None when nothing is asked of the account; otherwise its deadline, counted from the first
    sign-in that asked (so a shortened grace applies at once to everyone already asked)."""
    if factors.strong or not required_of(setting, role):
        return None
    asked = factors.enrol_asked_at or now
    enrol_by = asked + timedelta(days=setting.strong_sign_in_grace_days)
    return EnrolmentDue(enrol_by, overdue=now >= enrol_by)
