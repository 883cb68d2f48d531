"""Observations, the journal, comments and moments over real HTTP through the local host."""

from __future__ import annotations

import secrets
from typing import Any

from devhost.world import Place
from shared import bootstrap
from shared.domain.children import Child
from shared.domain.people import Role
from shared.services.invitations import invite
from tests.conftest import PASSWORD, PIN
from tests.http.conftest import Api
from tests.journal_support import add_child


class Nursery:
    """A signed-in manager's browser, and a way to add children and signed-in parents."""

    def __init__(self, api: Api) -> None:
        self.manager = api
        who = api.activate_manager()
        assert api.sign_in(who).status_code == 200
        self.setting_id = who["setting"]
        self.deps = bootstrap.deps()

    def child(self, first: str, last: str, **kwargs: Any) -> Child:
        return add_child(self.deps, self.setting_id, first, last, **kwargs)

    def parent(self, *children: Child) -> Api:
        setting = self.deps.settings.get(self.setting_id)
        assert setting is not None
        email = f"parent-{secrets.token_hex(3)}@family.example"
        account = invite(self.deps, setting, email=email, name="Rosa Rose", role=Role.PARENT, actor="test")
        browser = self.manager.fresh()
        token = browser.link(email, "activate")
        assert browser.post("/api/auth/activate", {"token": token, "password": PASSWORD, "pin": PIN}).ok
        signed_in = browser.sign_in(
            {"setting": self.setting_id, "email": email, "password": PASSWORD, "pin": PIN}
        )
        assert signed_in.status_code == 200
        Place(self.deps, self.setting_id).link(account, *children)
        return browser

    def publish(self, *children: Child, text: str = "We built a tower.", **extra: Any) -> str:
        body = {"childIds": [c.child_id for c in children], "text": text, "areas": ["mathematics"],
                "observedOn": self.deps.clock.now().date().isoformat(), **extra}  # fmt: skip
        created = self.manager.post("/api/observations", body)
        assert created.status_code == 201, created.text
        observation_id = str(created.json()["observation"]["id"])
        version = {"If-Match": created.headers["ETag"]}
        assert (
            self.manager.post(f"/api/observations/{observation_id}/publish", headers=version).status_code
            == 200
        )
        return observation_id


def test_a_concurrent_edit_over_http_gets_412_and_the_first_edit_stays(api: Api) -> None:
    nursery = Nursery(api)
    mia = nursery.child("Mia", "Rose")
    created = api.post(
        "/api/observations",
        {"childIds": [mia.child_id], "text": "Painted", "areas": ["expressive-arts-and-design"],
         "observedOn": nursery.deps.clock.now().date().isoformat()},
    )  # fmt: skip
    assert created.status_code == 201
    observation_id = created.json()["observation"]["id"]
    read = api.get(f"/api/observations/{observation_id}")
    etag = read.headers["ETag"]
    assert read.json()["observation"]["etag"] == etag
    first = api.call(
        "PATCH", f"/api/observations/{observation_id}", {"text": "Mine"}, headers={"If-Match": etag}
    )
    assert first.status_code == 200, first.text
    second = api.call(
        "PATCH", f"/api/observations/{observation_id}", {"text": "Theirs"}, headers={"If-Match": etag}
    )
    assert second.status_code == 412
    assert second.json()["error"]["code"] == "precondition_failed"
    missing = api.call("PATCH", f"/api/observations/{observation_id}", {"text": "No etag"})
    assert missing.status_code == 428 and missing.json()["error"]["code"] == "precondition_required"
    assert api.get(f"/api/observations/{observation_id}").json()["observation"]["text"] == "Mine"


def test_s24_a_parent_reads_a_redacted_journal_and_never_a_draft(api: Api) -> None:
    nursery = Nursery(api)
    mia, ollie = nursery.child("Mia", "Rose"), nursery.child("Ollie", "Stone")
    parent = nursery.parent(mia)
    nursery.publish(mia, ollie, text="Mia and Ollie Stone built a <b>castle</b>.")
    draft = api.post(
        "/api/observations",
        {
            "childIds": [mia.child_id],
            "text": "Draft",
            "observedOn": nursery.deps.clock.now().date().isoformat(),
        },
    ).json()["observation"]["id"]
    page = parent.get(f"/api/children/{mia.child_id}/journal")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    entries = page.json()["entries"]
    assert [e["text"] for e in entries] == ["Mia and O. S. built a <b>castle</b>."]
    assert entries[0]["children"] == [
        {"id": mia.child_id, "name": "Mia Rose", "own": True},
        {"id": None, "name": "O. S.", "own": False},
    ]
    hidden = parent.get(f"/api/observations/{draft}")
    unknown = parent.get("/api/observations/does-not-exist")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.content == unknown.content
    assert parent.get(f"/api/children/{ollie.child_id}/journal").status_code == 404


def test_a_journal_cursor_from_elsewhere_is_a_400_with_the_error_shape(api: Api) -> None:
    nursery = Nursery(api)
    mia = nursery.child("Mia", "Rose")
    response = api.get(f"/api/children/{mia.child_id}/journal", params={"cursor": "eyJqIjoib3RoZXIifQ"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert api.get(f"/api/children/{mia.child_id}/journal", params={"area": "astrology"}).status_code == 400


def test_s19_a_cross_origin_publish_is_refused(api: Api) -> None:
    nursery = Nursery(api)
    mia = nursery.child("Mia", "Rose")
    created = api.post(
        "/api/observations",
        {
            "childIds": [mia.child_id],
            "text": "Ran",
            "observedOn": nursery.deps.clock.now().date().isoformat(),
        },
    ).json()["observation"]["id"]
    refused = api.post(f"/api/observations/{created}/publish", headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403


def test_a_parent_shares_a_moment_staff_accept_it_and_the_family_comments_on_it(api: Api) -> None:
    nursery = Nursery(api)
    mia = nursery.child("Mia", "Rose")
    parent = nursery.parent(mia)
    shared = parent.post(f"/api/children/{mia.child_id}/moments", {"text": "Mia baked bread at home."})
    assert shared.status_code == 201, shared.text
    moment_id = shared.json()["moment"]["id"]
    listed = api.get(f"/api/children/{mia.child_id}/moments").json()["moments"]
    assert [m["id"] for m in listed] == [moment_id]
    accepted = api.post(f"/api/moments/{mia.child_id}/{moment_id}/accept")
    assert accepted.status_code == 200, accepted.text
    assert api.post(f"/api/moments/{mia.child_id}/{moment_id}/accept").status_code == 409
    entries = parent.get(f"/api/children/{mia.child_id}/journal").json()["entries"]
    assert [e["text"] for e in entries] == ["Mia baked bread at home."]
    observation_id = entries[0]["id"]
    comment = parent.post(f"/api/observations/{observation_id}/comments", {"text": "So proud!"})
    assert comment.status_code == 201
    comments = parent.get(f"/api/observations/{observation_id}").json()["observation"]["comments"]
    assert [(c["text"], c["mine"]) for c in comments] == [("So proud!", True)]
