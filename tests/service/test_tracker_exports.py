"""Exports and the tracker's details: a staff export carries them, a parent's never does (S24)."""

from __future__ import annotations

import json

from shared.domain.child_details import DetailsChange
from shared.services import child_details, rooms
from tests.fakes.wiring import Fakes
from tests.service.test_exports import Family, blob, built, family, pdf_text, unzip

__all__ = ["family"]  # the fixture, shared with the export tests


def record_details(family: Family) -> None:
    deps, manager, ada = family.deps, family.manager, family.ada
    child_details.update_policy(deps, manager, True, "new")
    change = DetailsChange(date_started="2024-09-02", eal=True, send_support=True, eypp=True, sex="female")
    child_details.update_details(deps, manager, ada.child_id, change, "new")
    babies = rooms.add_room(deps, manager, "Babies")
    family.nursery.place.move(ada, babies, by=manager)


def test_a_managers_export_carries_the_tracker_details_and_the_childs_rooms(
    family: Family, fakes: Fakes
) -> None:
    record_details(family)
    export = built(family, family.manager)
    document = json.loads(unzip(blob(fakes, export.blob("zip")))["journal.json"])
    tracker = document["tracker"]
    assert (tracker["dateStarted"], tracker["eal"], tracker["sendSupport"], tracker["eypp"]) == (
        "2024-09-02", True, True, True,
    )  # fmt: skip
    assert tracker["sex"] == "female" and tracker["fundedTwo"] is False
    assert [r["room"] for r in tracker["rooms"]] == ["Babies"]


def test_s24_a_parents_export_never_carries_the_tracker_details(family: Family, fakes: Fakes) -> None:
    record_details(family)
    export = built(family, family.parent)
    files = unzip(blob(fakes, export.blob("zip")))
    text = files["journal.json"].decode("utf-8")
    assert "tracker" not in json.loads(text)
    for word in ("sendSupport", "eal", "eypp", "fundedTwo", "dateStarted", "female", "Babies"):
        assert word not in text
    drawn = pdf_text(files["journal.pdf"])
    assert "Ada Lovelace" in drawn and "SEND" not in drawn and "Babies" not in drawn
