"""A point's overview: who is judged, who waits for approval and who is not started, for the
children the caller may see; today's point unless another is asked for (S24)."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.assessments import RecordStatus, default_plan
from shared.domain.errors import Forbidden, NotFound
from shared.domain.people import Role
from shared.services import assessments
from shared.services.assessment_overview import current_point, point_overview
from tests.journal_support import link, set_policy
from tests.nurseries import Nursery
from tests.service.test_assessments import ON_TRACK, key_child, this_term, world

__all__ = ["world"]  # the fixture, used by name


@pytest.mark.parametrize(
    ("today", "point"),
    [
        (date(2026, 10, 5), "autumn-2026"),  # on entry and autumn are both open: the later-closing
        (date(2027, 2, 1), "spring-2027"),
        (date(2027, 8, 20), "summer-2027"),  # the summer holidays: the last point that opened
        (date(2026, 8, 20), "entry-2026"),  # before any point has opened: the first
    ],
)
def test_todays_point_is_the_latest_open_or_opened_one(today: date, point: str) -> None:
    plan = default_plan("s1", date(2026, 12, 3))
    assert current_point(plan, today).point_id == point


def test_the_overview_shows_each_visible_childs_standing_at_todays_point(world: Nursery) -> None:
    deps, manager = world.deps, world.manager
    term = this_term(world)
    practitioner, ada = key_child(world)
    bram = world.place.child("Bram", "Ashdown", key_person=practitioner.user_id, by=manager)
    cleo = world.place.child("Cleo", "Baker", by=manager)
    judged = {"number": ON_TRACK, "speaking": ON_TRACK, "writing": {"judgement": "not-yet-on-track"}}
    assessments.record_judgements(deps, practitioner, ada.child_id, term, judged, None)
    first = assessments.record_judgements(deps, practitioner, bram.child_id, term, {"number": ON_TRACK}, None)
    assessments.approve(deps, manager, bram.child_id, term, first.etag)
    point, rows = point_overview(deps, manager)
    assert point.point_id == term
    standing = {r.first_name: (r.status, r.judged, r.values) for r in rows}
    assert standing == {
        "Ada": (RecordStatus.DRAFT, 3, {"on-track": 2, "not-yet-on-track": 1}),
        "Bram": (RecordStatus.FINAL, 1, {"on-track": 1}),
        "Cleo": (None, 0, {}),
    }
    set_policy(deps, world.setting.setting_id, key_children_only=True)
    _, mine = point_overview(deps, practitioner, term)
    assert [r.first_name for r in mine] == ["Ada", "Bram"]
    assert cleo.child_id not in {r.child_id for r in mine}


def test_the_overview_is_for_staff_and_names_only_the_settings_points(world: Nursery) -> None:
    deps = world.deps
    this_term(world)
    _, parent = world.principal(Role.PARENT)
    _, ada = key_child(world)
    link(deps, parent, ada)
    with pytest.raises(Forbidden):
        point_overview(deps, parent)
    with pytest.raises(NotFound):
        point_overview(deps, world.manager, "autumn-1999")
