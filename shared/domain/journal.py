"""The journal around observations: entries as a page shows them, comments, moments from home,
and the rules for what a user may type into them. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from shared.domain.errors import InvalidInput, PreconditionFailed, PreconditionRequired
from shared.domain.identifiers import is_id
from shared.domain.observations import Area
from shared.domain.redaction import NamedChild

MAX_TEXT = 5000  # well under a table property's 32k characters, and a long observation already
MAX_COMMENT = 2000
MAX_CHILDREN = 30  # a whole room; also keeps the per-child projections one short burst of writes
JOURNAL_PAGE = 20
STALE_OBSERVATION = "Someone else changed this observation since you opened it. Reload it and try again."


class MomentStatus(StrEnum):
    SHARED = "shared"  # sent by a parent, not yet in the journal
    ACCEPTED = "accepted"  # a practitioner added it to the journal


@dataclass(frozen=True, repr=False)
class JournalEntry:
    """One published observation as it appears in one child's journal (a projection)."""

    setting_id: str
    child_id: str
    observation_id: str
    version: int
    children: list[NamedChild]
    author_id: str
    text: str
    next_steps: str
    areas: list[Area]
    observed_on: date
    published_at: datetime | None
    photo_ids: list[str]


@dataclass(frozen=True, repr=False)
class Comment:
    setting_id: str
    observation_id: str
    comment_id: str
    author_id: str
    author_name: str
    author_is_staff: bool
    text: str
    created_at: datetime


@dataclass(repr=False)
class Moment:
    """Something a parent shares from home about their child; staff may add it to the journal."""

    setting_id: str
    child_id: str
    moment_id: str
    parent_id: str
    parent_name: str
    text: str
    created_at: datetime
    status: MomentStatus = MomentStatus.SHARED
    photo_ids: list[str] = field(default_factory=list)  # filled by the photo service later
    observation_id: str | None = None  # once accepted
    etag: str | None = None


def clean_text(raw: object, field_name: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """Free text: trimmed, within the limit, no control characters except line breaks and tabs."""
    if raw is None and not required:
        return ""
    if not isinstance(raw, str):
        raise InvalidInput("Enter some text.", field=field_name)
    text = raw.strip()
    if required and not text:
        raise InvalidInput("Enter some text.", field=field_name)
    if len(text) > limit:
        raise InvalidInput(f"This can be at most {limit} characters.", field=field_name)
    if any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in text):
        raise InvalidInput("The text cannot contain control characters.", field=field_name)
    return text


def clean_next_steps(raw: object) -> str:
    """An observation's next steps: optional free text."""
    return clean_text(raw, "nextSteps", required=False)


def require_version(expected: str | None, etag: str | None) -> None:
    """An edit of an observation must name the version it was made from; only the current one.

    Naming none is 428 (RFC 6585), not a bad request: the body may be fine, the version is missing."""
    if expected is None:
        raise PreconditionRequired("Send the If-Match header with the ETag you read.", field="If-Match")
    if expected != (etag or ""):
        raise PreconditionFailed(STALE_OBSERVATION)


def clean_areas(raw: object) -> list[Area]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(a, str) for a in raw):
        raise InvalidInput("Choose areas of learning from the list.", field="areas")
    try:
        areas = [Area(a) for a in raw]
    except ValueError:
        raise InvalidInput("Choose areas of learning from the list.", field="areas") from None
    return list(dict.fromkeys(areas))


def clean_area(raw: object) -> Area | None:
    """An optional area filter from a query string."""
    if raw is None or raw == "":
        return None
    return clean_areas([raw])[0]


def clean_child_ids(raw: object) -> list[str]:
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("Choose at least one child.", field="childIds")
    if len(raw) > MAX_CHILDREN:
        raise InvalidInput(f"An observation can include at most {MAX_CHILDREN} children.", field="childIds")
    if not all(is_id(c) for c in raw):  # ids chosen in a form: a bad one is the form's mistake (400)
        raise InvalidInput("That is not a valid id.", field="childIds")
    return list(dict.fromkeys(raw))


def clean_observed_on(raw: object, *, today: date) -> date:
    if not isinstance(raw, str):
        raise InvalidInput("Enter the date as YYYY-MM-DD.", field="observedOn")
    try:
        observed = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("Enter the date as YYYY-MM-DD.", field="observedOn") from None
    if observed > today or observed < today - timedelta(days=366 * 7):
        raise InvalidInput("Enter a date in the past seven years, not in the future.", field="observedOn")
    return observed
