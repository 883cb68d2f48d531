"""E-mail changes through the real local host (S38): the takeover a manager tried fails, a change
is confirmed once from the new address with the owner's password, the old address can object, a
second request replaces the first."""

from __future__ import annotations

import secrets
import time

from tests.conftest import PASSWORD
from tests.http.conftest import Api
from tests.http.test_people_http import add_child, join, signed_in_manager

NEW_PASSWORD = "copper meadow lantern quill"


def _parent(api: Api) -> tuple[dict[str, str], Api, dict[str, str]]:
    manager = signed_in_manager(api)
    child = add_child(api)
    browser, who = join(api, manager, "/api/parents", {"childIds": [child["id"]]})
    return manager, browser, who


def _new_address() -> str:
    return f"{secrets.token_hex(4)}@elsewhere.example"


def _texts(api: Api, address: str) -> list[str]:
    return [m.get_body(preferencelist=("plain",)).get_content() for m in api.mails(address)]


def test_s38_a_manager_who_points_a_parent_at_their_own_inbox_cannot_take_the_account(api: Api) -> None:
    manager, parent, who = _parent(api)
    own = _new_address()
    changed = api.call("PATCH", f"/api/parents/{who['id']}", {"email": own})
    assert changed.status_code == 200 and changed.json()["email"] == who["email"]
    # The reset goes nowhere: the account still has its old address (S38).
    attacker = api.fresh()
    asked = attacker.post("/api/auth/reset", {"setting": manager["setting"], "email": own})
    assert asked.status_code == 202
    confirm_token = attacker.link(own, "email-confirm")
    time.sleep(1.5)  # the reset worker has had its chance
    assert not any("/reset#" in text for text in _texts(api, own))
    # Owning the new inbox is not enough: confirming needs the parent's password.
    refused = attacker.post("/api/auth/email/confirm", {"token": confirm_token, "password": NEW_PASSWORD})
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "password"
    assert attacker.post("/api/auth/email/confirm", {"token": confirm_token}).status_code == 400
    login = attacker.post(
        "/api/auth/login", {"setting": manager["setting"], "email": own, "password": PASSWORD}
    )
    assert login.status_code == 401
    # The parent was told at the old address, objects, and every session ends.
    object_token = parent.link(who["email"], "email-object", count=2)
    assert parent.post("/api/auth/email/object", {"token": object_token}).status_code == 200
    assert parent.get("/api/auth/session").status_code == 401
    assert (
        attacker.post("/api/auth/email/confirm", {"token": confirm_token, "password": PASSWORD}).status_code
        == 401
    )
    assert parent.post("/api/auth/email/object", {"token": object_token}).status_code == 401
    # The parent's own address and password still work; the manager's address leads nowhere.
    assert api.fresh().sign_in(who).status_code == 200
    listed = api.get("/api/parents").json()["parents"]
    assert next(p for p in listed if p["id"] == who["id"])["pendingEmail"] is None


def test_s38_a_confirmed_change_works_once_ends_sessions_and_voids_reset_links(api: Api) -> None:
    manager, parent, who = _parent(api)
    parent.post("/api/auth/reset", {"setting": manager["setting"], "email": who["email"]})
    reset = parent.link(who["email"], "reset", count=2)
    new = _new_address()
    assert api.call("PATCH", f"/api/parents/{who['id']}", {"email": new}).status_code == 200
    token = api.link(new, "email-confirm")
    elsewhere = api.fresh()
    assert (
        elsewhere.post("/api/auth/email/confirm", {"token": token, "password": PASSWORD}).status_code == 200
    )
    assert (
        elsewhere.post("/api/auth/email/confirm", {"token": token, "password": PASSWORD}).status_code == 401
    )
    assert parent.get("/api/auth/session").status_code == 401
    voided = api.fresh().post("/api/auth/reset/confirm", {"token": reset, "password": NEW_PASSWORD})
    assert voided.status_code == 401
    assert api.fresh().sign_in({**who, "email": new}).status_code == 200
    login = api.fresh().post(
        "/api/auth/login", {"setting": who["setting"], "email": who["email"], "password": PASSWORD}
    )
    assert login.status_code == 401


def test_s38_a_second_change_request_replaces_the_first(api: Api) -> None:
    _, _, who = _parent(api)
    first, second = _new_address(), _new_address()
    assert api.call("PATCH", f"/api/parents/{who['id']}", {"email": first}).status_code == 200
    assert api.call("PATCH", f"/api/parents/{who['id']}", {"email": second}).status_code == 200
    api.wait_for_mail(second)
    time.sleep(1)  # the first request's instructions are stale by now
    stale = [t for t in _texts(api, first) if "/email-confirm#" in t]
    for text in stale:  # if one was minted before the second request, it is dead now
        token = text.split("/email-confirm#", 1)[1].split()[0]
        assert (
            api.fresh().post("/api/auth/email/confirm", {"token": token, "password": PASSWORD}).status_code
            == 401
        )
    token = api.link(second, "email-confirm")
    assert (
        api.fresh().post("/api/auth/email/confirm", {"token": token, "password": PASSWORD}).status_code == 200
    )
    assert api.fresh().sign_in({**who, "email": second}).status_code == 200


def test_s38_a_user_changes_their_own_address_in_my_account(api: Api) -> None:
    _, parent, who = _parent(api)
    new = _new_address()
    wrong = parent.post("/api/auth/email", {"email": new, "password": NEW_PASSWORD})
    assert wrong.status_code == 400
    asked = parent.post("/api/auth/email", {"email": new, "password": PASSWORD})
    assert asked.status_code == 202, asked.text
    assert parent.get("/api/auth/session").status_code == 200  # nothing changes yet
    token = parent.link(new, "email-confirm")
    assert parent.post("/api/auth/email/confirm", {"token": token, "password": PASSWORD}).status_code == 200
    assert parent.get("/api/auth/session").status_code == 401
    assert api.fresh().sign_in({**who, "email": new}).status_code == 200


def test_s38_a_managers_change_of_a_staff_address_also_waits_for_confirmation(api: Api) -> None:
    manager = signed_in_manager(api)
    staff, who = join(api, manager, "/api/staff", {"role": "practitioner"})
    new = _new_address()
    changed = api.call("PATCH", f"/api/staff/{who['id']}", {"email": new})
    assert changed.status_code == 200 and changed.json()["pendingEmail"] == new
    assert changed.json()["email"] == who["email"]
    assert staff.get("/api/auth/session").status_code == 200
    token = api.link(new, "email-confirm")
    assert (
        api.fresh().post("/api/auth/email/confirm", {"token": token, "password": PASSWORD}).status_code == 200
    )
    assert staff.get("/api/auth/session").status_code == 401
    assert api.fresh().sign_in({**who, "email": new}).status_code == 200
