"""The child's export carries their judgements at each assessment point: staff's in any state with
the notes; a parent's only final ones, without the notes, and only when the setting shows them."""

from __future__ import annotations

import json

from shared.services import assessments
from tests import pdfs
from tests.fakes.wiring import Fakes
from tests.service.test_exports import Family, blob, built, family, unzip

__all__ = ["family"]  # the fixture, used by name

JUDGED = {
    "speaking": {"judgement": "working-beyond", "note": "Retells the Gruffalo with Grace."},
    "number": {"judgement": "on-track"},
}


def test_the_childs_export_includes_judgements_for_staff_and_for_a_parent_only_final_and_shown(
    family: Family, fakes: Fakes
) -> None:
    deps, manager, ada = family.deps, family.manager, family.ada.child_id
    point = assessments.read_plan(deps, manager).points[1]
    first = assessments.record_judgements(deps, manager, ada, point.point_id, JUDGED, None)
    staff = unzip(blob(fakes, built(family, manager).blob("zip")))
    [document] = json.loads(staff["journal.json"])["assessments"]
    assert document["point"] == point.name and document["status"] == "draft"
    assert document["framework"] == "Development Matters" and document["scale"] == "on-track"
    assert [(j["aspect"], j["judgement"], j["note"]) for j in document["judgements"]] == [
        ("Speaking", "working-beyond", "Retells the Gruffalo with Grace."),
        ("Number", "on-track", ""),
    ]
    assert pdfs.shows(staff["journal.pdf"], f"Assessment: {point.name}")
    plan = assessments.read_plan(deps, manager)
    shown = assessments.save_options(deps, manager, None, None, True, plan.etag)
    parent = unzip(blob(fakes, built(family, family.parent).blob("zip")))
    assert "assessments" not in json.loads(parent["journal.json"])  # a draft: never to parents
    assessments.approve(deps, manager, ada, point.point_id, first.etag)
    theirs = unzip(blob(fakes, built(family, family.parent).blob("zip")))
    [final] = json.loads(theirs["journal.json"])["assessments"]
    assert final["status"] == "final" and [j["note"] for j in final["judgements"]] == ["", ""]
    assert "Gruffalo" not in theirs["journal.json"].decode() and not pdfs.shows(
        theirs["journal.pdf"], "Gruffalo"
    )
    assessments.save_options(deps, manager, None, None, False, shown.etag)
    hidden = unzip(blob(fakes, built(family, family.parent).blob("zip")))
    assert "assessments" not in json.loads(hidden["journal.json"])
