"""Sign-in over real HTTP through the local host: what a browser or an attacker sees."""

from __future__ import annotations

import base64
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from functions.http import LOCAL_COOKIE, LOCAL_DEVICE_COOKIE
from shared import bootstrap
from shared.clock import FrozenClock
from shared.domain.errors import Unauthenticated
from shared.security.tokens import TokenKind
from tests.http.conftest import Api


def test_a_new_manager_activates_from_the_mailed_link_and_signs_in(api: Api) -> None:
    manager = api.activate_manager()
    response = api.sign_in(manager)
    assert response.status_code == 200
    assert response.json()["user"]["role"] == "manager"
    session = api.get("/api/auth/session")
    assert session.status_code == 200
    assert session.json()["user"]["setting"] == manager["setting"]


def test_s9_unknown_email_wrong_password_and_bad_setting_look_identical(api: Api) -> None:
    manager = api.activate_manager()
    answers = [
        api.post("/api/auth/login", {**manager, "email": "nobody@nowhere.example"}),
        api.post("/api/auth/login", {**manager, "password": "wrong wrong wrong wrong"}),
        api.post("/api/auth/login", {**manager, "setting": "no-such-setting"}),
    ]
    assert {r.status_code for r in answers} == {401}
    assert len({r.content for r in answers}) == 1


def test_s10_of_50_parallel_failures_only_5_are_counted_and_checked(api: Api) -> None:
    manager = api.activate_manager()
    wrong = {**{k: manager[k] for k in ("setting", "email")}, "password": "definitely not it"}
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda _: api.fresh().post("/api/auth/login", wrong).status_code, range(50)))
    assert statuses.count(401) == 4 and statuses.count(429) == 46
    account = bootstrap.deps().accounts.find_by_email(manager["setting"], manager["email"])
    assert account is not None and account.failed_logins == 5


def test_s9_an_unknown_address_answers_exactly_as_a_live_one(api: Api, clock: FrozenClock) -> None:
    manager = api.activate_manager()

    def six_wrong(email: str) -> list[tuple[int, str | None, bytes]]:
        answers = []
        for _ in range(6):
            r = api.post("/api/auth/login", {**manager, "email": email, "password": "definitely not it"})
            answers.append((r.status_code, r.headers.get("Retry-After"), r.content))
            if r.status_code == 429:
                clock.advance(seconds=int(r.headers["Retry-After"]))
        return answers

    live, unknown = six_wrong(manager["email"]), six_wrong("nobody-at-all@nowhere.example")
    assert live == unknown
    assert [(status, wait) for status, wait, _ in live] == [(401, None)] * 4 + [(429, "1"), (429, "2")]


def test_s10_a_completed_sign_in_leaves_a_long_lived_strict_device_cookie(api: Api) -> None:
    manager = api.activate_manager()
    response = api.sign_in(manager)
    cookies = [c for c in response.raw.headers.getlist("Set-Cookie") if c.startswith(LOCAL_DEVICE_COOKIE)]
    assert len(cookies) == 1
    cookie = cookies[0]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    max_age = int(cookie.split("Max-Age=")[1].split(";")[0])
    assert max_age >= 365 * 24 * 60 * 60
    token = cookie.split(";")[0].split("=", 1)[1]
    claims = bootstrap.deps().tokens.read(token, TokenKind.DEVICE)
    assert claims.setting == manager["setting"] and claims.extra["dev"]
    with pytest.raises(Unauthenticated):
        bootstrap.deps().tokens.read(token, TokenKind.SESSION)


def test_s10_the_owners_browser_signs_in_while_others_are_throttled(api: Api) -> None:
    manager = api.activate_manager()
    assert api.sign_in(manager).status_code == 200  # this browser now holds a device cookie
    wrong = {**manager, "password": "definitely not it"}
    for _ in range(6):
        api.fresh().post("/api/auth/login", wrong)
    assert api.fresh().post("/api/auth/login", manager).status_code == 429
    # No step-up here: a password check from a session counts on the anonymous counter.
    assert api.sign_in(manager, step_up=False).status_code == 200


def test_s10_one_client_address_gets_at_most_30_verifies_a_minute(api: Api) -> None:
    manager = api.activate_manager()
    client = api.fresh()
    answers = [
        client.post("/api/auth/login", {**manager, "email": f"nobody-{n}@nowhere.example"}) for n in range(31)
    ]
    assert [r.status_code for r in answers[:30]] == [401] * 30
    assert answers[30].status_code == 429 and int(answers[30].headers["Retry-After"]) >= 1
    # Another client is not affected.
    assert (
        api.fresh().post("/api/auth/login", {**manager, "email": "nobody@nowhere.example"}).status_code == 401
    )


def test_s10_fifty_wrong_current_passwords_with_a_stolen_session_are_throttled(api: Api) -> None:
    manager = api.activate_manager()
    assert api.sign_in(manager).status_code == 200
    statuses = []
    for n in range(25):
        statuses.append(
            api.post(
                "/api/auth/password", {"currentPassword": f"guess {n}", "newPassword": "a new passphrase 42"}
            )
        )
        statuses.append(api.post("/api/auth/pin/change", {"password": f"guess {n}", "newPin": "402918"}))
    assert [r.status_code for r in statuses] == [400] * 4 + [429] * 46
    assert all("Retry-After" in r.headers for r in statuses[4:])


def test_s10_the_fifth_failure_answers_429_with_retry_after(api: Api) -> None:
    manager = api.activate_manager()
    wrong = {**manager, "password": "definitely not it"}
    statuses = [api.post("/api/auth/login", wrong).status_code for _ in range(4)]
    fifth = api.post("/api/auth/login", wrong)
    assert statuses == [401] * 4
    assert fifth.status_code == 429
    assert fifth.headers["Retry-After"] == "1"
    assert fifth.json()["error"]["code"] == "too_many_attempts"


def test_s10_password_reset_keeps_working_while_throttled(api: Api) -> None:
    manager = api.activate_manager()
    for _ in range(6):
        api.post("/api/auth/login", {**manager, "password": "definitely not it"})
    assert (
        api.post("/api/auth/reset", {"setting": manager["setting"], "email": manager["email"]}).status_code
        == 202
    )
    token = api.link(manager["email"], "reset", count=2)
    confirmed = api.post(
        "/api/auth/reset/confirm", {"token": token, "password": "willow harbour sprocket gleam"}
    )
    assert confirmed.status_code == 200
    assert api.sign_in({**manager, "password": "willow harbour sprocket gleam"}).status_code == 200


def test_s12_reset_request_answers_the_same_for_known_and_unknown_addresses(api: Api) -> None:
    manager = api.activate_manager()
    known = api.post("/api/auth/reset", {"setting": manager["setting"], "email": manager["email"]})
    unknown = api.post("/api/auth/reset", {"setting": manager["setting"], "email": "ghost@nowhere.example"})
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    api.wait_for_mail(manager["email"], count=2)  # the invitation, then the reset link
    assert api.mails("ghost@nowhere.example") == []


def test_s12_at_most_three_reset_mails_an_hour(api: Api, clock: FrozenClock) -> None:
    manager = api.activate_manager()
    ask = {"setting": manager["setting"], "email": manager["email"]}
    # One at a time: a newer request makes a queued older one stale, and stale ones send nothing.
    for sent in range(3):
        assert api.post("/api/auth/reset", ask).status_code == 202
        api.wait_for_mail(manager["email"], count=2 + sent)  # the invitation, then each reset
    for _ in range(2):
        assert api.post("/api/auth/reset", ask).status_code == 202
    time.sleep(1.5)  # give the worker time to (not) send more
    assert len(api.mails(manager["email"])) == 4
    clock.advance(hours=1, seconds=1)
    api.post("/api/auth/reset", ask)
    api.wait_for_mail(manager["email"], count=5)


def test_s13_racing_confirmations_of_one_link_let_exactly_one_through(api: Api) -> None:
    manager = api.activate_manager()
    api.post("/api/auth/reset", {"setting": manager["setting"], "email": manager["email"]})
    token = api.link(manager["email"], "reset", count=2)
    body = {"token": token, "password": "copper meadow lantern quill"}
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(
            pool.map(lambda _: api.fresh().post("/api/auth/reset/confirm", body).status_code, range(20))
        )
    assert statuses.count(200) == 1
    assert statuses.count(401) == 19


def test_s13_a_newer_link_voids_the_older_one(api: Api) -> None:
    manager = api.activate_manager()
    ask = {"setting": manager["setting"], "email": manager["email"]}
    api.post("/api/auth/reset", ask)
    older = api.link(manager["email"], "reset", count=2)
    api.post("/api/auth/reset", ask)
    newer = api.link(manager["email"], "reset", count=3)
    assert (
        api.post(
            "/api/auth/reset/confirm", {"token": older, "password": "copper meadow lantern quill"}
        ).status_code
        == 401
    )
    assert (
        api.post(
            "/api/auth/reset/confirm", {"token": newer, "password": "copper meadow lantern quill"}
        ).status_code
        == 200
    )


def test_s13_a_reset_link_dies_after_sixty_minutes(api: Api, clock: FrozenClock) -> None:
    manager = api.activate_manager()
    api.post("/api/auth/reset", {"setting": manager["setting"], "email": manager["email"]})
    token = api.link(manager["email"], "reset", count=2)
    clock.advance(minutes=60, seconds=1)
    response = api.post(
        "/api/auth/reset/confirm", {"token": token, "password": "copper meadow lantern quill"}
    )
    assert response.status_code == 401


def test_s13_an_activation_link_lives_72_hours(api: Api, clock: FrozenClock) -> None:
    setting = api.create_setting()
    token = api.link(setting["manager"], "activate")
    clock.advance(hours=72, seconds=1)
    response = api.post(
        "/api/auth/activate", {"token": token, "password": "copper meadow lantern quill", "pin": "480317"}
    )
    assert response.status_code == 401


def test_s14_links_use_the_configured_base_url_not_the_host_header(api: Api) -> None:
    manager = api.activate_manager()
    api.post(
        "/api/auth/reset",
        {"setting": manager["setting"], "email": manager["email"]},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    mail = api.wait_for_mail(manager["email"], count=2)[-1]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "evil.example" not in text
    assert f"{api.served.base}/reset#" in text


def test_s15_after_a_reset_other_sessions_end_and_the_owner_is_told(api: Api) -> None:
    manager = api.activate_manager()
    other_browser = api.fresh()
    assert other_browser.sign_in(manager).status_code == 200
    api.post("/api/auth/reset", {"setting": manager["setting"], "email": manager["email"]})
    token = api.link(manager["email"], "reset", count=2)
    confirmed = api.post(
        "/api/auth/reset/confirm", {"token": token, "password": "copper meadow lantern quill"}
    )
    assert confirmed.status_code == 200
    assert "Set-Cookie" not in confirmed.headers  # not signed in automatically
    assert other_browser.get("/api/auth/session").status_code == 401
    notices = api.wait_for_mail(manager["email"], count=3)
    body = notices[-1].get_body(preferencelist=("plain",)).get_content()
    assert "copper meadow lantern quill" not in body


def test_s18_logout_ends_the_session_on_the_server(api: Api) -> None:
    manager = api.activate_manager()
    api.sign_in(manager)
    stolen_cookie = dict(api.http.cookies)
    assert api.post("/api/auth/logout").status_code == 200
    replay = api.fresh()
    replay.http.cookies.update(stolen_cookie)
    assert replay.get("/api/auth/session").status_code == 401


def test_s18_a_user_sees_and_ends_their_own_sessions(api: Api) -> None:
    manager = api.activate_manager()
    phone = api.fresh()
    api.sign_in(manager)
    phone.sign_in(manager)
    listed = api.get("/api/auth/sessions").json()["sessions"]
    assert len(listed) == 2
    other = next(s for s in listed if not s["current"])
    assert api.call("DELETE", f"/api/auth/sessions/{other['id']}").status_code == 200
    assert phone.get("/api/auth/session").status_code == 401
    assert api.get("/api/auth/session").status_code == 200


def test_s19_the_session_cookie_is_httponly_strict_and_scoped_to_the_site(api: Api) -> None:
    manager = api.activate_manager()
    response = api.sign_in(manager)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Path=/" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert token not in response.text


def test_s19_a_cross_origin_state_change_is_refused(api: Api) -> None:
    manager = api.activate_manager()
    api.sign_in(manager)
    forged = api.post("/api/auth/logout-all", headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403
    assert api.get("/api/auth/session").status_code == 200
    same_site = api.post("/api/auth/logout-all", headers={"Origin": api.served.base})
    assert same_site.status_code == 200


def test_s20_responses_carry_nosniff_and_no_store(api: Api) -> None:
    manager = api.activate_manager()
    api.sign_in(manager)
    for response in (api.get("/api/auth/session"), api.get("/api/health"), api.get("/api/no-such-route")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def test_s1_a_129_character_password_gets_a_clear_400(api: Api) -> None:
    setting = api.create_setting()
    token = api.link(setting["manager"], "activate")
    response = api.post("/api/auth/activate", {"token": token, "password": "a" * 129, "pin": "480317"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "password"
    assert "128" in response.json()["error"]["message"]


def test_s4_a_weak_pin_is_refused_and_the_link_still_works(api: Api) -> None:
    setting = api.create_setting()
    token = api.link(setting["manager"], "activate")
    weak = api.post(
        "/api/auth/activate", {"token": token, "password": "copper meadow lantern quill", "pin": "123456"}
    )
    assert weak.status_code == 400 and weak.json()["error"]["field"] == "pin"
    good = api.post(
        "/api/auth/activate", {"token": token, "password": "copper meadow lantern quill", "pin": "480317"}
    )
    assert good.status_code == 200


def test_s3_changing_a_password_needs_the_current_one(api: Api) -> None:
    manager = api.activate_manager()
    api.sign_in(manager)
    wrong = api.post(
        "/api/auth/password",
        {"currentPassword": "nope nope nope nope", "newPassword": "copper meadow lantern quill"},
    )
    assert wrong.status_code == 400
    right = api.post(
        "/api/auth/password",
        {"currentPassword": manager["password"], "newPassword": "copper meadow lantern quill"},
    )
    assert right.status_code == 200
    assert api.fresh().sign_in({**manager, "password": "copper meadow lantern quill"}).status_code == 200


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_s22_a_challenge_or_reset_token_is_never_a_session(api: Api) -> None:
    manager = api.activate_manager()
    challenge = api.post("/api/auth/login", {k: manager[k] for k in ("setting", "email", "password")}).json()
    api.post("/api/auth/reset", {"setting": manager["setting"], "email": manager["email"]})
    reset_token = api.link(manager["email"], "reset", count=2)
    for token in (challenge["challenge"], reset_token):
        browser = api.fresh()
        browser.http.cookies.set(LOCAL_COOKIE, token)
        assert browser.get("/api/auth/session").status_code == 401


def test_s22_a_session_is_not_a_reset_token_and_an_activation_is_not_a_reset(api: Api) -> None:
    manager = api.activate_manager()
    session_token = api.sign_in(manager).headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    setting = api.create_setting()
    activation = api.link(setting["manager"], "activate")
    for token in (session_token, activation):
        response = api.post(
            "/api/auth/reset/confirm", {"token": token, "password": "copper meadow lantern quill"}
        )
        assert response.status_code == 401


def test_s22_an_unsigned_alg_none_session_is_refused(api: Api) -> None:
    manager = api.activate_manager()
    signed_in = api.sign_in(manager)
    real = signed_in.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    payload = json.loads(base64.urlsafe_b64decode(real.split(".")[1] + "=="))
    payload["exp"] = int(time.time()) + 3600
    forged = (
        f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{_b64(json.dumps(payload).encode())}."
    )
    browser = api.fresh()
    browser.http.cookies.set(LOCAL_COOKIE, forged)
    assert browser.get("/api/auth/session").status_code == 401


def test_s36_a_pin_change_notice_names_the_browser_that_made_it(api: Api) -> None:
    manager = api.activate_manager()
    api.http.headers["User-Agent"] = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
    )
    assert api.sign_in(manager).status_code == 200
    changed = api.post("/api/auth/pin/change", {"password": manager["password"], "newPin": "402918"})
    assert changed.status_code == 200, changed.text
    deadline = time.monotonic() + 15
    while True:
        mails = [
            m
            for m in api.mails(manager["email"], notices=True)
            if "PIN has been changed" in str(m["Subject"])
        ]
        if mails or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert mails, "no PIN change notice"
    text = " ".join(mails[0].get_body(preferencelist=("plain",)).get_content().split())
    assert "using Firefox on Windows" in text and "(UK time)" in text and "Sign out everywhere" in text
