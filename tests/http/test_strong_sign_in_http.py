"""Strong sign-in over HTTP (S32-S35): an authenticator app with codes computed here by pyotp,
recovery codes, the throttles, step-up and the policy, through the real local host."""

from __future__ import annotations

import pyotp
import pytest

from shared.clock import FrozenClock
from tests.http.conftest import Api
from tests.http.test_no_secrets_at_rest_http import _everything_stored


def enrolled(api: Api, clock: FrozenClock) -> tuple[dict[str, str], pyotp.TOTP, list[str]]:
    """A manager who adds an app from My account, after the step-up Api.sign_in does.

    Codes come from the app's clock as the server sees it: the wall clock would cross a 30-second
    step while the frozen one does not, and the next code would then be refused as used already."""
    manager = api.activate_manager()
    assert api.sign_in(manager).status_code == 200
    started = api.post("/api/account/authenticator")
    assert started.status_code == 200, started.text
    body = started.json()
    assert body["uri"].startswith("otpauth://totp/") and body["qrSvg"].startswith("<svg")
    app = pyotp.TOTP(body["secret"])
    confirmed = api.post("/api/account/authenticator/confirm", {"code": app.at(clock.now())})
    assert confirmed.status_code == 200, confirmed.text
    return manager, app, confirmed.json()["recoveryCodes"]


def code_challenge(browser: Api, who: dict[str, str]) -> str:
    first = browser.post("/api/auth/login", {k: who[k] for k in ("setting", "email", "password")})
    second = browser.post("/api/auth/pin", {"challenge": first.json()["challenge"], "pin": who["pin"]})
    assert second.status_code == 200 and second.json()["next"] == "code", second.text
    assert "Set-Cookie" not in second.headers  # not signed in yet
    return str(second.json()["challenge"])


def test_s32_enrol_then_sign_in_with_password_pin_and_a_code_from_the_app(
    api: Api, clock: FrozenClock
) -> None:
    who, app, codes = enrolled(api, clock)
    assert len(codes) == 10 and len(api.wait_for_mail(who["email"], 2)) >= 2  # activation + added
    clock.advance(seconds=30)
    browser = api.fresh()
    done = browser.post(
        "/api/auth/code", {"challenge": code_challenge(browser, who), "code": app.at(clock.now())}
    )
    assert done.status_code == 200, done.text
    assert browser.get("/api/auth/session").json()["user"]["role"] == "manager"
    factors = browser.get("/api/account/factors").json()
    assert factors["authenticator"]["enrolled"] and factors["stepUpMethod"] == "authenticator"
    assert factors["recoveryCodesLeft"] == 10 and app.secret not in browser.get("/api/account/factors").text


def test_s32_a_code_is_accepted_once(api: Api, clock: FrozenClock) -> None:
    who, app, _ = enrolled(api, clock)
    clock.advance(seconds=30)
    code = app.at(clock.now())
    first = api.fresh()
    assert (
        first.post("/api/auth/code", {"challenge": code_challenge(first, who), "code": code}).status_code
        == 200
    )
    again = api.fresh()
    replay = again.post("/api/auth/code", {"challenge": code_challenge(again, who), "code": code})
    assert replay.status_code == 401 and "used already" in replay.json()["error"]["message"]


@pytest.mark.parametrize(("drift", "status"), [(-1, 200), (1, 200), (-2, 401), (2, 401)])
def test_s32_one_step_of_drift_is_accepted_and_two_are_refused(
    api: Api, clock: FrozenClock, drift: int, status: int
) -> None:
    who, app, _ = enrolled(api, clock)
    clock.advance(minutes=5)
    browser = api.fresh()
    code = app.at(clock.now(), counter_offset=drift)
    assert (
        browser.post("/api/auth/code", {"challenge": code_challenge(browser, who), "code": code}).status_code
        == status
    )


def test_s32_five_wrong_codes_end_the_attempt_and_ten_lock_codes_until_a_reset_link(
    api: Api, clock: FrozenClock
) -> None:
    who, app, codes = enrolled(api, clock)
    clock.advance(minutes=5)
    wrong = f"{(int(app.at(clock.now())) + 500_000) % 1_000_000:06d}"
    browser = api.fresh()
    challenge = code_challenge(browser, who)
    answers = [
        browser.post("/api/auth/code", {"challenge": challenge, "code": wrong}).status_code for _ in range(5)
    ]
    assert answers == [401] * 5
    ended = browser.post("/api/auth/code", {"challenge": challenge, "code": app.at(clock.now())})
    assert ended.status_code == 401 and "Too many" in ended.json()["error"]["message"]
    challenge = code_challenge(browser, who)
    for _ in range(5):
        last = browser.post("/api/auth/code", {"challenge": challenge, "code": wrong})
    assert last.status_code == 401 and "locked" in last.json()["error"]["message"]
    locked = browser.post(
        "/api/auth/code", {"challenge": code_challenge(browser, who), "recoveryCode": codes[0]}
    )
    assert locked.status_code == 401
    assert any("locked" in m["Subject"] for m in api.wait_for_mail(who["email"], 3))
    # The reset link unlocks codes; it never removes the app.
    assert (
        api.fresh().post("/api/auth/reset", {"setting": who["setting"], "email": who["email"]}).status_code
        == 202
    )
    token = api.link(who["email"], "reset", 4)
    new_password = "a brand new passphrase 42"
    confirmed = api.fresh().post("/api/auth/reset/confirm", {"token": token, "password": new_password})
    assert confirmed.status_code == 200, confirmed.text
    who = {**who, "password": new_password}
    again = api.fresh()
    clock.advance(seconds=30)
    unlocked = again.post(
        "/api/auth/code", {"challenge": code_challenge(again, who), "code": app.at(clock.now())}
    )
    assert unlocked.status_code == 200, unlocked.text


def test_s33_a_recovery_code_signs_in_once_in_place_of_a_code_and_mails_the_owner(
    api: Api, clock: FrozenClock
) -> None:
    who, _, codes = enrolled(api, clock)
    browser = api.fresh()
    used = browser.post(
        "/api/auth/code", {"challenge": code_challenge(browser, who), "recoveryCode": codes[0]}
    )
    assert used.status_code == 200, used.text
    assert any("recovery code was used" in m["Subject"] for m in api.wait_for_mail(who["email"], 3))
    again = api.fresh()
    refused = again.post(
        "/api/auth/code", {"challenge": code_challenge(again, who), "recoveryCode": codes[0]}
    )
    assert refused.status_code == 401


def test_s35_step_up_lasts_five_minutes_and_asks_for_the_authenticator_once_enrolled(
    api: Api, clock: FrozenClock
) -> None:
    who, app, _ = enrolled(api, clock)
    clock.advance(minutes=5)
    needed = api.post("/api/account/recovery-codes")
    assert needed.status_code == 403 and needed.json()["error"]["code"] == "step_up_required"
    weaker = api.post("/api/account/step-up", {"method": "password", "password": who["password"]})
    assert weaker.status_code == 400
    stepped = api.post("/api/account/step-up", {"method": "authenticator", "code": app.at(clock.now())})
    assert stepped.status_code == 200, stepped.text
    fresh_codes = api.post("/api/account/recovery-codes")
    assert fresh_codes.status_code == 200 and len(fresh_codes.json()["recoveryCodes"]) == 10
    clock.advance(minutes=4, seconds=59)
    assert api.call("DELETE", "/api/account/authenticator").status_code == 200
    clock.advance(seconds=1)
    assert api.post("/api/account/authenticator").json()["error"]["code"] == "step_up_required"


def test_s35_changing_the_email_needs_a_step_up(api: Api) -> None:
    who = api.activate_manager()
    assert api.sign_in(who, step_up=False).status_code == 200
    asked = api.post("/api/auth/email", {"email": "maya.new@family.example", "password": who["password"]})
    assert asked.status_code == 403 and asked.json()["error"]["code"] == "step_up_required"
    api.step_up(who)
    assert (
        api.post(
            "/api/auth/email", {"email": "maya.new@family.example", "password": who["password"]}
        ).status_code
        == 202
    )


def test_s34_a_manager_is_led_to_enrol_at_sign_in_and_refused_without_it_after_the_grace(
    api: Api, clock: FrozenClock
) -> None:
    who = api.activate_manager()
    first = api.post("/api/auth/login", {k: who[k] for k in ("setting", "email", "password")})
    pin = api.post("/api/auth/pin", {"challenge": first.json()["challenge"], "pin": who["pin"]})
    body = pin.json()
    assert body["next"] == "enrol" and body["canSkip"] is True and "user" not in body
    clock.advance(days=7)
    late = api.fresh()
    first = late.post("/api/auth/login", {k: who[k] for k in ("setting", "email", "password")})
    pin = late.post("/api/auth/pin", {"challenge": first.json()["challenge"], "pin": who["pin"]})
    assert pin.json()["canSkip"] is False
    challenge = pin.json()["challenge"]
    skipped = late.post("/api/auth/enrol/skip", {"challenge": challenge})
    assert skipped.status_code == 403 and skipped.json()["error"]["code"] == "enrolment_required"
    started = late.post("/api/auth/enrol/authenticator", {"challenge": challenge})
    app = pyotp.TOTP(started.json()["secret"])
    done = late.post(
        "/api/auth/enrol/authenticator/confirm", {"challenge": challenge, "code": app.at(clock.now())}
    )
    assert done.status_code == 200 and len(done.json()["recoveryCodes"]) == 10
    assert late.get("/api/auth/session").status_code == 200


def test_s32_s33_no_secret_or_code_rests_in_storage_or_reaches_the_audit_log(
    api: Api, clock: FrozenClock
) -> None:
    who, app, codes = enrolled(api, clock)
    browser = api.fresh()
    assert (
        browser.post(
            "/api/auth/code", {"challenge": code_challenge(browser, who), "recoveryCode": codes[1]}
        ).status_code
        == 200
    )
    stored = _everything_stored(api.served.clients)
    audit = api.get("/api/audit").text
    for text in (stored, audit):
        assert app.secret not in text
        assert not any(c in text or c.replace("-", "") in text for c in codes)
    actions = {e["action"] for e in api.get("/api/audit").json()["events"]}
    assert {"step-up", "factor.authenticator.add", "recovery-code.use", "sign-in.code"} <= actions
