"""S37 with S24 over real HTTP: a key-children-only practitioner is told of untagged names only
among the children they may observe, so a save never tells them which other children exist."""

from __future__ import annotations

from datetime import date

from tests.http.conftest import Api
from tests.http.key_children import key_children_only


def _untagged(client: Api, child_id: str, text: str) -> list[str]:
    body = {"childIds": [child_id], "text": text, "areas": ["mathematics"],
            "observedOn": date.today().isoformat()}  # fmt: skip
    created = client.post("/api/observations", body)
    assert created.status_code == 201, created.text
    return [str(c["name"]) for c in created.json()["untaggedNames"]]


def test_s37_s24_a_key_person_is_told_only_of_children_they_may_observe(api: Api) -> None:
    nursery, key_person, _ = key_children_only(api)
    body = {"firstName": "Harry", "lastName": "Jones", "dateOfBirth": date(2023, 5, 1).isoformat(),
            "photosInOwnJournal": True, "photosInOthersJournals": False}  # fmt: skip
    assert nursery.manager.post("/api/children", body).status_code == 201
    text = "Ada and Harry Jones built a tower."
    assert _untagged(nursery.manager, nursery.child_id, text) == ["Harry Jones"]
    assert _untagged(key_person, nursery.child_id, text) == []
