""" "Lost my phone" over real HTTP (S34): a manager approves a reset of a practitioner's strong
sign-in, the owner is told and sees it in My account, and 24 hours later the passkey no longer
signs in while password and PIN do, with nothing strong left."""

from __future__ import annotations

import secrets

from shared.clock import FrozenClock
from tests.conftest import PASSWORD, PIN
from tests.http.conftest import Api
from tests.http.test_passkeys_http import add_passkey, passkey_sign_in, wait_for_subject
from tests.passkey_authenticator import SoftAuthenticator


def practitioner_of(manager: Api, setting: str) -> tuple[Api, dict[str, str], str]:
    email = f"pat-{secrets.token_hex(4)}@reset.example"
    invited = manager.post("/api/staff", {"name": "Pat Practitioner", "email": email, "role": "practitioner"})
    assert invited.status_code == 201, invited.text
    browser = manager.fresh()
    token = browser.link(email, "activate")
    assert (
        browser.post("/api/auth/activate", {"token": token, "password": PASSWORD, "pin": PIN}).status_code
        == 200
    )
    login = {"setting": setting, "email": email, "password": PASSWORD, "pin": PIN}
    assert browser.sign_in(login).status_code == 200
    return browser, login, str(invited.json()["id"])


def test_s34_a_manager_approved_reset_takes_the_passkey_away_after_24_hours(
    api: Api, clock: FrozenClock
) -> None:
    manager = api.activate_manager()
    assert api.sign_in(manager).status_code == 200  # with a step-up (S35)
    owner, login, owner_id = practitioner_of(api, manager["setting"])
    key = SoftAuthenticator(api.served.base)
    assert add_passkey(owner, key).status_code == 201

    asked = api.post(f"/api/people/{owner_id}/sign-in-reset")
    assert asked.status_code == 202, asked.text
    wait_for_subject(api, login["email"], "asked to reset strong sign-in")
    mine = owner.get("/api/account/factors").json()["reset"]
    assert mine["takesEffectAt"] == asked.json()["takesEffectAt"] and mine["askedBy"]
    listed = {p["id"]: p for p in api.get("/api/staff").json()["staff"]}
    assert listed[owner_id]["signInResetAt"] == asked.json()["takesEffectAt"]
    assert api.post(f"/api/people/{manager_id(api)}/sign-in-reset").status_code == 400  # not oneself

    clock.advance(hours=24, seconds=1)
    assert passkey_sign_in(api.fresh(), key).status_code == 401  # the passkey was to go by now
    browser = api.fresh()
    assert browser.sign_in(login, step_up=False).json()["user"]["id"] == owner_id  # password + PIN
    assert browser.get("/api/account/passkeys").json()["passkeys"] == []
    factors = browser.get("/api/account/factors").json()
    assert factors["reset"] is None and factors["passkeys"] == 0 and factors["recoveryCodesLeft"] == 0
    wait_for_subject(api, login["email"], "was reset")
    assert api.sign_in(manager).status_code == 200  # a day on, the manager's session has ended
    actions = [e["action"] for e in api.get("/api/audit").json()["events"]]
    assert "sign-in-reset.ask" in actions and "sign-in-reset.done" in actions


def test_s34_the_owner_cancels_a_reset_they_did_not_ask_for(api: Api, clock: FrozenClock) -> None:
    manager = api.activate_manager()
    assert api.sign_in(manager).status_code == 200
    owner, login, owner_id = practitioner_of(api, manager["setting"])
    key = SoftAuthenticator(api.served.base)
    assert add_passkey(owner, key).status_code == 201
    assert api.post(f"/api/people/{owner_id}/sign-in-reset").status_code == 202
    assert owner.call("DELETE", "/api/account/sign-in-reset").status_code == 200
    assert owner.call("DELETE", "/api/account/sign-in-reset").status_code == 409  # nothing left to cancel
    wait_for_subject(api, login["email"], "was cancelled")
    clock.advance(hours=25)
    assert passkey_sign_in(api.fresh(), key).status_code == 200


def manager_id(api: Api) -> str:
    return str(api.get("/api/auth/session").json()["user"]["id"])
