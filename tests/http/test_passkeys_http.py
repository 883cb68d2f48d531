"""Passkeys over real HTTP (S31, S35, S36): a software authenticator (real P-256 keys, attestation
"none") registers and signs in through the local host, and plays the attacker: replays, wrong
origins and RP IDs, a cloned key whose counter goes backwards, a passkey presented to another
setting. Mail is read from the same mail folder the other HTTP tests read."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from shared.clock import FrozenClock
from shared.domain.throttle import VERIFIES_PER_CLIENT_MINUTE as VERIFIES
from tests.http.conftest import Api
from tests.passkey_authenticator import SoftAuthenticator


def signed_in_manager(api: Api) -> dict[str, str]:
    who = api.activate_manager()
    assert api.sign_in(who).status_code == 200
    return who


def add_passkey(api: Api, key: SoftAuthenticator, name: str = "My phone", **bend: Any) -> Any:
    ceremony = api.post("/api/account/passkeys/options")
    assert ceremony.status_code == 200, ceremony.text
    credential = key.create(ceremony.json()["options"], **bend)
    return api.post(
        "/api/account/passkeys",
        {"attempt": ceremony.json()["attempt"], "credential": credential, "name": name},
    )


def passkey_sign_in(browser: Api, key: SoftAuthenticator, **bend: Any) -> Any:
    ceremony = browser.post("/api/auth/passkey/options")
    assert ceremony.status_code == 200, ceremony.text
    answer = key.get(ceremony.json()["options"], **bend)
    return browser.post("/api/auth/passkey", {"attempt": ceremony.json()["attempt"], "credential": answer})


def subjects(api: Api, address: str) -> list[str]:
    return [str(m["Subject"]) for m in api.mails(address, notices=True)]


def wait_for_subject(api: Api, address: str, text: str, timeout: float = 15) -> None:
    """Wait for a notice whose subject contains `text`: notices are sent by a queue worker."""
    deadline = time.monotonic() + timeout
    while not any(text in s for s in subjects(api, address)):
        assert time.monotonic() < deadline, f"no mail with {text!r} to {address}: {subjects(api, address)}"
        time.sleep(0.1)


def test_s31_a_passkey_added_in_my_account_signs_in_in_one_step_with_nothing_typed(api: Api) -> None:
    who = signed_in_manager(api)
    key = SoftAuthenticator(api.served.base)
    added = add_passkey(api, key, "Kitchen laptop")
    assert added.status_code == 201, added.text
    assert added.json()["passkey"]["name"] == "Kitchen laptop"
    assert added.json()["passkey"]["lastUsedAt"] is None
    api.wait_for_mail(who["email"], 3, notices=True)  # activation, new-device notice, passkey added
    assert any("A passkey was added" in s for s in subjects(api, who["email"]))

    browser = api.fresh()
    signed_in = passkey_sign_in(browser, key)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["user"]["role"] == "manager"
    assert signed_in.json()["user"]["setting"] == who["setting"]
    assert browser.get("/api/auth/session").status_code == 200
    listed = browser.get("/api/account/passkeys").json()["passkeys"]
    assert [p["name"] for p in listed] == ["Kitchen laptop"] and listed[0]["lastUsedAt"]


def test_s31_the_options_require_a_discoverable_user_verifying_passkey_for_this_site(api: Api) -> None:
    signed_in_manager(api)
    options = api.post("/api/account/passkeys/options").json()["options"]
    assert options["rp"]["id"] == "127.0.0.1"  # the host of the configured public base URL
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["attestation"] == "none"
    sign_in = api.fresh().post("/api/auth/passkey/options").json()["options"]
    assert sign_in["userVerification"] == "required" and sign_in.get("allowCredentials", []) == []


def test_s31_a_replayed_sign_in_is_refused(api: Api) -> None:
    signed_in_manager(api)
    key = SoftAuthenticator(api.served.base)
    assert add_passkey(api, key).status_code == 201
    ceremony = api.fresh().post("/api/auth/passkey/options").json()
    answer = key.get(ceremony["options"])
    body = {"attempt": ceremony["attempt"], "credential": answer}
    assert api.fresh().post("/api/auth/passkey", body).status_code == 200
    replayed = api.fresh().post("/api/auth/passkey", body)
    assert replayed.status_code == 401
    assert replayed.json()["error"]["code"] == "unauthenticated"


def test_s31_a_registration_challenge_works_once(api: Api) -> None:
    signed_in_manager(api)
    key = SoftAuthenticator(api.served.base)
    ceremony = api.post("/api/account/passkeys/options").json()
    first = key.create(ceremony["options"])
    second = key.create(ceremony["options"])
    assert (
        api.post("/api/account/passkeys", {"attempt": ceremony["attempt"], "credential": first}).status_code
        == 201
    )
    again = api.post("/api/account/passkeys", {"attempt": ceremony["attempt"], "credential": second})
    assert again.status_code == 400 and again.json()["error"]["field"] == "credential"
    assert len(api.get("/api/account/passkeys").json()["passkeys"]) == 1


def test_s31_a_challenge_expires_after_five_minutes(api: Api, clock: FrozenClock) -> None:
    signed_in_manager(api)
    key = SoftAuthenticator(api.served.base)
    assert add_passkey(api, key).status_code == 201
    ceremony = api.fresh().post("/api/auth/passkey/options").json()
    answer = key.get(ceremony["options"])
    clock.advance(minutes=5)
    late = api.fresh().post("/api/auth/passkey", {"attempt": ceremony["attempt"], "credential": answer})
    assert late.status_code == 401


def test_s31_a_counter_that_goes_backwards_refuses_the_passkey_and_mails_the_owner(api: Api) -> None:
    who = signed_in_manager(api)
    key = SoftAuthenticator(api.served.base)
    assert add_passkey(api, key).status_code == 201
    assert passkey_sign_in(api.fresh(), key, counter=5).status_code == 200
    cloned = passkey_sign_in(api.fresh(), key, counter=3)
    assert cloned.status_code == 401
    assert passkey_sign_in(api.fresh(), key, counter=5).status_code == 401  # not moving on is refused too
    wait_for_subject(api, who["email"], "was refused")
    assert passkey_sign_in(api.fresh(), key, counter=6).status_code == 200


def test_s10_a_burst_of_passkey_sign_ins_from_one_client_gets_at_most_its_budget_of_challenges(
    api: Api,
) -> None:
    signed_in_manager(api)
    key = SoftAuthenticator(api.served.base)
    assert add_passkey(api, key).status_code == 201
    burst = api.fresh()  # one client address, no cookies
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: burst.post("/api/auth/passkey/options"), range(VERIFIES + 10)))
    given = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code == 429]
    assert len(given) == VERIFIES and len(refused) == 10
    assert all(int(a.headers["Retry-After"]) >= 1 for a in refused)
    # Another client is not held up, and a challenge handed out in the burst still signs in once.
    assert passkey_sign_in(api.fresh(), key).status_code == 200
    answer = key.get(given[0].json()["options"])
    done = burst.post("/api/auth/passkey", {"attempt": given[0].json()["attempt"], "credential": answer})
    assert done.status_code == 200


@pytest.mark.parametrize(
    "bend",
    [
        {"origin": "https://journal.example.evil"},
        {"origin": "http://localhost:7071"},
        {"rp_id": "journal.example.evil"},
        {"verified": False},
    ],
    ids=["phishing-origin", "other-origin", "other-rp-id", "no-user-verification"],
)
def test_s31_a_wrong_origin_rp_id_or_missing_user_verification_is_refused(
    api: Api, bend: dict[str, Any]
) -> None:
    signed_in_manager(api)
    key = SoftAuthenticator(api.served.base)
    refused = add_passkey(api, key, **bend)
    assert refused.status_code == 400, refused.text
    assert api.get("/api/account/passkeys").json()["passkeys"] == []
    assert add_passkey(api, key).status_code == 201  # a proper one is fine
    assert passkey_sign_in(api.fresh(), key, **bend).status_code == 401


def test_s31_a_passkey_of_one_setting_never_signs_into_another(api: Api) -> None:
    signed_in_manager(api)
    key = SoftAuthenticator(api.served.base)
    assert add_passkey(api, key).status_code == 201
    other = api.fresh()
    victim = signed_in_manager(other)
    victim_user = other.get("/api/auth/session").json()["user"]
    # The attacker's own, valid passkey, presented with a user handle naming the other setting.
    handle = f"{victim['setting']}~{victim_user['id']}".encode()
    forged = passkey_sign_in(api.fresh(), key, user_handle=handle)
    assert forged.status_code == 401
    own = passkey_sign_in(api.fresh(), key)
    assert own.status_code == 200 and own.json()["user"]["setting"] != victim["setting"]


def test_s35_removing_a_passkey_needs_a_step_up_by_passkey_or_recovery_code_not_password(
    api: Api, clock: FrozenClock
) -> None:
    who = signed_in_manager(api)
    key = SoftAuthenticator(api.served.base)
    added = add_passkey(api, key).json()
    passkey, codes = added["passkey"], added["recoveryCodes"]
    assert len(codes) == 10  # the first strong factor brings the recovery codes (S33)
    clock.advance(minutes=6)  # the registration's own verification is no longer fresh
    refused = api.call("DELETE", f"/api/account/passkeys/{passkey['id']}")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "step_up_required"
    assert api.post("/api/account/passkeys/step-up", {"password": who["password"]}).status_code == 400
    # The password is weaker than the passkey it would stand in for (S35), right or not.
    for method in ("password", "passkey"):
        weaker = api.post("/api/account/step-up", {"method": method, "password": who["password"]})
        assert weaker.status_code == 400, weaker.text
    assert api.call("DELETE", f"/api/account/passkeys/{passkey['id']}").status_code == 403
    lost = api.post("/api/account/step-up", {"method": "passkey", "recoveryCode": codes[0]})
    assert lost.status_code == 200, lost.text
    assert api.call("DELETE", f"/api/account/passkeys/{passkey['id']}").status_code == 200
    assert api.get("/api/account/passkeys").json()["passkeys"] == []
    assert passkey_sign_in(api.fresh(), key).status_code == 401
    wait_for_subject(api, who["email"], "A passkey was removed")


def test_s34_password_and_pin_then_ask_a_passkey_owner_for_the_passkey_or_a_recovery_code(api: Api) -> None:
    who = signed_in_manager(api)
    codes = add_passkey(api, SoftAuthenticator(api.served.base)).json()["recoveryCodes"]
    browser = api.fresh()
    first = browser.post("/api/auth/login", {k: who[k] for k in ("setting", "email", "password")})
    second = browser.post("/api/auth/pin", {"challenge": first.json()["challenge"], "pin": who["pin"]})
    assert second.status_code == 200 and "user" not in second.json()
    assert second.json()["next"] == "code" and second.json()["methods"] == ["passkey", "recoveryCode"]
    assert browser.get("/api/auth/session").status_code == 401  # password and PIN alone: no session
    done = browser.post("/api/auth/code", {"challenge": second.json()["challenge"], "recoveryCode": codes[0]})
    assert done.status_code == 200 and done.json()["user"]["setting"] == who["setting"]


def test_s35_a_passkey_step_up_is_bound_to_the_session_that_asked(api: Api, clock: FrozenClock) -> None:
    signed_in_manager(api)
    key = SoftAuthenticator(api.served.base)
    passkey = add_passkey(api, key).json()["passkey"]
    clock.advance(minutes=6)
    elsewhere = api.fresh()
    assert passkey_sign_in(elsewhere, key).status_code == 200  # the same person, another session
    ceremony = api.post("/api/account/passkeys/step-up/options").json()
    answer = key.get(ceremony["options"])
    stolen = elsewhere.post(
        "/api/account/passkeys/step-up", {"attempt": ceremony["attempt"], "credential": answer}
    )
    assert stolen.status_code == 400
    assert elsewhere.call("DELETE", f"/api/account/passkeys/{passkey['id']}").status_code == 403
    mine = api.post("/api/account/passkeys/step-up", {"attempt": ceremony["attempt"], "credential": answer})
    assert mine.status_code == 200 and mine.json()["freshUntil"]
    renamed = api.call("PATCH", f"/api/account/passkeys/{passkey['id']}", {"name": "Old phone"})
    assert renamed.status_code == 200 and renamed.json()["passkey"]["name"] == "Old phone"
    assert api.call("DELETE", f"/api/account/passkeys/{passkey['id']}").status_code == 200


def test_s36_a_new_device_is_mailed_and_this_wasnt_me_signs_out_everywhere(api: Api) -> None:
    who = signed_in_manager(api)  # this browser's first sign-in: a new device
    mails = api.wait_for_mail(who["email"], 2, notices=True)
    assert "New sign-in" in str(mails[-1]["Subject"])
    assert api.sign_in(who).status_code == 200  # the same browser again: no new notice
    intruder = api.fresh()
    assert intruder.sign_in(who).status_code == 200
    mails = api.wait_for_mail(who["email"], 3, notices=True)
    assert len(api.mails(who["email"], notices=True)) == 3
    text = mails[-1].get_body(preferencelist=("plain",)).get_content()
    assert "wasn't me" in text and "A browser" in " ".join(text.split())
    token = api.link(who["email"], "not-me", 3, notices=True)
    ended = api.fresh().post("/api/auth/not-me", {"token": token})
    assert ended.status_code == 200 and ended.json()["sessionsEnded"] == 3
    assert intruder.get("/api/auth/session").status_code == 401
    assert api.get("/api/auth/session").status_code == 401
    assert api.fresh().post("/api/auth/not-me", {"token": token[:-2] + "xx"}).status_code == 401


def test_s36_my_account_lists_devices_and_a_forgotten_one_is_new_again(api: Api) -> None:
    who = signed_in_manager(api)
    api.wait_for_mail(who["email"], 2, notices=True)
    phone = api.fresh()
    phone.http.headers["User-Agent"] = "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36"
    assert phone.sign_in(who).status_code == 200
    api.wait_for_mail(who["email"], 3, notices=True)
    found = api.get("/api/account/devices").json()["devices"]
    assert len(found) == 2 and sum(d["current"] for d in found) == 1
    android = next(d for d in found if d["name"] == "Chrome on Android")
    assert not android["current"]
    sessions = api.get("/api/auth/sessions").json()["sessions"]
    assert {s["device"] for s in sessions} == {"A browser", "Chrome on Android"}
    assert api.call("DELETE", f"/api/account/devices/{android['id']}").status_code == 200
    assert api.call("DELETE", f"/api/account/devices/{android['id']}").status_code == 404
    assert [d["name"] for d in api.get("/api/account/devices").json()["devices"]] == ["A browser"]
    assert phone.sign_in(who).status_code == 200
    api.wait_for_mail(who["email"], 4, notices=True)  # a forgotten device is a new device again
