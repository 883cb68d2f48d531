"""Leaving over real HTTP: archive, restore and legal holds, and what each reader sees afterwards."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from devhost.world import Place
from shared import bootstrap
from shared.clock import FrozenClock
from shared.domain.children import Child
from shared.domain.people import Role
from shared.services.invitations import invite
from shared.services.retention import Budget, purge
from shared.storage import keys
from shared.storage.tables import Table
from tests.conftest import PASSWORD, PIN
from tests.http.conftest import Api
from tests.journal_support import add_child


@dataclass
class Person:
    browser: Api
    user_id: str
    login: dict[str, str]

    def sign_in_again(self) -> None:
        """After the frozen clock jumps a month, every session has expired."""
        assert self.browser.sign_in(self.login).status_code == 200


class Nursery:
    def __init__(self, api: Api) -> None:
        self.manager_api = api
        who = api.activate_manager()
        assert api.sign_in(who).status_code == 200
        self.setting_id = who["setting"]
        self.deps = bootstrap.deps()

    def child(self, first: str, last: str) -> Child:
        return add_child(self.deps, self.setting_id, first, last)

    def person(self, role: Role, *children: Child) -> Person:
        setting = self.deps.settings.get(self.setting_id)
        assert setting is not None
        email = f"{role.value}-{secrets.token_hex(3)}@family.example"
        account = invite(self.deps, setting, email=email, name="Rosa Rose", role=role, actor="test")
        browser = self.manager_api.fresh()
        token = browser.link(email, "activate")
        assert browser.post("/api/auth/activate", {"token": token, "password": PASSWORD, "pin": PIN}).ok
        login = {"setting": self.setting_id, "email": email, "password": PASSWORD, "pin": PIN}
        assert browser.sign_in(login).status_code == 200
        Place(self.deps, self.setting_id).link(account, *children)
        return Person(browser, account.user_id, login)

    def publish(self, child: Child, text: str) -> str:
        body = {
            "childIds": [child.child_id],
            "text": text,
            "observedOn": self.deps.clock.now().date().isoformat(),
        }
        created = self.manager_api.post("/api/observations", body)
        assert created.status_code == 201, created.text
        observation_id = str(created.json()["observation"]["id"])
        version = {"If-Match": created.headers["ETag"]}
        assert (
            self.manager_api.post(f"/api/observations/{observation_id}/publish", headers=version).status_code
            == 200
        )
        return observation_id

    def archive(self, child: Child) -> None:
        today = self.deps.clock.now().date().isoformat()
        response = self.manager_api.post(f"/api/children/{child.child_id}/archive", {"leavingDate": today})
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "archived"

    def purge(self) -> None:
        purge(self.deps, bootstrap.retention_store(self.manager_api.served.clients), Budget(120))


def ids(response_json: dict[str, list[dict[str, str]]]) -> list[str]:
    return [c["id"] for c in response_json["children"]]


def test_practitioners_no_longer_see_an_archived_child_and_managers_still_do(api: Api) -> None:
    nursery = Nursery(api)
    leo = nursery.child("Leo", "Gone")
    practitioner = nursery.person(Role.PRACTITIONER)
    assert leo.child_id in ids(practitioner.browser.get("/api/children").json())
    refused = practitioner.browser.post(
        f"/api/children/{leo.child_id}/archive", {"leavingDate": "2026-01-01"}
    )
    assert refused.status_code == 403
    nursery.archive(leo)
    assert leo.child_id not in ids(practitioner.browser.get("/api/children").json())
    assert practitioner.browser.get(f"/api/children/{leo.child_id}").status_code == 404
    observed = practitioner.browser.post(
        "/api/observations",
        {
            "childIds": [leo.child_id],
            "text": "Ran",
            "observedOn": nursery.deps.clock.now().date().isoformat(),
        },
    )
    assert observed.status_code == 400
    listed = {c["id"]: c for c in api.get("/api/children").json()["children"]}
    assert listed[leo.child_id]["archived"] is True
    again = api.post(f"/api/children/{leo.child_id}/archive", {"leavingDate": "2026-01-01"})
    assert again.status_code == 409


def test_parents_read_an_archived_childs_journal_inside_the_window_and_get_404_after(
    api: Api, clock: FrozenClock
) -> None:
    nursery = Nursery(api)
    leo, ava = nursery.child("Leo", "Gone"), nursery.child("Ava", "Stays")
    parent = nursery.person(Role.PARENT, leo, ava)
    only_leo = nursery.person(Role.PARENT, leo)
    observation = nursery.publish(leo, "Leo waved goodbye.")
    nursery.archive(leo)
    mail = parent.browser.wait_for_mail(parent.login["email"], count=2)[-1]
    assert "closes on" in mail["Subject"]
    journal = parent.browser.get(f"/api/children/{leo.child_id}/journal")
    assert journal.status_code == 200
    assert [e["text"] for e in journal.json()["entries"]] == ["Leo waved goodbye."]
    assert set(ids(parent.browser.get("/api/me/children").json())) == {leo.child_id, ava.child_id}

    clock.advance(days=31)
    # The window closes at once, before any purge has run: the link carries its closing time.
    parent.sign_in_again()
    assert parent.browser.get(f"/api/children/{leo.child_id}/journal").status_code == 404
    assert parent.browser.get(f"/api/observations/{observation}").status_code == 404
    assert ids(parent.browser.get("/api/me/children").json()) == [ava.child_id]
    nursery.purge()
    # A parent left with no child to read is deactivated: no more sessions.
    browser = only_leo.browser.fresh()
    first = browser.post("/api/auth/login", {k: only_leo.login[k] for k in ("setting", "email", "password")})
    if first.status_code == 200:
        first = browser.post("/api/auth/pin", {"challenge": first.json()["challenge"], "pin": PIN})
    assert first.status_code == 401


def test_a_legal_hold_is_placed_and_lifted_by_managers_and_audited_with_ids_only(
    api: Api, clock: FrozenClock
) -> None:
    nursery = Nursery(api)
    leo = nursery.child("Leo", "Gone")
    reason = "Court order 4411 about a safeguarding case"
    parent = nursery.person(Role.PARENT, leo)
    assert parent.browser.post(f"/api/children/{leo.child_id}/hold", {"reason": reason}).status_code == 403
    held = api.post(f"/api/children/{leo.child_id}/hold", {"reason": reason})
    assert held.status_code == 200, held.text
    assert held.json()["legalHold"] == {"reason": reason}
    assert api.post(f"/api/children/{leo.child_id}/hold", {"reason": ""}).status_code == 400
    lifted = api.call("DELETE", f"/api/children/{leo.child_id}/hold")
    assert lifted.status_code == 200 and lifted.json()["legalHold"] is None
    assert api.call("DELETE", f"/api/children/{leo.child_id}/hold").status_code == 409
    now = clock.now()
    audit = list(
        Table(api.served.clients.table(keys.AUDIT)).query(
            "PartitionKey eq @pk", {"pk": keys.audit_partition(nursery.setting_id, now.year, now.month)}
        )
    )
    assert sorted(
        (r["Action"], r["Target"]) for r in audit if r.get("Action", "").startswith("child.hold")
    ) == [
        ("child.hold", leo.child_id),
        ("child.hold-lift", leo.child_id),
    ]
    assert all("Court order" not in str(r) for r in audit)


def test_a_manager_restores_an_archived_child_and_practitioners_see_it_again(api: Api) -> None:
    nursery = Nursery(api)
    leo = nursery.child("Leo", "Back")
    practitioner = nursery.person(Role.PRACTITIONER)
    nursery.archive(leo)
    restored = api.post(f"/api/children/{leo.child_id}/restore")
    assert restored.status_code == 200, restored.text
    assert restored.json()["status"] == "active" and restored.json()["archivedAt"] is None
    assert leo.child_id in ids(practitioner.browser.get("/api/children").json())
    assert api.post(f"/api/children/{leo.child_id}/restore").status_code == 409
    assert practitioner.browser.post(f"/api/children/{leo.child_id}/restore").status_code == 403


def test_a_childs_record_shows_leaving_and_hold_and_only_managers_see_the_hold_reason(api: Api) -> None:
    nursery = Nursery(api)
    leo, ava = nursery.child("Leo", "Gone"), nursery.child("Ava", "Held")
    practitioner = nursery.person(Role.PRACTITIONER)
    manager = nursery.manager_api
    for child in (leo, ava):
        held = manager.post(f"/api/children/{child.child_id}/hold", {"reason": "Court order 77"})
        assert held.status_code == 200, held.text
    nursery.archive(leo)
    record = manager.get(f"/api/children/{leo.child_id}").json()
    assert record["archived"] and record["leavingDate"] and record["archivedAt"]
    assert record["legalHold"] == {"reason": "Court order 77"}
    seen = practitioner.browser.get("/api/children").json()["children"]
    assert [c["id"] for c in seen] == [ava.child_id]
    assert "legalHold" not in seen[0] and "Court order" not in str(seen)
