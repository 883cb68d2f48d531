"""Assessments over real HTTP: the role matrix (parents, practitioners, key-children-only
practitioners, managers), the suggested evidence as the key person sees it, versions (428, 412),
the step-up for the choices, and clear 400s for bad input with nothing written (S24, S30, S35)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from shared.clock import FrozenClock
from tests.conftest import PASSWORD
from tests.http.conftest import Api
from tests.http.key_children import key_children_only
from tests.http.test_photos_http import Nursery


@dataclass
class Roles:
    nursery: Nursery
    parent: Api  # the child's parent
    other_parent: Api  # a parent of another child of the same setting
    practitioner: Api  # key person for the child
    not_key: Api  # a practitioner who is not, while keyChildrenOnly is on
    point: str  # this term's assessment point

    @property
    def manager(self) -> Api:
        return self.nursery.manager

    @property
    def path(self) -> str:
        return f"/api/children/{self.nursery.child_id}/assessments/{self.point}"

    def version(self) -> str:
        return self.manager.get(self.path).headers["ETag"]


def observed(nursery: Nursery, aspects: list[str], text: str) -> str:
    """A published observation of the nursery's child today, linked to these aspects."""
    body = {"childIds": [nursery.child_id], "text": text, "areas": [], "aspects": aspects,
            "observedOn": date.today().isoformat()}  # fmt: skip
    made = nursery.manager.post("/api/observations", body)
    assert made.status_code == 201, made.text
    observation = str(made.json()["observation"]["id"])
    nursery.publish(observation)
    return observation


@pytest.fixture
def roles(api: Api) -> Roles:
    nursery, practitioner, not_key = key_children_only(api)
    manager = nursery.manager
    today = date.today().isoformat()
    point = next(p["id"] for p in manager.get("/api/assessment-plan").json()["plan"]["points"]
                 if p["opens"] <= today <= p["closes"] and not p["id"].startswith("entry"))  # fmt: skip
    other = nursery.parent_of(nursery.add_child())
    return Roles(nursery, nursery.parent_of(nursery.child_id), other, practitioner, not_key, point)


def test_s24_the_role_matrix_of_the_assessment_routes(roles: Roles) -> None:
    manager, path = roles.manager, roles.path
    plan = "/api/assessment-plan"
    for who, status in ((manager, 200), (roles.practitioner, 200), (roles.not_key, 200), (roles.parent, 403)):
        assert who.get(plan).status_code == status
    # Reading a child at a point: staff who may see the child; parents only final, shown ones.
    for who, status in ((roles.practitioner, 200), (manager, 200), (roles.not_key, 404),
                        (roles.parent, 404), (roles.other_parent, 404)):  # fmt: skip
        assert who.get(path).status_code == status, who
    told = observed(roles.nursery, ["speaking", "number"], "Told us about the bus ride, counting stops.")
    opened = roles.practitioner.get(path).json()["assessment"]
    suggested = {a["id"]: a["suggested"] for a in opened["aspects"]}
    assert suggested["speaking"]["count"] == 1 and suggested["speaking"]["observations"][0]["id"] == told
    assert suggested["writing"] == {"count": 0, "observations": []}
    assert opened["status"] == "draft" and opened["etag"] == "new" and opened["values"][1] == "on-track"
    assert (opened["mayJudge"], opened["readOnlyReason"]) == (True, "")
    # Writing: the key person and managers; a parent is refused by role, the other practitioner 404.
    judged = {"speaking": {"judgement": "on-track", "note": "Chats at lunch.", "evidence": [told]}}
    written = roles.practitioner.call("PUT", path, {"judgements": judged})
    assert written.status_code == 200, written.text
    shown = {a["id"]: a["judgement"] for a in written.json()["assessment"]["aspects"]}
    assert shown["speaking"] == {
        "value": "on-track",
        "band": None,
        "note": "Chats at lunch.",
        "evidence": [told],
    }
    # The point's overview: staff only; the manager sees who waits for approval.
    overview = manager.get("/api/assessments", params={"point": roles.point}).json()
    assert overview["waitingForApproval"] == 1 and overview["point"]["id"] == roles.point
    standing = {c["id"]: (c["status"], c["judged"]) for c in overview["children"]}
    assert standing[roles.nursery.child_id] == ("draft", 1) and len(standing) == 2
    assert roles.not_key.get("/api/assessments").json()["children"] == []  # no key children
    assert roles.parent.get("/api/assessments").status_code == 403
    assert manager.get("/api/assessments", params={"point": "nowhere"}).status_code == 404
    again = {"judgements": {"number": {"judgement": "working-beyond"}}}
    assert roles.practitioner.call("PUT", path, again).status_code == 428
    assert roles.practitioner.call("PUT", path, again, headers={"If-Match": '"stale"'}).status_code == 412
    assert roles.parent.call("PUT", path, again, headers={"If-Match": roles.version()}).status_code == 403
    assert roles.not_key.call("PUT", path, again, headers={"If-Match": roles.version()}).status_code == 404
    # Approving: managers only; then final, and the key person can no longer change it.
    for who in (roles.practitioner, roles.parent):
        assert who.post(f"{path}/approve", headers={"If-Match": roles.version()}).status_code == 403
    assert manager.post(f"{path}/approve").status_code == 428
    approved = manager.post(f"{path}/approve", headers={"If-Match": roles.version()})
    assert approved.status_code == 200 and approved.json()["assessment"]["status"] == "final"
    assert (
        roles.practitioner.call("PUT", path, again, headers={"If-Match": roles.version()}).status_code == 409
    )
    final = roles.practitioner.get(path).json()["assessment"]
    assert final["mayJudge"] is False and "only a manager" in final["readOnlyReason"]
    assert manager.get(path).json()["assessment"]["mayJudge"] is True
    # Parents: nothing until the setting shows final judgements, then only their own child's.
    assert roles.parent.get(path).status_code == 404
    assert roles.parent.get(f"/api/children/{roles.nursery.child_id}/assessments").status_code == 404
    options = manager.call("PATCH", f"{plan}/options", {"parentsSeeFinal": True},
                           headers={"If-Match": manager.get(plan).headers["ETag"]})  # fmt: skip
    assert options.status_code == 200 and options.json()["plan"]["parentsSeeFinal"] is True
    seen = roles.parent.get(path)
    assert seen.status_code == 200, seen.text
    assert seen.json()["assessment"]["aspects"] == [
        {"id": "speaking", "areaId": "communication-and-language", "area": "Communication and language",
         "name": "Speaking", "judgement": {"value": "on-track", "band": None}}
    ]  # fmt: skip
    assert "Chats at lunch" not in seen.text and told not in seen.text and "updatedAt" not in seen.text
    listed = roles.parent.get(f"/api/children/{roles.nursery.child_id}/assessments").json()["points"]
    assert [(p["id"], p["status"]) for p in listed] == [(roles.point, "final")]
    assert roles.other_parent.get(path).status_code == 404
    assert roles.other_parent.get(f"/api/children/{roles.nursery.child_id}/assessments").status_code == 404
    staff_list = roles.practitioner.get(f"/api/children/{roles.nursery.child_id}/assessments").json()[
        "points"
    ]
    assert len(staff_list) == 4 and {p["id"]: p["judged"] for p in staff_list}[roles.point] == 1
    # The plan: managers only, under its version.
    points = manager.get(plan).json()["plan"]["points"]
    renamed = [{**points[0], "name": "Settling in"}, *points[1:]]
    current = {"If-Match": manager.get(plan).headers["ETag"]}
    for who in (roles.practitioner, roles.parent):
        assert who.call("PUT", f"{plan}/points", {"points": renamed}, headers=current).status_code == 403
    assert manager.call("PUT", f"{plan}/points", {"points": renamed}).status_code == 428
    saved = manager.call(
        "PUT", f"{plan}/points", {"points": renamed}, headers={"If-Match": manager.get(plan).headers["ETag"]}
    )
    assert saved.status_code == 200 and saved.json()["plan"]["points"][0]["name"] == "Settling in"
    without_used = [p for p in renamed if p["id"] != roles.point]
    kept = manager.call(
        "PUT", f"{plan}/points", {"points": without_used}, headers={"If-Match": saved.headers["ETag"]}
    )
    assert kept.status_code == 409 and kept.json()["error"]["code"] == "conflict"


def test_s35_the_choices_need_a_fresh_step_up(roles: Roles, clock: FrozenClock) -> None:
    manager, plan = roles.manager, "/api/assessment-plan"
    clock.advance(minutes=6)
    answer = manager.call("PATCH", f"{plan}/options", {"unapprovedEvidence": True},
                          headers={"If-Match": manager.get(plan).headers["ETag"]})  # fmt: skip
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "step_up_required"
    assert manager.get(plan).json()["plan"]["unapprovedEvidence"] is False
    assert (
        manager.post("/api/account/step-up", {"method": "password", "password": PASSWORD}).status_code == 200
    )
    answer = manager.call("PATCH", f"{plan}/options", {"unapprovedEvidence": True},
                          headers={"If-Match": manager.get(plan).headers["ETag"]})  # fmt: skip
    assert answer.status_code == 200 and answer.json()["plan"]["unapprovedEvidence"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"judgements": {"nonsense": {"judgement": "on-track"}}}, "judgements"),
        ({"judgements": {"number": {"judgement": "brilliant"}}}, "judgements"),
        ({"judgements": {"number": {"judgement": "on-track", "note": 7}}}, "judgements"),
        ({"judgements": {"number": {"judgement": "on-track", "evidence": ["o" + "0" * 20]}}}, "judgements"),
        ({"judgements": "on-track"}, "judgements"),
        ({"judgements": {"number": {"judgement": "on-track"}}, "mood": "sunny"}, "mood"),
    ],
)
def test_s30_bad_judgements_are_a_clear_400_and_nothing_is_written(
    roles: Roles, body: object, field: str
) -> None:
    answer = roles.practitioner.call("PUT", roles.path, body)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_input" and error["field"] == field and error["message"]
    assert roles.manager.get(roles.path).json()["assessment"]["etag"] == "new"


def test_s30_bad_points_and_options_are_a_clear_400(roles: Roles) -> None:
    manager, plan = roles.manager, "/api/assessment-plan"
    version = {"If-Match": manager.get(plan).headers["ETag"]}
    backwards = {"name": "Spring", "opens": "2027-04-01", "closes": "2027-01-01"}
    for body in ({"points": []}, {"points": [backwards]}, {"points": [{**backwards, "opens": "next week"}]}):
        answer = manager.call("PUT", f"{plan}/points", body, headers=version)
        assert answer.status_code == 400 and answer.json()["error"]["field"] == "points", answer.text
    for body, field in (({"scale": "stars"}, "scale"), ({"parentsSeeFinal": "yes"}, "parentsSeeFinal")):
        answer = manager.call("PATCH", f"{plan}/options", body, headers=version)
        assert answer.status_code == 400 and answer.json()["error"]["field"] == field, answer.text
    assert manager.get(plan).json()["plan"]["etag"] == "new"


def test_s24_only_managers_make_the_choices_and_approve_and_a_non_key_practitioner_reaches_nothing(
    roles: Roles,
) -> None:
    manager, plan, child = roles.manager, "/api/assessment-plan", roles.nursery.child_id
    current = {"If-Match": manager.get(plan).headers["ETag"]}
    for who in (roles.practitioner, roles.not_key, roles.parent):
        refused = who.call("PATCH", f"{plan}/options", {"parentsSeeFinal": True}, headers=current)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert manager.get(plan).json()["plan"]["parentsSeeFinal"] is False
    written = roles.practitioner.call(
        "PUT", roles.path, {"judgements": {"number": {"judgement": "on-track"}}}
    )
    assert written.status_code == 200, written.text
    version = {"If-Match": written.headers["ETag"]}
    assert roles.not_key.get(f"/api/children/{child}/assessments").status_code == 404
    assert roles.not_key.post(f"{roles.path}/approve", headers=version).status_code == 403
    assert roles.other_parent.post(f"{roles.path}/approve", headers=version).status_code == 403
    assert manager.get(roles.path).json()["assessment"]["status"] == "draft"
