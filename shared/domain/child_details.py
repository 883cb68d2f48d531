"""The few facts about a child that progress tracking groups children by: staff only, minimal.

Group membership is sensitive (SEND support is special category data), so these facts live apart
from the child's record that parents read, are never part of a parent's view or export, and are
deleted with the child. Sex is recorded only when the setting chooses to (TrackerPolicy); with
the choice off it is neither accepted nor shown, and turning it off forgets what was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from shared.domain.errors import InvalidInput

# The version a client names for a child with no details recorded yet (If-Match), so the first
# save is as ETag-guarded as every later one: two managers cannot both create the record.
NOT_YET_RECORDED = "new"
SEX_NOT_RECORDED = (
    "This setting does not record children's sex. A manager can change that in the tracker policy."
)


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"


@dataclass(frozen=True, repr=False)
class TrackerPolicy:
    setting_id: str
    record_sex: bool = False
    etag: str | None = None


@dataclass(frozen=True, repr=False)
class TrackerDetails:
    setting_id: str
    child_id: str
    date_started: date | None = None
    eal: bool = False  # English as an additional language
    send_support: bool = False
    eypp: bool = False  # early years pupil premium
    funded_two: bool = False  # a funded two-year-old place
    sex: Sex | None = None
    etag: str | None = None


@dataclass(frozen=True, repr=False)
class DetailsChange:
    """What a manager changes; None leaves a field as it is. An empty date or sex clears it."""

    date_started: str | None = None
    eal: bool | None = None
    send_support: bool | None = None
    eypp: bool | None = None
    funded_two: bool | None = None
    sex: str | None = None


def apply_change(
    details: TrackerDetails, change: DetailsChange, policy: TrackerPolicy, *, today: date, born: date
) -> TrackerDetails:
    """The details with the change applied, every value checked first (nothing half-applied)."""
    updates: dict[str, object] = {}
    if change.date_started is not None:
        updates["date_started"] = _date_started(change.date_started, today=today, born=born)
    for name in ("eal", "send_support", "eypp", "funded_two"):
        value = getattr(change, name)
        if value is not None:
            updates[name] = value
    if change.sex is not None:
        if not policy.record_sex:
            raise InvalidInput(SEX_NOT_RECORDED, field="sex")
        updates["sex"] = _sex(change.sex)
    return replace(details, **updates)  # type: ignore[arg-type]


def shown(details: TrackerDetails, policy: TrackerPolicy) -> TrackerDetails:
    """The details as staff may read them: no sex unless the setting records it."""
    return details if policy.record_sex else replace(details, sex=None)


def _date_started(raw: str, *, today: date, born: date) -> date | None:
    if raw == "":
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("Enter the date started as YYYY-MM-DD.", field="dateStarted") from None
    if day < born or day > today + timedelta(days=366):
        raise InvalidInput(
            "Enter a start date on or after the child's birth and within the next year.", field="dateStarted"
        )
    return day


def _sex(raw: str) -> Sex | None:
    if raw == "":
        return None
    try:
        return Sex(raw)
    except ValueError:
        raise InvalidInput("Record sex as female or male, or leave it empty.", field="sex") from None
