"""The child's export carries the progress check at age two: staff's whatever its state, a
parent's only once shared and with their own comment only."""

from __future__ import annotations

import json

from shared.services import two_year_check as checks
from tests import pdfs
from tests.fakes.wiring import Fakes
from tests.service.test_exports import Family, blob, built, family, unzip
from tests.service.test_two_year_check import WRITTEN

__all__ = ["family"]  # the fixture, used by name


def test_the_childs_export_includes_the_check_for_a_manager_and_for_a_parent_once_shared(
    family: Family, fakes: Fakes
) -> None:
    deps, manager, ada = family.deps, family.manager, family.ada.child_id
    written = checks.record_check(deps, manager, ada, WRITTEN, "Small-group talk time daily.", None)
    staff = unzip(blob(fakes, built(family, manager).blob("zip")))
    document = json.loads(staff["journal.json"])["twoYearCheck"]
    assert document["status"] == "draft" and document["plans"] == "Small-group talk time daily."
    assert [a["strengths"] for a in document["areas"]][1] == "Settles quickly with her key person."
    assert pdfs.shows(staff["journal.pdf"], "Progress check at age two")
    parent = unzip(blob(fakes, built(family, family.parent).blob("zip")))
    assert "twoYearCheck" not in json.loads(parent["journal.json"])  # a draft: never to parents
    final = checks.finalise_check(deps, manager, ada, written.etag)
    shared = checks.share_check(deps, manager, ada, True, final.etag)
    checks.comment_on_check(deps, family.parent, ada, "Lovely to read.", shared.etag)
    theirs = unzip(blob(fakes, built(family, family.parent).blob("zip")))
    check = json.loads(theirs["journal.json"])["twoYearCheck"]
    assert check["status"] == "final" and [c["text"] for c in check["parentComments"]] == ["Lovely to read."]
    assert pdfs.shows(theirs["journal.pdf"], "Runs and climbs with confidence.")
