"""The progress check at age two over real HTTP: the role matrix (parents, practitioners,
key-children-only practitioners, managers), 428 without If-Match, the parent's comment, the PDF as
downloaded and the tracker (S24, S29)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests import pdfs
from tests.http.conftest import Api
from tests.http.key_children import key_children_only
from tests.http.test_photos_http import Nursery

AREAS = {
    "communication-and-language": {
        "strengths": "Joins in with songs.",
        "lessThanExpected": "Few two-word phrases.",
    },
    "personal-social-emotional": {"strengths": "Settles quickly."},
    "physical-development": {"strengths": "Climbs with confidence."},
}


@dataclass
class Roles:
    nursery: Nursery
    parent: Api  # the child's parent
    other_parent: Api  # a parent of another child of the same setting
    practitioner: Api  # key person for the child
    not_key: Api  # a practitioner who is not, while keyChildrenOnly is on

    @property
    def child(self) -> str:
        return self.nursery.child_id

    @property
    def path(self) -> str:
        return f"/api/children/{self.child}/two-year-check"

    def version(self) -> str:
        return self.nursery.manager.get(self.path).headers["ETag"]


@pytest.fixture
def roles(api: Api) -> Roles:
    nursery, practitioner, not_key = key_children_only(api)
    other = nursery.parent_of(nursery.add_child())
    return Roles(nursery, nursery.parent_of(nursery.child_id), other, practitioner, not_key)


def test_s24_the_role_matrix_of_the_two_year_check_routes(roles: Roles) -> None:
    manager, path = roles.nursery.manager, roles.path
    # Reading: staff who may see the child; parents and the non-key practitioner get 404.
    for who, status in ((roles.practitioner, 200), (manager, 200), (roles.not_key, 404),
                        (roles.parent, 404), (roles.other_parent, 404)):  # fmt: skip
        assert who.get(path).status_code == status
        assert who.get(f"{path}/pdf").status_code == status
    # Writing: the key practitioner and managers; a parent is refused by role, the other practitioner 404.
    written = roles.practitioner.call("PUT", path, {"areas": AREAS, "plans": "Talk time daily."})
    assert written.status_code == 200, written.text
    assert roles.practitioner.call("PUT", path, {"plans": "No version."}).status_code == 428
    assert (
        roles.practitioner.call("PUT", path, {"plans": "Old."}, headers={"If-Match": '"stale"'}).status_code
        == 412
    )
    assert (
        roles.parent.call("PUT", path, {"plans": "x"}, headers={"If-Match": roles.version()}).status_code
        == 403
    )
    assert (
        roles.not_key.call("PUT", path, {"plans": "x"}, headers={"If-Match": roles.version()}).status_code
        == 404
    )
    # Finalising and sharing: managers only.
    for who in (roles.practitioner, roles.parent):
        for step, body in (("finalise", None), ("share", {"shared": True})):
            assert who.post(f"{path}/{step}", body, headers={"If-Match": roles.version()}).status_code == 403
    assert manager.post(f"{path}/finalise").status_code == 428
    final = manager.post(f"{path}/finalise", headers={"If-Match": roles.version()})
    assert final.status_code == 200, final.text
    assert (
        roles.practitioner.call(
            "PUT", path, {"plans": "x"}, headers={"If-Match": roles.version()}
        ).status_code
        == 409
    )
    assert roles.parent.get(path).status_code == 404  # final, not shared yet
    shared = manager.post(f"{path}/share", {"shared": True}, headers={"If-Match": roles.version()})
    assert shared.status_code == 200 and shared.json()["check"]["sharedWithParents"] is True
    # The parent reads it, comments on it and downloads it; nobody else's parent reaches it.
    seen = roles.parent.get(path)
    assert seen.status_code == 200 and seen.json()["check"]["areas"][0]["strengths"] == "Joins in with songs."
    assert "sharedWithParents" not in seen.json()["check"] and "parentComments" not in seen.json()["check"]
    assert roles.other_parent.get(path).status_code == 404
    assert roles.other_parent.get(f"{path}/pdf").status_code == 404
    comment = f"{path}/comment"
    assert roles.parent.call("PUT", comment, {"comment": "Thank you."}).status_code == 428
    answer = roles.parent.call("PUT", comment, {"comment": "She sings at home too."},
                               headers={"If-Match": seen.headers["ETag"]})  # fmt: skip
    assert answer.status_code == 200 and answer.json()["check"]["myComment"] == "She sings at home too."
    assert (
        roles.other_parent.call(
            "PUT", comment, {"comment": "x"}, headers={"If-Match": roles.version()}
        ).status_code
        == 404
    )
    for who in (manager, roles.practitioner):
        assert (
            who.call("PUT", comment, {"comment": "x"}, headers={"If-Match": roles.version()}).status_code
            == 403
        )
    staff_view = manager.get(path).json()["check"]
    assert [(c["name"], c["text"]) for c in staff_view["parentComments"]] == [
        ("Pat Parent", "She sings at home too.")
    ]
    pdf = roles.parent.get(f"{path}/pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="two-year-check.pdf"'
    assert pdf.headers["Cache-Control"] == "no-store"
    assert pdfs.shows(pdf.content, "She sings at home too.") and pdfs.shows(
        pdf.content, "Climbs with confidence."
    )


def test_s24_the_tracker_is_for_staff_and_a_key_children_only_practitioner_sees_only_theirs(
    roles: Roles,
) -> None:
    everyone = roles.nursery.manager.get("/api/two-year-checks")
    assert everyone.status_code == 200
    assert len(everyone.json()["children"]) == 2
    row = next(c for c in everyone.json()["children"] if c["id"] == roles.child)
    assert row["dateOfBirth"] == "2023-03-01" and row["standing"] == "overdue" and row["checkStatus"] is None
    theirs = roles.practitioner.get("/api/two-year-checks").json()["children"]
    assert [c["id"] for c in theirs] == [roles.child]
    assert roles.not_key.get("/api/two-year-checks").json()["children"] == []
    assert roles.parent.get("/api/two-year-checks").status_code == 403
    assert roles.nursery.manager.get("/api/two-year-checks?room=nosuchroom").status_code == 404
