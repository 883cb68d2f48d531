"""A setting is one nursery or school: the tenant, and the data controller for its families."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.domain.errors import InvalidInput

# The setting id is its slug: short, lower-case and safe in table keys and URLs. It never changes,
# so it can start every key of the setting's data (S23).
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")
_DOMAIN = re.compile(r"^(?=.{3,253}$)[a-z0-9-]+(\.[a-z0-9-]+)+$")
RETENTION_MIN_DAYS = 30
RETENTION_MAX_DAYS = 3650


class OtherChildren(StrEnum):
    """How other children in a group observation appear to a parent: never by name (S37)."""

    INITIALS = "initials"
    HIDDEN = "hidden"  # shown as "a friend"

    @classmethod
    def stored(cls, value: object) -> OtherChildren:
        """The policy a stored value stands for. A setting saved under the retired "names" option
        (other children's first names, which S37 forbids) reads as the nearest compliant one,
        initials; anything unreadable as the strictest, hidden."""
        if value == "names":
            return cls.INITIALS
        try:
            return cls(str(value))
        except ValueError:
            return cls.HIDDEN


@dataclass(repr=False)
class Setting:
    setting_id: str
    name: str
    email_domain: str | None
    retention_days: int  # how long archived children's records are kept
    created_at: datetime
    other_children: OtherChildren = OtherChildren.INITIALS
    approval_required: bool = True  # a manager publishes before parents see an observation
    key_children_only: bool = False  # practitioners see only the children they are key person for
    export_window_days: int = 30
    deactivated_retention_days: int = 365
    audit_retention_days: int = 730
    time_zone: str = "Europe/London"  # an IANA zone: digests leave at 18:00 there
    # The guidance framework staff link observations to (Development Matters unless a manager
    # chooses Birth to 5 Matters); a FrameworkId value, domain/frameworks.py.
    framework: str = "development-matters"
    # S34: strong sign-in required of managers (default) and optionally all staff, with a grace
    # from the first sign-in that asks; the setting may shorten it.
    strong_sign_in_managers: bool = True
    strong_sign_in_staff: bool = False
    strong_sign_in_grace_days: int = 7
    etag: str | None = None


def clean_slug(raw: object) -> str:
    if not isinstance(raw, str) or not _SLUG.fullmatch(raw):
        raise InvalidInput(
            "The setting's short name must be 3 to 40 lower-case letters, digits or hyphens, "
            "starting and ending with a letter or digit (like 'sunflower-nursery').",
            field="slug",
        )
    return raw


def clean_setting_ref(raw: object) -> str:
    """A setting named by a user at sign-in: the same rule as a slug, but case-insensitive."""
    if isinstance(raw, str):
        raw = raw.strip().lower()
    try:
        return clean_slug(raw)
    except InvalidInput:
        raise InvalidInput(
            "Enter your setting's short name, as in your invitation.", field="setting"
        ) from None


def clean_email_domain(raw: object) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not _DOMAIN.fullmatch(raw.strip().lower()):
        raise InvalidInput("Enter a domain like sunflower.example, or leave it empty.", field="email_domain")
    return raw.strip().lower()


def clean_retention_days(raw: object) -> int:
    if (
        not isinstance(raw, int)
        or isinstance(raw, bool)
        or not (RETENTION_MIN_DAYS <= raw <= RETENTION_MAX_DAYS)
    ):
        raise InvalidInput(
            f"Choose how many days to keep archived children's records: "
            f"{RETENTION_MIN_DAYS} to {RETENTION_MAX_DAYS}.",
            field="retention_days",
        )
    return raw
