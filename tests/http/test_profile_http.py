"""The EYFS profile over real HTTP: the role matrix (parents, practitioners, key-children-only
practitioners, managers), a parent's view once shared, and the MIS CSV as downloaded (S24, S29)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest

from tests.http.conftest import Api
from tests.http.key_children import key_children_only
from tests.http.test_photos_http import Nursery


@dataclass
class Roles:
    nursery: Nursery
    parent: Api
    practitioner: Api  # key person for the child
    not_key: Api  # a practitioner who is not, while keyChildrenOnly is on
    elgs: list[str]

    @property
    def child(self) -> str:
        return self.nursery.child_id

    def version(self) -> str:
        return self.nursery.manager.get(f"/api/children/{self.child}/profile").headers["ETag"]


@pytest.fixture
def roles(api: Api) -> Roles:
    nursery, practitioner, not_key = key_children_only(api)
    manager = nursery.manager
    elgs = [
        e["id"] for e in manager.get(f"/api/children/{nursery.child_id}/profile").json()["profile"]["elgs"]
    ]
    return Roles(nursery, nursery.parent_of(nursery.child_id), practitioner, not_key, elgs)


def put(client: Api, roles: Roles, judgements: dict[str, str | None], version: str | None = None) -> int:
    headers = {"If-Match": version} if version else {}
    return client.call(
        "PUT", f"/api/children/{roles.child}/profile", {"judgements": judgements}, headers=headers
    ).status_code


def test_s24_the_role_matrix_of_the_profile_routes(roles: Roles) -> None:
    child, manager = roles.child, roles.nursery.manager
    # Reading: staff who may see the child; the parent and the non-key practitioner get 404.
    assert roles.practitioner.get(f"/api/children/{child}/profile").status_code == 200
    assert manager.get(f"/api/children/{child}/profile").status_code == 200
    assert roles.not_key.get(f"/api/children/{child}/profile").status_code == 404
    assert roles.parent.get(f"/api/children/{child}/profile").status_code == 404
    # Recording: the key practitioner and managers; a parent is refused by role, the other practitioner 404.
    assert put(roles.practitioner, roles, dict.fromkeys(roles.elgs, "expected")) == 200
    assert put(roles.parent, roles, {"speaking": "emerging"}, roles.version()) == 403
    assert put(roles.not_key, roles, {"speaking": "emerging"}, roles.version()) == 404
    # Finalising, sharing and the CSV: managers only.
    for who in (roles.practitioner, roles.parent):
        assert (
            who.post(
                f"/api/children/{child}/profile/finalise", headers={"If-Match": roles.version()}
            ).status_code
            == 403
        )
        assert who.post(f"/api/children/{child}/profile/share", {"shared": True},
                        headers={"If-Match": roles.version()}).status_code == 403  # fmt: skip
        assert who.get("/api/profiles/csv").status_code == 403
    assert roles.not_key.get("/api/profiles/csv").status_code == 403
    assert roles.parent.get("/api/framework").status_code == 403
    assert roles.practitioner.get("/api/framework").json()["id"] == "development-matters"
    final = manager.post(f"/api/children/{child}/profile/finalise", headers={"If-Match": roles.version()})
    assert final.status_code == 200, final.text
    assert (
        put(roles.practitioner, roles, {"speaking": "emerging"}, roles.version()) == 409
    )  # final: managers only
    assert roles.parent.get(f"/api/children/{child}/profile").status_code == 404  # not shared yet
    shared = manager.post(
        f"/api/children/{child}/profile/share", {"shared": True}, headers={"If-Match": roles.version()}
    )
    assert shared.status_code == 200, shared.text
    seen = roles.parent.get(f"/api/children/{child}/profile")
    assert seen.status_code == 200 and seen.json()["profile"]["goodLevelOfDevelopment"] is True
    assert "etag" not in seen.json()["profile"] and "sharedWithParents" not in seen.json()["profile"]


def test_bad_judgements_are_a_clear_400_and_nothing_is_written(roles: Roles) -> None:
    answer = roles.nursery.manager.call(
        "PUT", f"/api/children/{roles.child}/profile", {"judgements": {"speaking": "secure"}}
    )
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "judgements"
    unknown = roles.nursery.manager.call("PUT", f"/api/children/{roles.child}/profile", {"grade": "A"})
    assert unknown.status_code == 400 and unknown.json()["error"]["field"] == "grade"
    assert (
        roles.nursery.manager.get(f"/api/children/{roles.child}/profile").json()["profile"]["judgements"]
        == {}
    )


def test_the_csv_downloads_as_an_attachment_with_a_row_per_child_and_gld(roles: Roles) -> None:
    judgements: dict[str, str | None] = dict.fromkeys(roles.elgs, "expected")
    judgements["number"] = "emerging"
    assert put(roles.nursery.manager, roles, judgements) == 200
    answer = roles.nursery.manager.get("/api/profiles/csv")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert answer.headers["Content-Disposition"] == 'attachment; filename="eyfs-profile.csv"'
    assert answer.headers["Cache-Control"] == "no-store"
    table = list(csv.reader(io.StringIO(answer.text)))
    assert table[0][0] == "Surname" and table[0][-2:] == ["GLD", "Status"]
    assert table[1][:2] == ["Lovelace", "Ada"] and table[1][-2:] == ["N", "draft"]
