"""The cohort report's rules (EYFS.md, "Cohort views that managers use"): which children a group
holds, when a child is on track in an area, and the share on track per area at a point.

Pure: the service hands in the children, their group facts and their FINAL records; drafts never
reach these rules, so a judgement a manager has not approved never moves a share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.domain.assessments import ChildAssessment, Judgement, Scale
from shared.domain.child_details import Sex, TrackerDetails
from shared.domain.children import Child
from shared.domain.errors import InvalidInput
from shared.domain.frameworks import Framework, eyfs

SUMMER_MONTHS = range(4, 9)  # EYFS.md: summer-born is born April to August
ON_TRACK_VALUES = frozenset({"on-track", "working-beyond"})
EMERGING = "emerging"


class Group(StrEnum):
    ALL = "all"
    SUMMER_BORN = "summer-born"
    EAL = "eal"
    SEND_SUPPORT = "send-support"
    EYPP = "eypp"
    FUNDED_TWO = "funded-two"
    BOYS = "boys"  # only where the setting records sex
    GIRLS = "girls"


GROUP_NAMES: Mapping[Group, str] = {
    Group.ALL: "All children",
    Group.SUMMER_BORN: "Summer-born (April to August)",
    Group.EAL: "English as an additional language",
    Group.SEND_SUPPORT: "SEND support",
    Group.EYPP: "Early years pupil premium",
    Group.FUNDED_TWO: "Funded two-year-olds",
    Group.BOYS: "Boys",
    Group.GIRLS: "Girls",
}
SEX_GROUPS = frozenset({Group.BOYS, Group.GIRLS})


def groups_offered(record_sex: bool) -> tuple[Group, ...]:
    """The groups a manager may choose: boys and girls only where the setting records sex."""
    return tuple(g for g in Group if record_sex or g not in SEX_GROUPS)


def clean_group(raw: object, record_sex: bool) -> Group:
    offered = groups_offered(record_sex)
    try:
        group = Group(str(raw)) if raw is not None else Group.ALL
    except ValueError:
        group = None
    if group not in offered:
        raise InvalidInput(f"Choose the group as one of: {', '.join(offered)}.", field="group")
    return group


def in_group(group: Group, child: Child, details: TrackerDetails | None) -> bool:
    """Whether the child belongs to the group; a child with no details recorded is in none but all."""
    if group is Group.ALL:
        return True
    if group is Group.SUMMER_BORN:
        return child.date_of_birth.month in SUMMER_MONTHS
    if details is None:
        return False
    facts = {
        Group.EAL: details.eal,
        Group.SEND_SUPPORT: details.send_support,
        Group.EYPP: details.eypp,
        Group.FUNDED_TWO: details.funded_two,
        Group.BOYS: details.sex is Sex.MALE,
        Group.GIRLS: details.sex is Sex.FEMALE,
    }
    return facts[group]


def age_in_months(born: date, on: date) -> int:
    return (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)


def judgement_on_track(judgement: Judgement, scale: Scale, known: Framework, age_months: int) -> bool:
    """One aspect's judgement read as on track or not, by the scale the record was made on.

    - "not yet on track / on track / working beyond": on track or working beyond is on track.
    - age bands with "emerging / developing / secure": the child's age at the point decides. A
      band the child has outgrown (their age is past the ages it describes) is behind, whatever
      the value; a band ahead of their age is on track, whatever the value; within the band that
      describes their age, developing and secure are on track and emerging is not yet.
    """
    if scale is Scale.ON_TRACK:
        return judgement.value in ON_TRACK_VALUES
    months = known.months_of(judgement.band or "")
    if months is None:
        return False
    low, high = months
    if age_months >= high:
        return False
    return age_months < low or judgement.value != EMERGING


def area_on_track(record: ChildAssessment, known: Framework, area_id: str, age_months: int) -> bool | None:
    """Whether a child is on track in an area at the point: True when every aspect of the area (in
    the record's framework) is judged and each is on track; False when any judged aspect of the
    area is not on track; None (not counted in the area) while its aspects are only partly judged
    and those judged are on track, so a half-finished area never reads as on track."""
    aspects = [a.aspect_id for a in known.aspects if a.area_id == area_id]
    judged = [record.judgements[a] for a in aspects if a in record.judgements]
    standing = [judgement_on_track(j, record.scale, known, age_months) for j in judged]
    if not all(standing):
        return False
    return True if aspects and len(judged) == len(aspects) else None


@dataclass(frozen=True, repr=False)
class Judged:
    """A child of the chosen room and group with their final record at a point (None: none)."""

    child: Child
    record: ChildAssessment | None
    framework: Framework | None  # the record's framework


@dataclass(frozen=True, repr=False)
class AreaShare:
    area_id: str
    name: str
    counted: int  # children whose final record settles the area
    on_track: int
    behind: tuple[Child, ...]

    @property
    def share(self) -> float | None:
        """Percent on track of those counted, one decimal; None when nobody is counted."""
        return round(100 * self.on_track / self.counted, 1) if self.counted else None


def area_shares(judged: Sequence[Judged], on: date) -> list[AreaShare]:
    """Per area, in the statutory order, the children counted, on track and behind at a point."""
    found = []
    for area in eyfs().areas:
        counted, on_track, behind = 0, 0, []
        for item in judged:
            if item.record is None or item.framework is None:
                continue
            age = age_in_months(item.child.date_of_birth, on)
            standing = area_on_track(item.record, item.framework, area.area_id, age)
            if standing is None:
                continue
            counted += 1
            on_track += standing
            if not standing:
                behind.append(item.child)
        behind.sort(key=lambda c: (c.first_name.casefold(), c.last_name.casefold(), c.child_id))
        found.append(AreaShare(area.area_id, area.name, counted, on_track, tuple(behind)))
    return found


def change_in_points(now: float | None, before: float | None) -> float | None:
    """The change of a share in percentage points; None when either side has nobody counted."""
    return None if now is None or before is None else round(now - before, 1)
