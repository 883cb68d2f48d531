"""Summative assessment (EYFS.md, "Summative assessment"): at each of the setting's assessment
points, a judgement per child per aspect of the setting's framework, on the setting's scale.

Pure rules only: the setting's plan (its points, its scale and the two choices Tapestry also
offers: whether observations awaiting approval count as evidence, and whether parents see final
judgements), what one judgement may hold, and a child's record at one point (a draft by the key
person until a manager approves it). A judgement keeps the framework and scale it was made
against, so a later change of framework or scale never rewrites what was judged.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from shared.domain.errors import InvalidInput
from shared.domain.frameworks import Framework
from shared.domain.identifiers import is_id

NOTE_MAX = 1000
EVIDENCE_MAX = 20  # observations cited for one judgement: enough to justify it, small enough to read
POINTS_MAX = 12
NAME_MAX = 60


class Scale(StrEnum):
    ON_TRACK = "on-track"  # not yet on track / on track / working beyond
    AGE_BAND = "age-band"  # a band of the framework, then emerging / developing / secure within it


SCALE_VALUES: Mapping[Scale, tuple[str, ...]] = {
    Scale.ON_TRACK: ("not-yet-on-track", "on-track", "working-beyond"),
    Scale.AGE_BAND: ("emerging", "developing", "secure"),
}


class RecordStatus(StrEnum):
    DRAFT = "draft"  # the key person is judging; staff only
    FINAL = "final"  # a manager approved it; only a manager changes it, and it is a draft again then


@dataclass(frozen=True, repr=False)
class AssessmentPoint:
    point_id: str
    name: str
    opens: date  # the period whose observations are evidence for this point
    closes: date


@dataclass(repr=False)
class AssessmentPlan:
    """A setting's points and choices; the defaults until a manager saves (or a judgement is made)."""

    setting_id: str
    points: tuple[AssessmentPoint, ...]
    scale: Scale = Scale.ON_TRACK
    unapproved_evidence: bool = False  # observations awaiting approval are suggested as evidence
    parents_see_final: bool = False  # EYFS.md: parents do not see judgements unless the setting says so
    updated_by: str = ""
    updated_at: datetime | None = None
    etag: str | None = None  # None: never stored

    def point(self, point_id: str) -> AssessmentPoint | None:
        return next((p for p in self.points if p.point_id == point_id), None)


def academic_year_of(today: date) -> int:
    """The calendar year in which the academic year containing `today` began (September)."""
    return today.year if today.month >= 9 else today.year - 1


def default_plan(setting_id: str, today: date) -> AssessmentPlan:
    """On entry, autumn, spring and summer of the academic year containing `today`."""
    y = academic_year_of(today)
    points = (
        AssessmentPoint(f"entry-{y}", f"On entry {y}", date(y, 9, 1), date(y, 10, 31)),
        AssessmentPoint(f"autumn-{y}", f"Autumn {y}", date(y, 9, 1), date(y, 12, 31)),
        AssessmentPoint(f"spring-{y + 1}", f"Spring {y + 1}", date(y + 1, 1, 1), date(y + 1, 3, 31)),
        AssessmentPoint(f"summer-{y + 1}", f"Summer {y + 1}", date(y + 1, 4, 1), date(y + 1, 7, 31)),
    )
    return AssessmentPlan(setting_id, points)


@dataclass(frozen=True, repr=False)
class Judgement:
    """One aspect's judgement: a value of the record's scale, the band for the age-band scale,
    an optional note and the observations that support it."""

    aspect_id: str
    value: str
    band: str | None = None
    note: str = ""
    evidence: tuple[str, ...] = ()


@dataclass(repr=False)
class ChildAssessment:
    """One child's judgements at one point."""

    setting_id: str
    point_id: str
    child_id: str
    framework: str  # the FrameworkId the judgements were made against
    framework_version: str
    scale: Scale
    judgements: dict[str, Judgement] = field(default_factory=dict)  # aspect id -> judgement
    status: RecordStatus = RecordStatus.DRAFT
    updated_by: str = ""
    updated_at: datetime | None = None
    approved_by: str = ""
    approved_at: datetime | None = None
    etag: str | None = None  # None: never stored


# -- cleaning what a manager or the key person sends ---------------------------------------------


def clean_points(raw: object, current: AssessmentPlan) -> tuple[AssessmentPoint, ...]:
    """The points after a manager's edit: [{id?, name, opens, closes}], a point without an id is
    new. Names are 1 to 60 characters and distinct; a point closes on or after it opens."""
    if not isinstance(raw, list) or not raw or len(raw) > POINTS_MAX:
        raise InvalidInput(f"Send between 1 and {POINTS_MAX} assessment points.", field="points")
    found: list[AssessmentPoint] = []
    for item in raw:
        if not isinstance(item, dict) or set(item) - {"id", "name", "opens", "closes"}:
            raise InvalidInput("Send each point as {id, name, opens, closes}.", field="points")
        point_id = item.get("id")
        if point_id is None:
            point_id = "p" + secrets.token_hex(6)
        elif not is_id(point_id) or current.point(point_id) is None:
            raise InvalidInput("Name one of the setting's points, or leave the id out for a new one.",
                               field="points")  # fmt: skip
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > NAME_MAX:
            raise InvalidInput(f"Give each point a name of at most {NAME_MAX} characters.", field="points")
        opens, closes = _day(item.get("opens")), _day(item.get("closes"))
        if closes < opens:
            raise InvalidInput(f"{name.strip()} closes before it opens.", field="points")
        found.append(AssessmentPoint(point_id, name.strip(), opens, closes))
    ids = [p.point_id for p in found]
    names = [p.name.lower() for p in found]
    if len(set(ids)) != len(ids) or len(set(names)) != len(names):
        raise InvalidInput("Each point appears once, with a name of its own.", field="points")
    return tuple(found)


def _day(raw: object) -> date:
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else _bad_day()
    except ValueError:
        return _bad_day()


def _bad_day() -> date:
    raise InvalidInput("Send dates as YYYY-MM-DD.", field="points")


def clean_scale(raw: object) -> Scale:
    try:
        return Scale(str(raw))
    except ValueError:
        raise InvalidInput("Choose the scale: on-track or age-band.", field="scale") from None


def clean_judgements(
    raw: object, framework: Framework, scale: Scale
) -> tuple[dict[str, Judgement], set[str]]:
    """The judgements a change sets ({aspectId: {judgement, band?, note?, evidence?}}) and the
    aspects it clears (null). Every aspect is one of the framework's; every value the scale's."""
    if not isinstance(raw, dict) or not raw:
        raise InvalidInput("Send judgements as an object of aspect ids.", field="judgements")
    bands = {b for b, _ in framework.bands}
    values = SCALE_VALUES[scale]
    found: dict[str, Judgement] = {}
    cleared: set[str] = set()
    for aspect_id, item in raw.items():
        if framework.aspect(aspect_id) is None:
            raise InvalidInput(f"Judge aspects of {framework.name}, the setting's framework.",
                               field="judgements")  # fmt: skip
        if item is None:
            cleared.add(aspect_id)
            continue
        if not isinstance(item, dict) or set(item) - {"judgement", "band", "note", "evidence"}:
            raise InvalidInput("Send judgement, band, note and evidence for each aspect.", field="judgements")
        value = item.get("judgement")
        if value not in values:
            raise InvalidInput(f"Judge each aspect as one of: {', '.join(values)}.", field="judgements")
        band = item.get("band")
        if scale is Scale.AGE_BAND and band not in bands:
            raise InvalidInput(f"Choose an age band of {framework.name} for each aspect.", field="judgements")
        if scale is Scale.ON_TRACK and band is not None:
            raise InvalidInput("The setting's scale has no age bands: leave band out.", field="judgements")
        note = item.get("note") or ""
        if not isinstance(note, str) or len(note) > NOTE_MAX:
            raise InvalidInput(f"Write a note of at most {NOTE_MAX} characters.", field="judgements")
        evidence = item.get("evidence") or []
        if (
            not isinstance(evidence, list)
            or len(evidence) > EVIDENCE_MAX
            or not all(is_id(e) for e in evidence)
        ):
            raise InvalidInput(f"Cite at most {EVIDENCE_MAX} observations by id.", field="judgements")
        cites = tuple(dict.fromkeys(evidence))
        found[aspect_id] = Judgement(aspect_id, str(value), band, note.strip(), cites)
    return found, cleared
