"""The AssessmentStore contract: a setting's plan under its ETag; a child's record at a point read
back with every judgement exactly as written, saved all or nothing, stale saves refused; a
point's records in child order, all of them or some children's; the purge taking a child's rows
at every point and no one else's."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from shared.clock import FrozenClock
from shared.domain.assessments import (
    AssessmentPlan,
    AssessmentPoint,
    ChildAssessment,
    Judgement,
    RecordStatus,
    Scale,
    default_plan,
)
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.services.deps import Deps

ASPECTS = ("speaking", "number", "writing", "managing-self")


def record(setting_id: str, child_id: str, point_id: str = "autumn-2026", **changes: Any) -> ChildAssessment:
    made = ChildAssessment(setting_id, point_id, child_id, "development-matters", "2023-09", Scale.ON_TRACK,
                           {a: Judgement(a, "on-track") for a in ASPECTS})  # fmt: skip
    return replace(made, **changes)


def test_a_plan_reads_back_as_saved_and_a_stale_or_second_new_one_is_refused(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    assert ports.assessments.plan(setting_id) is None
    plan = replace(default_plan(setting_id, date(2026, 12, 3)), scale=Scale.AGE_BAND, parents_see_final=True,
                   updated_by="m1", updated_at=clock.now())  # fmt: skip
    saved = ports.assessments.save_plan(plan)
    found = ports.assessments.plan(setting_id)
    assert found is not None and found.etag == saved.etag and replace(found, etag=None) == plan
    with pytest.raises(Conflict):
        ports.assessments.save_plan(plan)
    renamed = (AssessmentPoint("autumn-2026", "Herbst — осень", date(2026, 9, 1), date(2026, 12, 19)),)
    second = ports.assessments.save_plan(replace(saved, points=renamed, unapproved_evidence=True))
    assert second.etag != saved.etag
    with pytest.raises(ConcurrencyConflict):
        ports.assessments.save_plan(replace(saved, points=()))
    again = ports.assessments.plan(setting_id)
    assert again is not None and again.points == renamed and again.unapproved_evidence
    assert ports.assessments.plan(setting_id + "x") is None


def test_a_childs_record_reads_back_with_every_judgement_band_note_and_evidence(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    judgements = {
        "speaking": Judgement("speaking", "developing", "three-and-four", "Tells stories to محمد — ধন্যবাদ",
                              ("o1", "o2")),
        "number": Judgement("number", "secure", "birth-to-three"),
    }  # fmt: skip
    new = record(setting_id, "c1", scale=Scale.AGE_BAND, judgements=judgements, updated_by="u1",
                 updated_at=clock.now())  # fmt: skip
    saved = ports.assessments.save_record(new)
    assert saved.etag
    found = ports.assessments.record(setting_id, "autumn-2026", "c1")
    assert found is not None and found.etag == saved.etag and replace(found, etag=None) == new
    assert ports.assessments.record(setting_id, "spring-2027", "c1") is None
    assert ports.assessments.record(setting_id + "x", "autumn-2026", "c1") is None
    with pytest.raises(Conflict):
        ports.assessments.save_record(new)


def test_a_child_whose_id_continues_another_s_is_never_read_as_part_of_it(
    ports: Deps, setting_id: str
) -> None:
    only_number = {"number": Judgement("number", "on-track")}
    ports.assessments.save_record(record(setting_id, "c1", judgements=only_number))
    ports.assessments.save_record(record(setting_id, "c10"))
    found = ports.assessments.record(setting_id, "autumn-2026", "c1")
    assert found is not None and list(found.judgements) == ["number"]


def test_a_stale_save_changes_nothing_and_a_current_one_clears_and_approves_together(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    first = ports.assessments.save_record(record(setting_id, "c1"))
    judged = dict(first.judgements, speaking=Judgement("speaking", "working-beyond", note="Long sentences."))
    del judged["writing"]
    approved = replace(first, judgements=judged, status=RecordStatus.FINAL, approved_by="m1",
                       approved_at=clock.now())  # fmt: skip
    second = ports.assessments.save_record(approved, cleared={"writing"})
    assert second.etag != first.etag
    with pytest.raises(ConcurrencyConflict):
        ports.assessments.save_record(replace(first, judgements={}), cleared={"number"})
    found = ports.assessments.record(setting_id, "autumn-2026", "c1")
    assert found is not None and found.status is RecordStatus.FINAL and found.approved_at == clock.now()
    assert sorted(found.judgements) == ["managing-self", "number", "speaking"]
    assert found.judgements["speaking"].note == "Long sentences."
    with pytest.raises(NotFound):  # a record that was never stored cannot be written as if read
        ports.assessments.save_record(record(setting_id, "c2", etag=second.etag))


def test_a_points_records_come_in_child_order_and_the_purge_takes_one_child_everywhere(
    ports: Deps, setting_id: str
) -> None:
    for child in ("c3", "c1", "c2"):
        ports.assessments.save_record(record(setting_id, child))
    ports.assessments.save_record(record(setting_id, "c1", point_id="spring-2027"))
    ports.assessments.save_record(record(setting_id + "x", "c1"))
    listed = ports.assessments.records(setting_id, "autumn-2026")
    assert [r.child_id for r in listed] == ["c1", "c2", "c3"]
    assert all(sorted(r.judgements) == sorted(ASPECTS) for r in listed)
    assert ports.assessments.point_used(setting_id, "spring-2027")
    assert not ports.assessments.point_used(setting_id, "summer-2027")
    gone = ports.assessments.erase_child(setting_id, "c1", ["autumn-2026", "spring-2027", "summer-2027"])
    assert gone == 2 * (1 + len(ASPECTS))
    assert ports.assessments.record(setting_id, "autumn-2026", "c1") is None
    assert ports.assessments.record(setting_id, "spring-2027", "c1") is None
    assert not ports.assessments.point_used(setting_id, "spring-2027")
    assert [r.child_id for r in ports.assessments.records(setting_id, "autumn-2026")] == ["c2", "c3"]
    assert ports.assessments.record(setting_id + "x", "autumn-2026", "c1") is not None
    assert ports.assessments.erase_child(setting_id, "c1", ["autumn-2026"]) == 0


def test_some_childrens_records_come_whole_in_child_order_and_no_one_elses(
    ports: Deps, setting_id: str
) -> None:
    only_number = {"number": Judgement("number", "on-track")}
    for child in ("c3", "c1", "c2"):
        ports.assessments.save_record(record(setting_id, child))
    ports.assessments.save_record(record(setting_id, "c10", judgements=only_number))
    ports.assessments.save_record(record(setting_id, "c4", point_id="spring-2027"))
    found = ports.assessments.records_of(setting_id, "autumn-2026", ["c3", "c1", "c4", "c9"])
    assert [r.child_id for r in found] == ["c1", "c3"]  # c4 is judged at another point, c9 nowhere
    assert all(sorted(r.judgements) == sorted(ASPECTS) for r in found)  # c10's rows are not c1's
    assert ports.assessments.records_of(setting_id + "x", "autumn-2026", ["c1"]) == []
    assert ports.assessments.records_of(setting_id, "autumn-2026", []) == []


def test_plans_hold_no_judgement(ports: Deps, setting_id: str) -> None:
    """The plan row and a point's partition never meet: a setting's plan is not a point's record."""
    points = default_plan(setting_id, date(2026, 9, 1)).points
    plan = ports.assessments.save_plan(AssessmentPlan(setting_id, points))
    assert plan.etag and ports.assessments.records(setting_id, "plan") == []


def test_two_saves_racing_from_one_read_leave_exactly_one_of_them_whole(ports: Deps, setting_id: str) -> None:
    first = ports.assessments.save_record(record(setting_id, "c1"))
    mine = replace(first, judgements={a: Judgement(a, "working-beyond") for a in ASPECTS})
    theirs = replace(first, judgements={a: Judgement(a, "not-yet-on-track") for a in ASPECTS})
    start = threading.Barrier(2)

    def save(version: ChildAssessment) -> str:
        start.wait()
        try:
            ports.assessments.save_record(version)
        except ConcurrencyConflict:
            return "refused"
        return "saved"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(save, [mine, theirs]))
    assert outcomes == ["refused", "saved"]
    found = ports.assessments.record(setting_id, "autumn-2026", "c1")
    assert found is not None and len({j.value for j in found.judgements.values()}) == 1  # never a mix
