"""Assessments: a manager sets the points and choices; the key person judges each aspect with the
child's observations of the period suggested; a manager approves; parents see final judgements
only when the setting shows them; the purge takes them with the child (S24, S29, S35)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from shared.domain.assessments import RecordStatus, Scale
from shared.domain.children import Child
from shared.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from shared.domain.observations import Observation
from shared.domain.people import Principal, Role
from shared.services import assessments, observations
from shared.services.audit_log import read_audit
from shared.services.deps import Deps
from shared.services.step_up import StepUpRequired
from tests.journal_support import link, set_policy
from tests.nurseries import Nursery

ON_TRACK = {"judgement": "on-track"}


def days_ago(deps: Deps, days: int) -> date:
    return deps.clock.now().date() - timedelta(days=days)


def this_term(nursery: Nursery) -> str:
    """A plan of two points: this term (the last 40 days) and the term before; this term's id."""
    deps, manager = nursery.deps, nursery.manager
    points = [
        {
            "name": "Last term",
            "opens": days_ago(deps, 160).isoformat(),
            "closes": days_ago(deps, 41).isoformat(),
        },
        {
            "name": "This term",
            "opens": days_ago(deps, 40).isoformat(),
            "closes": days_ago(deps, -40).isoformat(),
        },
    ]
    plan = assessments.save_points(deps, manager, points, None)
    return next(p.point_id for p in plan.points if p.name == "This term")


def observe(
    nursery: Nursery,
    author: Principal,
    child: Child,
    aspects: list[str],
    days: int,
    *,
    publish: bool = True,
    text: str = "Told the group about the bus ride.",
) -> Observation:
    """An observation of `child` `days` ago, submitted, and published by the manager unless not."""
    deps = nursery.deps
    given = observations.ObservationText(
        child_ids=[child.child_id],
        text=text,
        areas=[],
        aspects=aspects,
        observed_on=days_ago(deps, days).isoformat(),
    )
    made = observations.create_observation(deps, author, given)
    made = observations.submit_observation(deps, author, made.observation_id)
    if publish:
        made = observations.publish_observation(deps, nursery.manager, made.observation_id, made.etag)
    return made


@pytest.fixture
def world(nursery: Nursery) -> Nursery:
    return nursery


def key_child(nursery: Nursery) -> tuple[Principal, Child]:
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    child = nursery.place.child("Ada", "Lovelace", key_person=practitioner.user_id, by=nursery.manager)
    return practitioner, child


def test_the_key_person_judges_with_the_periods_evidence_and_a_manager_approves_audited(
    world: Nursery,
) -> None:
    deps, manager = world.deps, world.manager
    term = this_term(world)
    practitioner, ada = key_child(world)
    told = observe(world, practitioner, ada, ["speaking", "number"], days=3)
    sang = observe(world, practitioner, ada, ["speaking"], days=20, text="Sang " + "la " * 80)
    observe(world, practitioner, ada, ["speaking"], days=60)  # last term: not evidence for this one
    waiting = observe(world, practitioner, ada, ["speaking"], days=2, publish=False)
    opened = assessments.read_point(deps, practitioner, ada.child_id, term)
    assert opened.record.etag is None and opened.record.status is RecordStatus.DRAFT
    assert [e.observation_id for e in opened.evidence["speaking"]] == [
        told.observation_id,
        sang.observation_id,
    ]
    assert [e.observation_id for e in opened.evidence["number"]] == [told.observation_id]
    assert opened.evidence["writing"] == [] and len(opened.evidence) == 17
    assert (
        opened.evidence["speaking"][1].excerpt.endswith("…")
        and len(opened.evidence["speaking"][1].excerpt) <= 140
    )
    judged = {
        "speaking": {
            "judgement": "working-beyond",
            "note": "Long stories.",
            "evidence": [told.observation_id],
        },
        "number": ON_TRACK,
    }
    first = assessments.record_judgements(deps, practitioner, ada.child_id, term, judged, None)
    assert first.status is RecordStatus.DRAFT and first.framework == "development-matters"
    assert first.judgements["speaking"].evidence == (told.observation_id,)
    with pytest.raises(Forbidden):
        assessments.approve(deps, practitioner, ada.child_id, term, first.etag)
    with pytest.raises(InvalidInput):  # awaiting approval: not evidence unless the setting says so
        assessments.record_judgements(
            deps,
            practitioner,
            ada.child_id,
            term,
            {"writing": {**ON_TRACK, "evidence": [waiting.observation_id]}},
            first.etag,
        )
    final = assessments.approve(deps, manager, ada.child_id, term, first.etag)
    assert final.status is RecordStatus.FINAL and final.approved_by == manager.user_id
    stored = deps.assessments.record(world.setting.setting_id, term, ada.child_id)
    assert (
        stored is not None
        and stored.status is RecordStatus.FINAL
        and sorted(stored.judgements) == ["number", "speaking"]
    )
    actions = [e.action for e in read_audit(deps, manager).events]
    assert {"assessment.points", "assessment.record", "assessment.approve"} <= set(actions)


def test_observations_awaiting_approval_count_only_when_the_setting_says_so(world: Nursery) -> None:
    deps, manager = world.deps, world.manager
    term = this_term(world)
    practitioner, ada = key_child(world)
    waiting = observe(world, practitioner, ada, ["speaking"], days=2, publish=False)
    assert assessments.read_point(deps, practitioner, ada.child_id, term).evidence["speaking"] == []
    plan = assessments.read_plan(deps, manager)
    with pytest.raises(StepUpRequired):  # S35: the choices decide what families see
        assessments.save_options(deps, replace(manager, stepped_up_at=None), None, True, None, plan.etag)
    assessments.save_options(deps, manager, None, True, None, plan.etag)
    found = assessments.read_point(deps, practitioner, ada.child_id, term).evidence["speaking"]
    assert [e.observation_id for e in found] == [waiting.observation_id]
    cited = {"speaking": {**ON_TRACK, "evidence": [waiting.observation_id]}}
    assert assessments.record_judgements(deps, practitioner, ada.child_id, term, cited, None).etag
    assert "assessment.options" in [e.action for e in read_audit(deps, manager).events]


def test_a_key_children_only_practitioner_judges_only_their_key_children(world: Nursery) -> None:
    deps = world.deps
    term = this_term(world)
    practitioner, ada = key_child(world)
    _, other = world.principal(Role.PRACTITIONER)
    set_policy(deps, world.setting.setting_id, key_children_only=True)
    for action in (
        lambda: assessments.read_point(deps, other, ada.child_id, term),
        lambda: assessments.record_judgements(deps, other, ada.child_id, term, {"number": ON_TRACK}, None),
    ):
        with pytest.raises(NotFound):
            action()
    assert assessments.record_judgements(
        deps, practitioner, ada.child_id, term, {"number": ON_TRACK}, None
    ).etag


def test_final_judgements_change_only_by_a_manager_and_are_a_draft_again_then(world: Nursery) -> None:
    deps, manager = world.deps, world.manager
    term = this_term(world)
    practitioner, ada = key_child(world)
    first = assessments.record_judgements(deps, practitioner, ada.child_id, term, {"number": ON_TRACK}, None)
    final = assessments.approve(deps, manager, ada.child_id, term, first.etag)
    read = assessments.read_point(deps, practitioner, ada.child_id, term)
    assert read.read_only == assessments.FINAL_FOR_MANAGERS  # the screen says so before a save
    assert assessments.read_point(deps, manager, ada.child_id, term).read_only == ""
    with pytest.raises(Conflict):
        assessments.record_judgements(
            deps, practitioner, ada.child_id, term, {"number": ON_TRACK}, final.etag
        )
    with pytest.raises(Conflict):
        assessments.approve(deps, manager, ada.child_id, term, final.etag)
    changed = assessments.record_judgements(
        deps,
        manager,
        ada.child_id,
        term,
        {"number": {"judgement": "not-yet-on-track"}, "speaking": ON_TRACK},
        final.etag,
    )
    assert changed.status is RecordStatus.DRAFT and changed.approved_at is None
    cleared = assessments.record_judgements(
        deps, manager, ada.child_id, term, {"speaking": None}, changed.etag
    )
    assert list(cleared.judgements) == ["number"]


def test_versions_are_named_and_a_stale_one_changes_nothing(world: Nursery) -> None:
    deps = world.deps
    term = this_term(world)
    practitioner, ada = key_child(world)
    first = assessments.record_judgements(deps, practitioner, ada.child_id, term, {"number": ON_TRACK}, None)
    with pytest.raises(PreconditionRequired):
        assessments.record_judgements(deps, practitioner, ada.child_id, term, {"number": ON_TRACK}, None)
    second = assessments.record_judgements(
        deps, practitioner, ada.child_id, term, {"speaking": ON_TRACK}, first.etag
    )
    with pytest.raises(PreconditionFailed):
        assessments.record_judgements(
            deps, practitioner, ada.child_id, term, {"writing": ON_TRACK}, first.etag
        )
    with pytest.raises(PreconditionFailed):
        assessments.approve(deps, world.manager, ada.child_id, term, first.etag)
    stored = deps.assessments.record(world.setting.setting_id, term, ada.child_id)
    assert (
        stored is not None
        and stored.etag == second.etag
        and sorted(stored.judgements) == ["number", "speaking"]
    )


@pytest.mark.parametrize(
    "judgements",
    [
        {"making-relationships": ON_TRACK},  # Birth to 5 Matters: not the setting's framework
        {"number": {"judgement": "secure"}},  # the age-band scale's word, not this setting's
        {"number": {"judgement": "on-track", "band": "reception"}},  # no bands on this scale
        {"number": {"judgement": "on-track", "note": "x" * 1001}},
        {"number": {"judgement": "on-track", "evidence": ["o" + "1" * 20]}},  # names nothing
        {"number": {"judgement": "on-track", "colour": "red"}},
        {"number": "on-track"},
        {},
    ],
)
def test_bad_judgements_are_refused_and_nothing_is_written(world: Nursery, judgements: object) -> None:
    term = this_term(world)
    practitioner, ada = key_child(world)
    with pytest.raises(InvalidInput):
        assessments.record_judgements(world.deps, practitioner, ada.child_id, term, judgements, None)
    assert world.deps.assessments.record(world.setting.setting_id, term, ada.child_id) is None


def test_another_childs_observation_is_never_evidence(world: Nursery) -> None:
    deps = world.deps
    term = this_term(world)
    practitioner, ada = key_child(world)
    bram = world.place.child("Bram", "Ashdown", key_person=practitioner.user_id, by=world.manager)
    theirs = observe(world, practitioner, bram, ["number"], days=3)
    assert assessments.read_point(deps, practitioner, ada.child_id, term).evidence["number"] == []
    with pytest.raises(InvalidInput):
        assessments.record_judgements(
            deps,
            practitioner,
            ada.child_id,
            term,
            {"number": {**ON_TRACK, "evidence": [theirs.observation_id]}},
            None,
        )


def test_the_age_band_scale_takes_a_band_of_the_framework(world: Nursery) -> None:
    deps, manager = world.deps, world.manager
    term = this_term(world)
    assessments.save_options(deps, manager, "age-band", None, None, assessments.read_plan(deps, manager).etag)
    practitioner, ada = key_child(world)
    with pytest.raises(InvalidInput):
        assessments.record_judgements(
            deps, practitioner, ada.child_id, term, {"number": {"judgement": "secure"}}, None
        )
    made = assessments.record_judgements(
        deps,
        practitioner,
        ada.child_id,
        term,
        {"number": {"judgement": "secure", "band": "three-and-four"}},
        None,
    )
    assert made.scale is Scale.AGE_BAND and made.judgements["number"].band == "three-and-four"


def test_parents_see_only_their_own_childs_final_judgements_and_only_when_the_setting_shows_them(
    world: Nursery,
) -> None:
    deps, manager = world.deps, world.manager
    term = this_term(world)
    practitioner, ada = key_child(world)
    _, parent = world.principal(Role.PARENT)
    _, other_parent = world.principal(Role.PARENT)
    link(deps, parent, ada)
    judged = {"speaking": {"judgement": "on-track", "note": "Talks about Bram a lot."}}
    first = assessments.record_judgements(deps, practitioner, ada.child_id, term, judged, None)
    show = assessments.read_plan(deps, manager)
    shown = assessments.save_options(deps, manager, None, None, True, show.etag)
    with pytest.raises(NotFound):  # a draft: never shown
        assessments.read_point(deps, parent, ada.child_id, term)
    assessments.approve(deps, manager, ada.child_id, term, first.etag)
    seen = assessments.read_point(deps, parent, ada.child_id, term)
    assert seen.record.judgements["speaking"].value == "on-track"
    assert seen.record.judgements["speaking"].note == "" and seen.evidence == {}
    assert [p.point_id for p, _ in assessments.child_points(deps, parent, ada.child_id)] == [term]
    for action in (
        lambda: assessments.read_point(deps, other_parent, ada.child_id, term),
        lambda: assessments.child_points(deps, other_parent, ada.child_id),
        lambda: assessments.record_judgements(deps, parent, ada.child_id, term, judged, None),
    ):
        with pytest.raises((NotFound, Forbidden)):
            action()
    assessments.save_options(deps, manager, None, None, False, shown.etag)
    with pytest.raises(NotFound):
        assessments.read_point(deps, parent, ada.child_id, term)
    with pytest.raises(NotFound):
        assessments.child_points(deps, parent, ada.child_id)
    assert assessments.for_export(deps, parent, ada.child_id) == []
    assert [p.point_id for p, _ in assessments.for_export(deps, manager, ada.child_id)] == [term]


def test_a_manager_renames_and_redates_points_but_never_removes_one_that_holds_judgements(
    world: Nursery,
) -> None:
    deps, manager = world.deps, world.manager
    term = this_term(world)
    practitioner, ada = key_child(world)
    with pytest.raises(Forbidden):
        assessments.save_points(
            deps, practitioner, [{"name": "Mine", "opens": "2026-01-01", "closes": "2026-02-01"}], None
        )
    plan = assessments.read_plan(deps, manager)
    assessments.record_judgements(deps, practitioner, ada.child_id, term, {"number": ON_TRACK}, None)
    with pytest.raises(Conflict):
        assessments.save_points(
            deps, manager, [{"name": "Only new", "opens": "2026-01-01", "closes": "2026-02-01"}], plan.etag
        )
    kept = [{"id": term, "name": "Autumn term", "opens": "2026-09-01", "closes": "2026-12-19"}]
    renamed = assessments.save_points(deps, manager, kept, plan.etag)
    assert [(p.point_id, p.name) for p in renamed.points] == [(term, "Autumn term")]
    with pytest.raises(PreconditionFailed):
        assessments.save_points(deps, manager, kept, plan.etag)
    for bad in (
        [],
        [{"name": "Backwards", "opens": "2026-05-01", "closes": "2026-04-01"}],
        [
            {"name": "A", "opens": "2026-05-01", "closes": "2026-06-01"},
            {"name": "a", "opens": "2026-05-01", "closes": "2026-06-01"},
        ],
        [{"id": "nowhere", "name": "B", "opens": "2026-05-01", "closes": "2026-06-01"}],
        [{"name": "C", "opens": "01/05/2026", "closes": "2026-06-01"}],
    ):
        with pytest.raises(InvalidInput):
            assessments.save_points(deps, manager, bad, renamed.etag)


def test_the_first_judgement_keeps_the_default_points_and_the_purge_takes_every_judgement(
    world: Nursery,
) -> None:
    deps, manager = world.deps, world.manager
    practitioner, ada = key_child(world)
    defaults = assessments.read_plan(deps, manager)
    assert defaults.etag is None and [p.name.split()[0] for p in defaults.points] == [
        "On",
        "Autumn",
        "Spring",
        "Summer",
    ]
    for point in defaults.points[:2]:
        assessments.record_judgements(
            deps, practitioner, ada.child_id, point.point_id, {"number": ON_TRACK}, None
        )
    stored = deps.assessments.plan(world.setting.setting_id)
    assert stored is not None and stored.points == defaults.points
    assert assessments.forget_child(deps, world.setting.setting_id, ada.child_id) == 4
    assert all(r is None for _, r in assessments.child_points(deps, manager, ada.child_id))


def test_an_observation_cited_before_stays_cited_when_it_would_no_longer_count(world: Nursery) -> None:
    deps, manager = world.deps, world.manager
    term = this_term(world)
    practitioner, ada = key_child(world)
    waiting = observe(world, practitioner, ada, ["speaking"], days=2, publish=False)
    plan = assessments.save_options(
        deps, manager, None, True, None, assessments.read_plan(deps, manager).etag
    )
    cited = {"speaking": {**ON_TRACK, "evidence": [waiting.observation_id]}}
    first = assessments.record_judgements(deps, practitioner, ada.child_id, term, cited, None)
    assessments.save_options(deps, manager, None, False, None, plan.etag)
    rewritten = {"speaking": {"judgement": "working-beyond", "evidence": [waiting.observation_id]}}
    kept = assessments.record_judgements(deps, practitioner, ada.child_id, term, rewritten, first.etag)
    assert kept.judgements["speaking"].evidence == (waiting.observation_id,)
    with pytest.raises(InvalidInput):  # citing it for another aspect now is a new citation: refused
        assessments.record_judgements(
            deps,
            practitioner,
            ada.child_id,
            term,
            {"number": {**ON_TRACK, "evidence": [waiting.observation_id]}},
            kept.etag,
        )


def test_only_the_key_person_or_a_manager_records_a_childs_judgements(world: Nursery) -> None:
    deps, manager = world.deps, world.manager
    term = this_term(world)
    key_person, ada = key_child(world)
    _, colleague = world.principal(Role.PRACTITIONER)
    with pytest.raises(Forbidden):
        assessments.record_judgements(deps, colleague, ada.child_id, term, {"number": ON_TRACK}, None)
    assert deps.assessments.record(world.setting.setting_id, term, ada.child_id) is None  # nothing written
    mine = assessments.record_judgements(deps, key_person, ada.child_id, term, {"number": ON_TRACK}, None)
    read = assessments.read_point(deps, colleague, ada.child_id, term)
    assert read.record.etag == mine.etag  # may read, and is told up front that saving is not theirs
    assert read.read_only == assessments.KEY_PERSON_JUDGES
    assert assessments.read_point(deps, key_person, ada.child_id, term).read_only == ""
    assert assessments.read_point(deps, manager, ada.child_id, term).read_only == ""
    again = assessments.record_judgements(
        deps, manager, ada.child_id, term, {"speaking": ON_TRACK}, mine.etag
    )
    assert set(again.judgements) == {"number", "speaking"}
