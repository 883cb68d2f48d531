"""Children, the families linked to them, and the consents the setting records for them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from shared.domain.display_names import clean_name
from shared.domain.errors import InvalidInput


class ChildStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"  # a leaver: read-only, purged when the setting's retention ends


@dataclass(repr=False)
class Child:
    setting_id: str
    child_id: str
    first_name: str
    last_name: str
    date_of_birth: date
    key_person_id: str | None
    # Consents recorded by the setting (the data controller), not inferred.
    photos_in_own_journal: bool
    photos_in_others_journals: bool
    status: ChildStatus
    created_at: datetime
    archived_at: datetime | None = None
    leaving_date: date | None = None
    legal_hold: str | None = None  # the reason, while a hold stands
    etag: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, repr=False)
class ParentLink:
    """A parent may see this child's journal (S24). Read from storage on every request."""

    setting_id: str
    parent_id: str
    child_id: str
    linked_at: datetime
    # Set when the child leaves: the end of the export window. Kept on the link, which every parent
    # request reads anyway, so access ends at that moment without another storage round trip.
    readable_until: datetime | None = None

    def readable(self, now: datetime) -> bool:
        return self.readable_until is None or now < self.readable_until


def readable_child_ids(links: Iterable[ParentLink], now: datetime) -> frozenset[str]:
    """The children a parent may read now: linked, and not past a leaver's export window."""
    return frozenset(link.child_id for link in links if link.readable(now))


def clean_date_of_birth(raw: object, *, today: date) -> date:
    if not isinstance(raw, str):
        raise InvalidInput("Enter the date of birth as YYYY-MM-DD.", field="dateOfBirth")
    try:
        born = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("Enter the date of birth as YYYY-MM-DD.", field="dateOfBirth") from None
    if born > today or born.year < today.year - 25:
        raise InvalidInput("Enter a date of birth in the past 25 years.", field="dateOfBirth")
    return born


def clean_first_name(raw: object) -> str:
    return clean_name(raw, field_name="firstName")


def clean_last_name(raw: object) -> str:
    return clean_name(raw, field_name="lastName")


def clean_photo_consent(raw: object, *, others_journals: bool) -> bool:
    """A photo consent the setting recorded: true or false, never assumed."""
    field = "photosInOthersJournals" if others_journals else "photosInOwnJournal"
    if not isinstance(raw, bool):
        raise InvalidInput(f"Record the photo consent {field} as true or false.", field=field)
    return raw
