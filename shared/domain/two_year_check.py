"""The progress check at age two (EYFS section 2, statutory; facts in ../shared/EYFS.md).

When a child is between two and three the setting reviews their progress and gives the parents a
short written summary of the three prime areas: the child's strengths, any area where progress is
less than expected and, where there are concerns, what the setting intends to do. Parents add
their comments and are encouraged to share it with their health visitor.

Pure rules only: what a check holds, what a complete one needs, and where a child stands on the
tracker (due from 24 months, overdue past 36 months without a completed check, done).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from shared.domain.errors import InvalidInput
from shared.domain.frameworks import eyfs
from shared.domain.notifications import zone

TEXT_MAX = 2000
DUE_MONTHS = 24
OVERDUE_MONTHS = 36
HEALTH_VISITOR = "You are encouraged to share this summary with your health visitor."


def prime_areas() -> list[tuple[str, str]]:
    """The three prime areas (id, name) in the framework's order: CL, PSED, PD."""
    return [(a.area_id, a.name) for a in eyfs().areas if a.prime]


class CheckStatus(StrEnum):
    DRAFT = "draft"  # the key person is writing it
    FINAL = "final"  # a manager finalised it: the check is completed; only a manager changes it


@dataclass(frozen=True, repr=False)
class AreaSummary:
    strengths: str = ""
    less_than_expected: str = ""  # where progress is less than expected ("" when none)


@dataclass(frozen=True, repr=False)
class ParentComment:
    text: str
    at: datetime


@dataclass(repr=False)
class TwoYearCheck:
    """One child's progress check at age two (a child has one)."""

    setting_id: str
    child_id: str
    areas: dict[str, AreaSummary] = field(default_factory=dict)  # prime area id -> summary
    plans: str = ""  # what the setting will do (activities and strategies)
    status: CheckStatus = CheckStatus.DRAFT
    shared_with_parents: bool = False
    parent_comments: dict[str, ParentComment] = field(default_factory=dict)  # parent user id -> theirs
    updated_by: str = ""
    updated_at: datetime | None = None
    finalised_by: str = ""
    finalised_at: datetime | None = None
    shared_at: datetime | None = None
    etag: str | None = None

    @property
    def concerns(self) -> bool:
        return any(s.less_than_expected for s in self.areas.values())

    def missing(self) -> str | None:
        """What a manager must see written before finalising, or None when it is complete."""
        for area_id, name in prime_areas():
            if not self.areas.get(area_id, AreaSummary()).strengths:
                return f"Write the child's strengths in {name.lower()} before finalising."
        if self.concerns and not self.plans:
            return "Progress is less than expected somewhere: say what the setting will do before finalising."
        return None


@dataclass(frozen=True, repr=False)
class CheckChange:
    """What staff send: summaries by prime area id (each field optional) and the setting's plans."""

    areas: Mapping[str, AreaSummary]
    plans: str | None


def clean_text(raw: object, name: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str) or len(raw) > TEXT_MAX:
        raise InvalidInput(f"Write at most {TEXT_MAX} characters.", field=name)
    return raw.strip()


def clean_areas(raw: object, current: Mapping[str, AreaSummary]) -> dict[str, AreaSummary]:
    """The areas after this change: {areaId: {strengths, lessThanExpected}}, prime areas only;
    a field left out keeps what was written."""
    if raw is None:
        return dict(current)
    if not isinstance(raw, dict):
        raise InvalidInput("Send the areas as an object of prime area ids.", field="areas")
    known = {a for a, _ in prime_areas()}
    found = dict(current)
    for area_id, value in raw.items():
        if area_id not in known:
            raise InvalidInput("The check covers the three prime areas only.", field="areas")
        if not isinstance(value, dict) or set(value) - {"strengths", "lessThanExpected"}:
            raise InvalidInput("Send strengths and lessThanExpected for each area.", field="areas")
        was = found.get(area_id, AreaSummary())
        found[area_id] = AreaSummary(
            clean_text(value["strengths"], "areas") if "strengths" in value else was.strengths,
            clean_text(value["lessThanExpected"], "areas") if "lessThanExpected" in value
            else was.less_than_expected,
        )  # fmt: skip
    return found


def clean_comment(raw: object) -> str:
    text = clean_text(raw, "comment")
    if not text:
        raise InvalidInput("Write your comment first.", field="comment")
    return text


# -- the tracker ----------------------------------------------------------------------------------


class Standing(StrEnum):
    NOT_YET = "not-yet"  # under 24 months
    DUE = "due"  # 24 to 36 months, no completed check
    OVERDUE = "overdue"  # past 36 months, no completed check
    DONE = "done"  # a completed (final) check
    UNKNOWN = "unknown"  # no date of birth recorded


def months_old(born: date, today: date) -> int:
    """Whole months of age on `today`: a child born on 31 January is a month old on 28 February."""
    months = (today.year - born.year) * 12 + today.month - born.month
    if months > 0 and add_months(born, months) > today:
        months -= 1
    return max(months, 0)


def setting_today(now: datetime, time_zone: str) -> date:
    """Today on the setting's clock: the date in its own time zone (a child born on 1 June turns
    two at midnight in London, an hour before midnight UTC in summer)."""
    return now.astimezone(zone(time_zone)).date()


def standing(born: date | None, today: date, check: TwoYearCheck | None) -> Standing:
    if check is not None and check.status is CheckStatus.FINAL:
        return Standing.DONE
    if born is None:
        return Standing.UNKNOWN
    age = months_old(born, today)
    if age < DUE_MONTHS:
        return Standing.NOT_YET
    return Standing.DUE if age < OVERDUE_MONTHS else Standing.OVERDUE


def add_months(born: date, months: int) -> date:
    """The day a child born on `born` turns `months` months old."""
    total = born.month - 1 + months
    year, month = born.year + total // 12, total % 12 + 1
    day = born.day
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1
