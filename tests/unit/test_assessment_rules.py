"""The pure rules of assessments: the default points follow the academic year (September to
July), a manager's points are checked whole, and a judgement takes only the framework's aspects
and the scale's words."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.assessments import Scale, academic_year_of, clean_judgements, clean_points, default_plan
from shared.domain.errors import InvalidInput
from shared.domain.frameworks import FrameworkId, framework

DM, B5M = framework(FrameworkId.DEVELOPMENT_MATTERS), framework(FrameworkId.BIRTH_TO_5_MATTERS)


@pytest.mark.parametrize(
    ("today", "year"), [(date(2026, 8, 31), 2025), (date(2026, 9, 1), 2026), (date(2027, 7, 20), 2026)]
)
def test_the_academic_year_starts_in_september(today: date, year: int) -> None:
    assert academic_year_of(today) == year


def test_the_default_points_are_on_entry_and_the_three_terms_of_this_academic_year() -> None:
    plan = default_plan("s1", date(2027, 2, 14))
    assert [(p.point_id, p.name, p.opens, p.closes) for p in plan.points] == [
        ("entry-2026", "On entry 2026", date(2026, 9, 1), date(2026, 10, 31)),
        ("autumn-2026", "Autumn 2026", date(2026, 9, 1), date(2026, 12, 31)),
        ("spring-2027", "Spring 2027", date(2027, 1, 1), date(2027, 3, 31)),
        ("summer-2027", "Summer 2027", date(2027, 4, 1), date(2027, 7, 31)),
    ]
    assert plan.scale is Scale.ON_TRACK and not plan.unapproved_evidence and not plan.parents_see_final


def test_a_new_point_gets_an_id_and_a_kept_one_keeps_its_own() -> None:
    current = default_plan("s1", date(2026, 12, 3))
    points = clean_points(
        [{"id": "autumn-2026", "name": " Autumn ", "opens": "2026-09-01", "closes": "2026-12-19"},
         {"name": "Mid-year", "opens": "2027-02-01", "closes": "2027-02-28"}],
        current,
    )  # fmt: skip
    assert points[0].point_id == "autumn-2026" and points[0].name == "Autumn"
    assert points[1].point_id.startswith("p") and points[1].point_id not in {
        p.point_id for p in current.points
    }


def test_a_judgement_is_checked_against_the_records_framework_and_scale() -> None:
    found, cleared = clean_judgements(
        {"making-relationships": {"judgement": "secure", "band": "range-4", "evidence": ["o1", "o1"]},
         "sense-of-self": None},
        B5M, Scale.AGE_BAND,
    )  # fmt: skip
    assert found["making-relationships"].band == "range-4" and found["making-relationships"].evidence == (
        "o1",
    )
    assert cleared == {"sense-of-self"}
    with pytest.raises(InvalidInput):  # a Birth to 5 Matters aspect is not one of Development Matters
        clean_judgements({"making-relationships": {"judgement": "on-track"}}, DM, Scale.ON_TRACK)
    with pytest.raises(InvalidInput):  # a Development Matters band is not a Birth to 5 Matters range
        clean_judgements(
            {"making-relationships": {"judgement": "secure", "band": "reception"}}, B5M, Scale.AGE_BAND
        )
    with pytest.raises(InvalidInput):
        clean_judgements({"speaking": {"judgement": "on-track", "evidence": [f"o{i}" for i in range(21)]}},
                         DM, Scale.ON_TRACK)  # fmt: skip
