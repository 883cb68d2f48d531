"""The cohort report: per area the children on track of a room and group at a point, from final
judgements only, the change since the previous point and the children behind; managers only."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.child_details import DetailsChange
from shared.domain.children import Child
from shared.domain.cohort import Group
from shared.domain.errors import Forbidden, InvalidInput
from shared.domain.frameworks import DEFAULT_FRAMEWORK, framework
from shared.domain.people import Role
from shared.domain.two_year_check import add_months
from shared.services import assessments, child_details, cohort_files, rooms
from shared.services.audit_log import read_audit
from shared.services.cohort_report import cohort_report
from tests.journal_support import link
from tests.nurseries import Nursery
from tests.service.test_assessments import this_term, world

__all__ = ["world"]  # the fixture, used by name

ASPECTS = [a.aspect_id for a in framework(DEFAULT_FRAMEWORK).aspects]


def judged(behind: tuple[str, ...] = ()) -> dict[str, dict[str, str]]:
    """Every aspect judged: on track, or not yet for the aspects named."""
    return {a: {"judgement": "not-yet-on-track" if a in behind else "on-track"} for a in ASPECTS}


def final(nursery: Nursery, child: Child, point: str, behind: tuple[str, ...] = ()) -> None:
    made = assessments.record_judgements(
        nursery.deps, nursery.manager, child.child_id, point, judged(behind), None
    )
    assessments.approve(nursery.deps, nursery.manager, child.child_id, point, made.etag)


def last_term(nursery: Nursery) -> str:
    return next(p.point_id for p in assessments.read_plan(nursery.deps, nursery.manager).points
                if p.name == "Last term")  # fmt: skip


def area(report_areas: list, area_id: str):  # type: ignore[no-untyped-def]
    return next(a for a in report_areas if a.area_id == area_id)


def test_shares_count_final_judgements_only_and_name_the_children_behind(world: Nursery) -> None:
    term = this_term(world)
    ada = world.place.child("Ada", "Lovelace", by=world.manager)
    bram = world.place.child("Bram", "Ashdown", by=world.manager)
    cleo = world.place.child("Cleo", "Baker", by=world.manager)
    world.place.child("Dev", "Patel", by=world.manager)  # nothing judged: in no share
    final(world, ada, term)
    final(world, bram, term, behind=("speaking",))
    # Cleo's draft says she is behind everywhere; a manager has not approved it, so it counts nowhere
    assessments.record_judgements(
        world.deps, world.manager, cleo.child_id, term, judged(tuple(ASPECTS)), None
    )
    report = cohort_report(world.deps, world.manager, None)  # today's point, this term
    assert report.point.point_id == term
    assert (report.children, report.final) == (4, 2)
    talk = area(report.areas, "communication-and-language")
    assert (talk.counted, talk.on_track, talk.share) == (2, 1, 50.0)
    assert [c.first_name for c in talk.behind] == ["Bram"]
    maths = area(report.areas, "mathematics")
    assert (maths.counted, maths.on_track, maths.share, maths.behind) == (2, 2, 100.0, ())
    assert len(report.areas) == 7


def test_the_change_is_in_percentage_points_since_the_previous_point(world: Nursery) -> None:
    term = this_term(world)
    before = last_term(world)
    ada = world.place.child("Ada", "Lovelace", by=world.manager)
    bram = world.place.child("Bram", "Ashdown", by=world.manager)
    for child in (ada, bram):
        final(world, child, before, behind=("number",))
    final(world, ada, term)
    final(world, bram, term, behind=("speaking",))
    report = cohort_report(world.deps, world.manager, term)
    assert report.previous is not None and report.previous.point_id == before
    maths, talk = area(report.areas, "mathematics"), area(report.areas, "communication-and-language")
    assert (maths.previous_share, maths.share, maths.change) == (0.0, 100.0, 100.0)
    assert (talk.previous_share, talk.share, talk.change) == (100.0, 50.0, -50.0)
    first = cohort_report(world.deps, world.manager, before)
    assert first.previous is None
    assert all(a.change is None and a.previous_share is None for a in first.areas)


def test_a_child_of_another_room_or_group_is_not_counted(world: Nursery) -> None:
    deps, manager = world.deps, world.manager
    term = this_term(world)
    ducks = rooms.add_room(deps, manager, "Ducklings")
    owls = rooms.add_room(deps, manager, "Owls")
    ada = world.place.child("Ada", "Lovelace", by=manager, born=date(2023, 6, 10))  # summer-born
    bram = world.place.child("Bram", "Ashdown", by=manager, born=date(2023, 1, 10))
    cleo = world.place.child("Cleo", "Baker", by=manager, born=date(2023, 2, 10))
    today = deps.clock.now().date().isoformat()
    for child, room in ((ada, ducks), (bram, ducks), (cleo, owls)):
        rooms.move_child(deps, manager, child.child_id, room.room_id, today, rooms.NOT_PLACED)
    child_details.update_details(deps, manager, bram.child_id, DetailsChange(eal=True), "new")
    final(world, ada, term)
    final(world, bram, term, behind=("writing",))
    final(world, cleo, term, behind=("writing",))
    literacy = "literacy"
    in_ducks = area(cohort_report(deps, manager, term, ducks.room_id).areas, literacy)
    assert (in_ducks.counted, in_ducks.on_track, [c.first_name for c in in_ducks.behind]) == (2, 1, ["Bram"])
    everywhere = area(cohort_report(deps, manager, term, "all").areas, literacy)
    assert (everywhere.counted, everywhere.on_track) == (3, 1)
    eal = cohort_report(deps, manager, term, None, "eal")
    assert eal.group is Group.EAL and eal.children == 1
    assert [c.first_name for c in area(eal.areas, literacy).behind] == ["Bram"]
    summer = area(cohort_report(deps, manager, term, None, "summer-born").areas, literacy)
    assert (summer.counted, summer.on_track, summer.behind) == (1, 1, ())


def test_boys_and_girls_are_groups_only_where_the_setting_records_sex(world: Nursery) -> None:
    deps, manager = world.deps, world.manager
    term = this_term(world)
    with pytest.raises(InvalidInput) as refused:
        cohort_report(deps, manager, term, None, "girls")
    assert refused.value.field == "group"
    policy = child_details.read_policy(deps, manager)
    child_details.update_policy(deps, manager, True, policy.etag or "new")
    ada = world.place.child("Ada", "Lovelace", by=manager)
    world.place.child("Bram", "Ashdown", by=manager)
    child_details.update_details(deps, manager, ada.child_id, DetailsChange(sex="female"), "new")
    assert cohort_report(deps, manager, term, None, "girls").children == 1


@pytest.mark.parametrize(
    ("point", "room", "group", "field"),
    [("autumn-1999", None, None, "point"), ("x" * 300, None, None, "point"),
     ("THIS", "nowhere", None, "room"), ("THIS", "bad id!", None, "room"), ("THIS", None, "tall", "group")],
)  # fmt: skip
def test_s30_an_unknown_point_room_or_group_is_refused_naming_it(
    world: Nursery, point: str | None, room: str | None, group: str | None, field: str
) -> None:
    term = this_term(world)
    with pytest.raises(InvalidInput) as refused:
        cohort_report(world.deps, world.manager, term if point == "THIS" else point, room, group)
    assert refused.value.field == field


def test_s24_the_report_is_for_managers_only(world: Nursery) -> None:
    term = this_term(world)
    ada = world.place.child("Ada", "Lovelace", by=world.manager)
    _, practitioner = world.principal(Role.PRACTITIONER)
    _, parent = world.principal(Role.PARENT)
    link(world.deps, parent, ada)
    for caller in (practitioner, parent):
        with pytest.raises(Forbidden):
            cohort_report(world.deps, caller, term)


def test_on_the_age_band_scale_a_band_behind_the_childs_age_or_emerging_in_their_own_is_not_on_track(
    world: Nursery,
) -> None:
    deps, manager = world.deps, world.manager
    term = this_term(world)  # closes in 40 days: ages are taken at the close
    assessments.save_options(deps, manager, "age-band", None, None, assessments.read_plan(deps, manager).etag)
    today = deps.clock.now().date()
    cases = {  # name: (age in months today, band, value)
        "Ada": (30, "birth-to-three", "developing"),  # her own band, developing: on track
        "Bram": (44, "birth-to-three", "secure"),  # a band he has outgrown: behind
        "Cleo": (44, "three-and-four", "emerging"),  # emerging in her own band: not yet
        "Dev": (44, "three-and-four", "developing"),
    }
    for name, (months, band, value) in cases.items():
        child = world.place.child(name, "Band", by=manager, born=add_months(today, -months))
        values = {a: {"judgement": value, "band": band} for a in ASPECTS}
        made = assessments.record_judgements(deps, manager, child.child_id, term, values, None)
        assessments.approve(deps, manager, child.child_id, term, made.etag)
    talk = area(cohort_report(deps, manager, term).areas, "communication-and-language")
    assert (talk.counted, talk.on_track) == (4, 2)
    assert [c.first_name for c in talk.behind] == ["Bram", "Cleo"]


def test_s29_the_csv_and_the_pdf_are_audited_as_exports_with_what_was_chosen(world: Nursery) -> None:
    term = this_term(world)
    final(world, world.place.child("Ada", "Lovelace", by=world.manager), term)
    cohort_files.cohort_csv(world.deps, world.manager, term, None, "eal")
    cohort_files.cohort_pdf(world.deps, world.manager, term, None, None)
    exported = [e for e in read_audit(world.deps, world.manager).events if e.action == "cohort.export"]
    assert sorted(e.detail for e in exported) == ["csv room=all group=eal", "pdf room=all group=all"]
    assert {e.target for e in exported} == {term}
