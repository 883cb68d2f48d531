"""Journeys through the web client in real Chromium, against the local host, Azurite and the mail
folder. Each test asserts what a person at the screen would notice."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest

from shared.clock import FrozenClock
from tests.browser.conftest import Page
from tests.conftest import PASSWORD, PIN
from tests.http.conftest import Api

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
NEW_PASSWORD = "copper heron biscuit meadow"


def sign_in(page: Page, who: dict[str, str], *, password: str | None = None) -> Any:
    tab = page.open("/signin")
    enter_password_and_pin(tab, who, password)
    finish_sign_in(tab)
    return tab


def enter_password_and_pin(tab: Any, who: dict[str, str], password: str | None = None) -> None:
    """The sign-in screen's two steps, typed as a person would."""
    tab.get_by_label("Nursery short name").fill(who["setting"])
    tab.get_by_label("E-mail address").fill(who["email"])
    tab.get_by_label("Password").fill(password or who["password"])
    tab.get_by_role("button", name="Continue").click()
    tab.get_by_label("Your PIN").fill(who["pin"])
    tab.get_by_role("button", name="Sign in").click()


ENROL_HEADING = "Set up strong sign-in"


def finish_sign_in(tab: Any) -> None:
    """After the PIN: "Set up later" when a manager is invited to enrol within the grace (S34)."""
    tab.wait_for_function(
        "(heading) => !['/signin', '/'].includes(location.pathname)"
        " || [...document.querySelectorAll('main h1')].some((h) => h.textContent === heading)",
        arg=ENROL_HEADING,
    )
    later = tab.get_by_role("button", name="Set up later")
    if later.count():
        later.click()
        tab.wait_for_function("() => !['/signin', '/'].includes(location.pathname)")


def confirm_it_is_me(tab: Any, password: str = PASSWORD) -> None:
    """S35: the dialog a sensitive change opens; once confirmed, the change is sent again."""
    dialog = tab.get_by_role("dialog", name="Confirm it is you")
    dialog.get_by_label("Your password").fill(password)
    dialog.get_by_role("button", name="Confirm").click()
    dialog.wait_for(state="detached")


def manager_named(api: Api, name: str) -> dict[str, str]:
    slug = f"acorns-{secrets.token_hex(4)}"
    email = f"manager@{slug}.example"
    response = api.post(
        "/api/platform/settings",
        {
            "name": "Little Acorns",
            "slug": slug,
            "retentionDays": 365,
            "managerName": name,
            "managerEmail": email,
        },
        headers={"x-functions-key": api.served.master_key},
    )
    assert response.status_code == 201, response.text
    return {"setting": slug, "email": email, "password": PASSWORD, "pin": PIN}


def test_a_manager_activates_from_the_emailed_link_and_the_token_leaves_the_address_bar(
    api: Api, browser_page: Page
) -> None:
    who = manager_named(api, "Maya Manager")
    token = api.link(who["email"], "activate")
    tab = browser_page.open(f"/activate#{token}")
    tab.get_by_role("heading", name="Welcome! Set up your account").wait_for()
    assert "#" not in tab.url and token not in tab.url
    browser_page.shot("activate")
    tab.get_by_label("New password").fill("short")
    assert "Too short" in tab.locator(".strength").text_content()
    tab.get_by_label("New password").fill(PASSWORD)
    tab.get_by_label("Password again").fill(PASSWORD)
    tab.get_by_label("PIN", exact=True).fill(PIN)
    tab.get_by_label("PIN again").fill(PIN)
    tab.get_by_role("button", name="Set up my account").click()
    tab.wait_for_url("**/signin")
    assert "Your account is ready" in tab.locator(".message.info").text_content()
    browser_page.shot("signin")

    signed_in = sign_in(browser_page, who)
    assert signed_in.url.endswith("/approvals")
    assert signed_in.locator(".who").text_content() == "Maya Manager"
    browser_page.shot("manager-approvals")
    assert browser_page.errors == []


def test_a_wrong_password_gets_a_kind_clear_message_and_throttling_shows_the_wait(
    api: Api, browser_page: Page
) -> None:
    who = api.activate_manager()
    tab = browser_page.open("/signin")
    tab.get_by_label("Nursery short name").fill(who["setting"])
    tab.get_by_label("E-mail address").fill(who["email"])
    for _ in range(5):
        tab.get_by_label("Password").fill("not the right password")
        tab.get_by_role("button", name="Continue").click()
        tab.locator(".message.error:not([hidden])").wait_for()
        tab.wait_for_function(
            "() => !document.querySelector('form').getAttribute('aria-busy')?.includes('true')"
        )
    message = tab.locator(".message.error").text_content() or ""
    assert re.search(r"You can try again in \d+ (second|minute)s?\.", message), message
    browser_page.shot("signin-throttled")


def test_a_forgotten_password_is_reset_from_the_emailed_link_and_old_sessions_end(
    api: Api, browser_page: Page
) -> None:
    who = api.activate_manager()
    elsewhere = api.fresh()
    assert elsewhere.sign_in(who).status_code == 200
    tab = browser_page.open("/signin")
    tab.get_by_role("link", name="Forgotten your password or PIN?").click()
    tab.get_by_label("Nursery short name").fill(who["setting"])
    tab.get_by_label("E-mail address").fill(who["email"])
    tab.get_by_role("button", name="Send me a reset link").click()
    tab.get_by_text("If that address has an account here, a reset link is on its way.").wait_for()
    browser_page.shot("forgot")

    token = api.link(who["email"], "reset", count=2)
    tab = browser_page.open(f"/reset#{token}")
    tab.get_by_role("heading", name="Choose a new password").wait_for()
    assert "#" not in tab.url
    tab.get_by_label("New password").fill(NEW_PASSWORD)
    tab.get_by_label("Password again").fill(NEW_PASSWORD)
    browser_page.shot("reset")
    tab.get_by_role("button", name="Change my password").click()
    tab.wait_for_url("**/signin")
    assert "Your password is changed" in (tab.locator(".message.info").text_content() or "")

    assert elsewhere.get("/api/auth/session").status_code == 401
    signed_in = sign_in(browser_page, who, password=NEW_PASSWORD)
    assert signed_in.url.endswith("/approvals")


def test_after_idle_time_the_next_action_lands_on_the_sign_in_page(
    api: Api, clock: FrozenClock, browser_page: Page
) -> None:
    who = api.activate_manager()
    tab = sign_in(browser_page, who)
    tab.get_by_text("Nothing is waiting").wait_for()
    clock.advance(minutes=31)
    tab.get_by_role("link", name="My account").click()
    tab.wait_for_url("**/signin")
    assert "Your session has ended" in (tab.locator(".message.info").text_content() or "")


def test_the_idle_warning_appears_two_minutes_before_and_stay_signed_in_keeps_the_session(
    api: Api, browser_page: Page
) -> None:
    who = api.activate_manager()
    browser_page.page.clock.install()
    tab = sign_in(browser_page, who)
    tab.get_by_text("Nothing is waiting").wait_for()
    tab.clock.fast_forward("27:00")
    assert not tab.get_by_role("dialog").is_visible()
    tab.clock.fast_forward("01:30")
    dialog = tab.get_by_role("dialog", name="Are you still there?")
    dialog.wait_for()
    browser_page.shot("idle-warning")
    with tab.expect_response("**/api/auth/session") as answered:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert answered.value.status == 200
    dialog.wait_for(state="hidden")
    tab.clock.fast_forward("29:00")
    assert tab.url.endswith("/approvals")
    tab.clock.fast_forward("02:00")
    tab.wait_for_url("**/signin")
    assert "30 minutes without activity" in (tab.locator(".message.info").text_content() or "")


def test_a_name_holding_markup_is_shown_literally_and_runs_nothing(api: Api, browser_page: Page) -> None:
    who = manager_named(api, XSS)
    token = api.link(who["email"], "activate")
    assert (
        api.post("/api/auth/activate", {"token": token, "password": PASSWORD, "pin": PIN}).status_code == 200
    )
    tab = sign_in(browser_page, who)
    assert tab.locator(".who").text_content() == XSS
    tab.get_by_role("link", name="My account").click()
    tab.get_by_text("Signed in as").wait_for()
    tab.get_by_text("This device", exact=True).wait_for()
    browser_page.shot("account")
    assert XSS in (tab.locator("main").text_content() or "")

    boss = api.fresh()
    assert boss.sign_in(who).status_code == 200
    child = {"firstName": XSS, "lastName": "<script>alert(2)</script>", "dateOfBirth": "2023-01-02",
             "photosInOwnJournal": False, "photosInOthersJournals": False}  # fmt: skip
    assert boss.post("/api/children", child).status_code == 201
    tab.get_by_role("link", name="Children\u2019s records").click()
    tab.get_by_role("cell", name=f"{XSS} <script>alert(2)</script>", exact=True).wait_for()
    browser_page.shot("manager-children-xss")
    assert tab.locator("main img, main script").count() == 0
    assert browser_page.dialogs == []


def test_pages_carry_a_strict_policy_and_the_api_keeps_its_own_routes(api: Api, browser_page: Page) -> None:
    tab = browser_page.page
    response = tab.goto(browser_page.base + "/forgot")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["referrer-policy"] == "no-referrer"
    tab.get_by_role("heading", name="Forgotten your password or PIN?").wait_for()
    assert browser_page.errors == []


def test_a_parent_invited_by_a_manager_activates_signs_in_and_sees_the_childs_journal(
    api: Api, browser_page: Page
) -> None:
    who = api.activate_manager()
    tab = sign_in(browser_page, who)
    tab.get_by_role("link", name="Children\u2019s records").click()
    tab.get_by_text("Add a child").click()
    tab.get_by_label("First name").fill("Poppy")
    tab.get_by_label("Last name").fill("Tanaka")
    tab.get_by_label("Date of birth").fill("2023-03-14")
    tab.get_by_label("Photos in their own journal").check()
    tab.get_by_role("button", name="Add child").click()
    tab.get_by_role("cell", name="Poppy Tanaka", exact=True).wait_for()
    browser_page.shot("manager-children")

    parent = f"parent-{secrets.token_hex(3)}@family.example"
    tab.get_by_role("link", name="Parents").click()
    tab.get_by_text("Invite a parent").click()
    tab.get_by_label("Name").fill("Pat Tanaka")
    tab.get_by_label("E-mail address").fill(parent)
    tab.get_by_label("Poppy Tanaka").check()
    tab.get_by_role("button", name="Send invitation").click()
    tab.get_by_role("cell", name=parent, exact=True).wait_for()
    browser_page.shot("manager-parents")
    for screen, heading in [
        ("Staff", "Staff"),
        ("Privacy & retention", "Privacy and retention"),
        ("Audit log", "Audit log"),
    ]:
        tab.get_by_role("link", name=screen, exact=True).click()
        tab.get_by_role("heading", name=heading, exact=True).wait_for()
        tab.locator("main table, main form").first.wait_for()
        browser_page.shot(f"manager-{heading.split()[0].lower()}")
    assert tab.get_by_text("Not available yet").count() == 0
    tab.get_by_role("link", name="Privacy & retention").click()
    tab.get_by_label("How parents see other children in group observations").select_option("initials")
    tab.get_by_role("button", name="Save policy").click()
    confirm_it_is_me(tab)
    tab.get_by_text("Saved.", exact=True).wait_for()
    boss = api.fresh()
    assert boss.sign_in(who).status_code == 200
    assert boss.get("/api/setting").json()["policy"]["otherChildren"] == "initials"

    token = api.link(parent, "activate")
    tab = browser_page.open(f"/activate#{token}")
    tab.get_by_label("New password").fill(PASSWORD)
    tab.get_by_label("Password again").fill(PASSWORD)
    tab.get_by_label("PIN", exact=True).fill(PIN)
    tab.get_by_label("PIN again").fill(PIN)
    tab.get_by_role("button", name="Set up my account").click()
    tab.wait_for_url("**/signin")
    tab = sign_in(
        browser_page, {"setting": who["setting"], "email": parent, "password": PASSWORD, "pin": PIN}
    )
    assert tab.url.endswith("/children")
    tab.get_by_role("link", name="Poppy Tanaka").click()
    tab.get_by_role("heading", name="Poppy Tanaka\u2019s learning journal").wait_for()
    tab.get_by_text("Nothing here yet.").wait_for()
    browser_page.shot("parent-journal-empty")


def _png(path: Any) -> Any:
    from PIL import Image

    Image.new("RGB", (64, 48), (40, 140, 90)).save(path, "PNG")
    return path


def _activate(api: Api, email: str) -> None:
    token = api.link(email, "activate")
    assert (
        api.post("/api/auth/activate", {"token": token, "password": PASSWORD, "pin": PIN}).status_code == 200
    )


def _nursery(api: Api) -> dict[str, Any]:
    """A setting with two children, a practitioner, and a parent of the first child only."""
    who = api.activate_manager()
    boss = api.fresh()
    assert boss.sign_in(who).status_code == 200
    kids = []
    for first, last in [("Poppy", "Tanaka"), ("Kit", "Jones")]:
        added = boss.post(
            "/api/children",
            {"firstName": first, "lastName": last, "dateOfBirth": "2023-03-14",
             "photosInOwnJournal": True, "photosInOthersJournals": True},
        )  # fmt: skip
        assert added.status_code == 201, added.text
        kids.append(added.json()["id"])
    tag = secrets.token_hex(3)
    practitioner, parent = f"pia-{tag}@staff.example", f"pat-{tag}@family.example"
    invited = boss.post(
        "/api/staff", {"name": "Pia Practitioner", "email": practitioner, "role": "practitioner"}
    )
    assert invited.status_code == 201, invited.text
    invited = boss.post("/api/parents", {"name": "Pat Tanaka", "email": parent, "childIds": [kids[0]]})
    assert invited.status_code == 201, invited.text
    _activate(api, practitioner)
    _activate(api, parent)
    setting = boss.get("/api/setting")
    changed = boss.call(
        "PATCH", "/api/setting", {"otherChildren": "hidden"}, headers={"If-Match": setting.headers["ETag"]}
    )
    assert changed.status_code == 200, changed.text
    person = {"setting": who["setting"], "password": PASSWORD, "pin": PIN}
    return {
        "manager": who,
        "practitioner": {**person, "email": practitioner},
        "parent": {**person, "email": parent},
        "children": kids,
    }


def _sign_out(page: Page) -> None:
    page.page.context.clear_cookies()


def test_a_group_observation_with_a_photo_reaches_a_parent_who_never_sees_the_other_childs_name_and_comments(
    api: Api, browser_page: Page, tmp_path: Any
) -> None:
    nursery = _nursery(api)
    tab = sign_in(browser_page, nursery["practitioner"])
    assert tab.url.endswith("/children")
    browser_page.shot("practitioner-children")
    tab.get_by_role("link", name="New observation").click()
    tab.get_by_label("Poppy Tanaka").check()
    tab.get_by_label("Kit Jones").check()
    tab.get_by_label("What did you see?").fill("Poppy and Kit Jones built a tall tower together.")
    tab.get_by_label("Mathematics").check()
    tab.get_by_label("Next steps").fill("Count the bricks with Kit.")
    tab.get_by_label("Photos", exact=True).set_input_files(str(_png(tmp_path / "tower.png")))
    preview = tab.locator(".preview img")
    preview.wait_for()
    assert (preview.get_attribute("src") or "").startswith("blob:")
    browser_page.shot("practitioner-new-observation")
    tab.get_by_role("button", name="Submit for approval").click()
    tab.get_by_text("Submitted. A manager will check it").wait_for()
    assert tab.locator(".preview progress").evaluate("bar => bar.value") == 1

    _sign_out(browser_page)
    tab = sign_in(browser_page, nursery["manager"])
    tab.get_by_role("button", name="Publish").wait_for()
    browser_page.shot("manager-approvals-queue")
    tab.get_by_role("button", name="Publish").click()
    tab.get_by_text("Published to the families\u2019 journals.").wait_for()

    _sign_out(browser_page)
    tab = sign_in(browser_page, nursery["parent"])
    tab.get_by_role("link", name="Poppy Tanaka").click()
    entry = tab.locator("article.entry").first
    entry.wait_for()
    thumb = entry.locator(".photos img")
    thumb.wait_for()
    tab.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    text = entry.text_content() or ""
    assert "Poppy" in text and "Kit" not in text and "Jones" not in text, text
    browser_page.shot("parent-journal")
    entry.get_by_role("button", name="Comments").click()
    entry.get_by_label("Add a comment").fill("She told us all about it at tea time!")
    entry.get_by_role("button", name="Post comment").click()
    entry.get_by_text("She told us all about it at tea time!").wait_for()
    thumb.click()
    tab.get_by_role("dialog", name="Photo").wait_for()
    browser_page.shot("parent-photo")
    tab.get_by_role("button", name="Close").click()
    tab.get_by_role("link", name="Add a moment").click()
    tab.get_by_label("What happened?").fill("Poppy counted ten stairs on the way to bed.")
    tab.get_by_role("button", name="Share with the nursery").click()
    tab.get_by_text("Thank you! The nursery will see your moment.").wait_for()

    _sign_out(browser_page)
    tab = sign_in(browser_page, nursery["practitioner"])
    tab.get_by_role("link", name="Poppy Tanaka").click()
    entry = tab.locator("article.entry").first
    entry.get_by_role("button", name="Comments").click()
    entry.get_by_text("She told us all about it at tea time!").wait_for()
    assert "Kit Jones" in (entry.text_content() or "")
    moment = tab.locator("li", has_text="Poppy counted ten stairs on the way to bed.")
    moment.get_by_role("button", name="Add to the journal").click()
    moment.get_by_text("In the journal").wait_for()
    tab.set_viewport_size({"width": 1280, "height": 900})
    browser_page.shot("desktop-practitioner-journal")
    assert browser_page.errors == [] and browser_page.dialogs == []


def test_signing_out_everywhere_ends_the_other_devices_sessions_too(api: Api, browser_page: Page) -> None:
    who = api.activate_manager()
    elsewhere = api.fresh()
    assert elsewhere.sign_in(who).status_code == 200
    tab = sign_in(browser_page, who)
    tab.get_by_role("link", name="My account").click()
    tab.get_by_text("This device", exact=True).wait_for()
    signed_in_at = tab.locator("section", has=tab.get_by_role("heading", name="Where you are signed in"))
    assert signed_in_at.locator(".list > li").count() == 2
    tab.get_by_role("button", name="Sign out everywhere").click()
    tab.wait_for_url("**/signin")
    assert "signed out on every device" in (tab.locator(".message.info").text_content() or "")
    assert elsewhere.get("/api/auth/session").status_code == 401
    tab.goto(browser_page.base + "/account")
    tab.wait_for_url("**/signin")


def test_signing_in_works_from_the_keyboard_alone_with_a_visible_focus(api: Api, browser_page: Page) -> None:
    who = api.activate_manager()
    tab = browser_page.open("/signin")
    tab.get_by_label("Nursery short name").wait_for()
    for _ in range(6):
        tab.keyboard.press("Tab")
        if tab.evaluate("() => document.activeElement.name") == "setting":
            break
    assert tab.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "solid"
    for value in (who["setting"], who["email"], who["password"]):
        tab.keyboard.type(value)
        tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")
    tab.get_by_label("Your PIN").wait_for()
    tab.wait_for_function("() => document.activeElement.name === 'pin'")
    tab.keyboard.type(who["pin"])
    tab.keyboard.press("Enter")
    # S34: a manager is invited to set up strong sign-in; "Set up later" is one Tab away.
    tab.get_by_role("heading", name=ENROL_HEADING).wait_for()
    tab.wait_for_function("() => document.activeElement.textContent === 'Set up the app'")
    tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/approvals")


def test_a_practitioner_saves_a_draft_and_submits_it_later(api: Api, browser_page: Page) -> None:
    nursery = _nursery(api)
    tab = sign_in(browser_page, nursery["practitioner"])
    tab.get_by_role("link", name="New observation").click()
    tab.get_by_label("Kit Jones").check()
    tab.get_by_label("What did you see?").fill("Kit poured water between jugs.")
    tab.get_by_role("button", name="Save as draft").click()
    tab.get_by_text("Saved as a draft.").wait_for()
    tab.get_by_role("link", name="Drafts").click()
    draft = tab.locator("li", has_text="Kit poured water between jugs.")
    browser_page.shot("practitioner-drafts")
    draft.get_by_role("button", name="Submit for approval").click()
    tab.get_by_text("Submitted for approval.").wait_for()
