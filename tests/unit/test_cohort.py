"""How the cohort report reads judgements: on track per aspect by scale, per area from its
aspects (EYFS.md), and who a group holds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.assessments import ChildAssessment, Judgement, RecordStatus, Scale
from shared.domain.child_details import TrackerDetails
from shared.domain.children import Child, ChildStatus
from shared.domain.cohort import Group, age_in_months, area_on_track, in_group, judgement_on_track
from shared.domain.frameworks import FrameworkId, framework

DM = framework(FrameworkId.DEVELOPMENT_MATTERS)
B25M = framework(FrameworkId.BIRTH_TO_5_MATTERS)


def record(values: dict[str, str], scale: Scale = Scale.ON_TRACK, band: str | None = None) -> ChildAssessment:
    judgements = {a: Judgement(a, v, band) for a, v in values.items()}
    return ChildAssessment("s1", "p1", "c1", DM.framework_id.value, DM.version, scale, judgements,
                           RecordStatus.FINAL)  # fmt: skip


@pytest.mark.parametrize(
    ("value", "on_track"), [("not-yet-on-track", False), ("on-track", True), ("working-beyond", True)]
)
def test_on_the_on_track_scale_on_track_and_working_beyond_are_on_track(value: str, on_track: bool) -> None:
    assert judgement_on_track(Judgement("speaking", value), Scale.ON_TRACK, DM, 30) is on_track


@pytest.mark.parametrize(
    ("known", "band", "value", "age", "on_track"),
    [
        (DM, "birth-to-three", "secure", 30, True),  # the band of a 2½-year-old, secure in it
        (DM, "birth-to-three", "emerging", 30, False),  # emerging in their own band: not yet
        (DM, "birth-to-three", "secure", 40, False),  # a band a 3½-year-old has outgrown
        (DM, "three-and-four", "emerging", 30, True),  # working in a band ahead of their age
        (DM, "three-and-four", "developing", 40, True),
        (B25M, "range-4", "developing", 24, True),  # ranges overlap: 24 months is in range 3 and 4
        (B25M, "range-3", "developing", 24, True),
        (B25M, "range-3", "secure", 27, False),  # past range 3's ages
    ],
)
def test_on_the_age_band_scale_the_childs_age_at_the_point_decides(
    known,
    band: str,
    value: str,
    age: int,
    on_track: bool,  # type: ignore[no-untyped-def]
) -> None:
    assert judgement_on_track(Judgement("speaking", value, band), Scale.AGE_BAND, known, age) is on_track


def test_an_area_is_on_track_when_every_aspect_is_judged_and_each_is_on_track() -> None:
    literacy = ("comprehension", "word-reading", "writing")
    assert area_on_track(record(dict.fromkeys(literacy, "on-track")), DM, "literacy", 40) is True
    one_behind = {**dict.fromkeys(literacy, "on-track"), "writing": "not-yet-on-track"}
    assert area_on_track(record(one_behind), DM, "literacy", 40) is False
    # two of three judged, both on track: the area is not settled, so it is counted nowhere
    assert area_on_track(record(dict.fromkeys(literacy[:2], "on-track")), DM, "literacy", 40) is None
    assert area_on_track(record({"writing": "not-yet-on-track"}), DM, "literacy", 40) is False
    assert area_on_track(record({"number": "on-track"}), DM, "literacy", 40) is None


def test_groups_come_from_the_birth_month_and_the_recorded_details() -> None:
    def child(born: date) -> Child:
        return Child(
            "s1",
            "c1",
            "Ada",
            "L",
            born,
            None,
            True,
            False,
            ChildStatus.ACTIVE,
            datetime(2026, 1, 1, tzinfo=UTC),
        )

    assert in_group(Group.SUMMER_BORN, child(date(2023, 4, 1)), None)
    assert in_group(Group.SUMMER_BORN, child(date(2023, 8, 31)), None)
    assert not in_group(Group.SUMMER_BORN, child(date(2023, 9, 1)), None)
    assert not in_group(Group.SUMMER_BORN, child(date(2023, 3, 31)), None)
    details = TrackerDetails("s1", "c1", send_support=True)
    assert in_group(Group.SEND_SUPPORT, child(date(2023, 1, 1)), details)
    assert not in_group(Group.EAL, child(date(2023, 1, 1)), details)
    assert not in_group(Group.EYPP, child(date(2023, 1, 1)), None)
    assert (
        age_in_months(date(2023, 3, 15), date(2026, 3, 14)),
        age_in_months(date(2023, 3, 15), date(2026, 3, 15)),
    ) == (35, 36)
