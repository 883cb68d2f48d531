"""Every client route survives a reload and opens from a bookmark, for each role, in real Chromium:
the host serves the app for the address, the app draws that screen, and no raw JSON ever shows.
Also two screens at a phone's width."""

from __future__ import annotations

import re
from typing import Any

import pytest

from functions.web import WEB_ROOT
from tests.browser.conftest import Page
from tests.browser.test_journeys import _nursery, enter_password_and_pin, finish_sign_in, sign_in
from tests.http.conftest import Api

pytestmark = pytest.mark.browser

RIGHT_QUOTE = "\u2019"
JOURNAL = re.compile("learning journal$", re.IGNORECASE)
# Each role's screens, as (address, the screen's heading); {child} is the parent's child.
SCREENS: dict[str, list[tuple[str, str | re.Pattern[str]]]] = {
    "manager": [
        ("/approvals", "Waiting for approval"),
        ("/children", "Children"),
        ("/children/{child}", JOURNAL),
        ("/observations/new", "New observation"),
        ("/observations/drafts", "My drafts"),
        ("/manage/staff", "Staff"),
        ("/manage/parents", "Parents"),
        ("/manage/children", f"Children{RIGHT_QUOTE}s records"),
        ("/manage/children/{child}", f"Poppy Tanaka{RIGHT_QUOTE}s record"),
        ("/manage/policy", "Privacy and retention"),
        ("/manage/audit", "Audit log"),
        ("/manage/rooms", "Rooms"),
        ("/profiles", "EYFS profiles"),
        ("/profiles/{child}", f"Poppy Tanaka{RIGHT_QUOTE}s EYFS profile"),
        ("/two-year-checks", "Progress checks at age two"),
        ("/assessments", "Assessments"),
        ("/two-year-checks/{child}", f"Poppy Tanaka{RIGHT_QUOTE}s progress check at age two"),
        ("/assessments/{child}", f"Poppy Tanaka{RIGHT_QUOTE}s assessments"),
        ("/reports/cohort", "Cohort report"),
        ("/account", "My account"),
    ],
    "practitioner": [
        ("/children", "Children"),
        ("/children/{child}", JOURNAL),
        ("/observations/new", "New observation"),
        ("/observations/drafts", "My drafts"),
        ("/profiles", "EYFS profiles"),
        ("/profiles/{child}", f"Poppy Tanaka{RIGHT_QUOTE}s EYFS profile"),
        ("/two-year-checks", "Progress checks at age two"),
        ("/assessments", "Assessments"),
        ("/two-year-checks/{child}", f"Poppy Tanaka{RIGHT_QUOTE}s progress check at age two"),
        ("/assessments/{child}", f"Poppy Tanaka{RIGHT_QUOTE}s assessments"),
        ("/account", "My account"),
    ],
    "parent": [
        ("/children", "My children"),
        ("/children/{child}", JOURNAL),
        ("/moments/new", "Add a moment from home"),
        ("/two-year-checks/{child}", f"Poppy Tanaka{RIGHT_QUOTE}s progress check at age two"),
        ("/assessments/{child}", f"Poppy Tanaka{RIGHT_QUOTE}s assessments"),
        ("/account", "My account"),
    ],
}
SIGNED_OUT = [
    ("/signin", "Sign in to your learning journal"),
    ("/forgot", "Forgotten your password or PIN?"),
    ("/activate", "Welcome! Set up your account"),
    ("/reset", "Choose a new password"),
    ("/email-confirm", "Confirm your new e-mail address"),
    ("/email-object", "Cancel the change of e-mail address"),
    ("/not-me", "Sign out everywhere"),
]
# A link's token leaves the address at once (S14), so a reload of /activate or /reset has none.
NO_TOKEN = "This link is incomplete. Please open it again from your e-mail, or ask for a new one."
NO_CHANGE_TOKEN = "This link is incomplete. Please open it again from your e-mail."


def registered_routes() -> set[str]:
    """The routes web/app.js registers, with parameters written as {child}."""
    patterns = re.findall(r"^route\('([^']+)'", (WEB_ROOT / "app.js").read_text(), flags=re.MULTILINE)
    return {re.sub(r":\w+", "{child}", pattern) for pattern in patterns}


def assert_screen(
    page: Page, response: Any, path: str, heading: str | re.Pattern[str], *, alert: str = ""
) -> None:
    """The address answered the app (never JSON) and the app drew the screen, fully loaded, with
    no error shown but the `alert` expected there."""
    tab = page.page
    assert response is not None and response.status == 200, path
    assert response.headers["content-type"].startswith("text/html"), path
    title = tab.locator("main h1").first
    title.wait_for()
    if isinstance(heading, str):
        tab.get_by_role("heading", name=heading, exact=True).first.wait_for()
    else:
        tab.wait_for_function(
            "pattern => new RegExp(pattern, 'i').test(document.querySelector('main h1').textContent)",
            arg=heading.pattern,
        )
    tab.wait_for_function("() => !document.querySelector('main').textContent.includes('Loading…')")
    body = tab.locator("body").inner_text()
    assert "no_such_api" not in body and not body.lstrip().startswith("{"), path
    alerts = [text.strip() for text in tab.locator("main [role=alert]:visible").all_inner_texts()]
    assert alerts == ([alert] if alert else []), (path, alerts)
    assert "Page not found" not in body and "Not for your role" not in body, path
    assert page.errors == [], (path, page.errors)


def test_the_reload_list_names_every_route_the_client_registers() -> None:
    listed = {path for screens in SCREENS.values() for path, _ in screens} | {p for p, _ in SIGNED_OUT}
    assert registered_routes() - {"/"} == listed


@pytest.mark.parametrize("role", ["manager", "practitioner", "parent"])
def test_every_screen_of_each_role_survives_a_reload_and_opens_as_a_bookmark(
    api: Api, browser_page: Page, role: str
) -> None:
    nursery = _nursery(api)
    child = nursery["children"][0]
    tab = sign_in(browser_page, nursery[role])
    for pattern, heading in SCREENS[role]:
        path = pattern.format(child=child)
        assert_screen(browser_page, tab.goto(browser_page.base + path), path, heading)
        assert_screen(browser_page, tab.reload(), path, heading)
        assert tab.url == browser_page.base + path

        bookmark = Page(tab.context.new_page(), browser_page.base)
        assert_screen(bookmark, bookmark.page.goto(bookmark.base + path), path, heading)
        bookmark.page.close()
    # The start page sends each role to its first screen, also on a reload.
    tab.goto(browser_page.base + "/")
    tab.wait_for_url(re.compile(r"/(approvals|children)$"))
    tab.reload()
    tab.wait_for_url(re.compile(r"/(approvals|children)$"))
    assert browser_page.errors == []


@pytest.mark.usefixtures("api")  # the app wired to this run's host, whatever ran before
def test_the_signed_out_pages_survive_a_reload(browser_page: Page) -> None:
    tab = browser_page.page
    for path, heading in SIGNED_OUT:
        alert = NO_TOKEN if path in {"/activate", "/reset"} else ""
        alert = NO_CHANGE_TOKEN if path.startswith("/email-") or path == "/not-me" else alert
        assert_screen(browser_page, tab.goto(browser_page.base + path), path, heading, alert=alert)
        assert_screen(browser_page, tab.reload(), path, heading, alert=alert)


def test_a_bookmark_opened_signed_out_comes_back_to_its_screen_after_signing_in(
    api: Api, browser_page: Page
) -> None:
    nursery = _nursery(api)
    who = nursery["manager"]
    tab = browser_page.open(f"/manage/children/{nursery['children'][0]}")
    tab.wait_for_url("**/signin")
    enter_password_and_pin(tab, who)
    finish_sign_in(tab)
    tab.wait_for_url(f"**/manage/children/{nursery['children'][0]}")
    tab.get_by_role("heading", name=f"Poppy Tanaka{RIGHT_QUOTE}s record").wait_for()
    assert browser_page.errors == []


def test_a_parent_reloading_a_managers_address_is_told_it_is_not_for_them(
    api: Api, browser_page: Page
) -> None:
    nursery = _nursery(api)
    tab = sign_in(browser_page, nursery["parent"])
    response = tab.goto(browser_page.base + "/manage/staff")
    assert response is not None and response.status == 200
    tab.get_by_role("heading", name="Not for your role").wait_for()
    assert "no_such_api" not in tab.locator("body").inner_text()


def test_screens_fit_a_390_pixel_phone_without_sideways_scrolling(
    api: Api, chromium: Any, browser_page: Page
) -> None:
    nursery = _nursery(api)
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, locale="en-GB", service_workers="block"
    )
    context.set_default_timeout(10_000)
    page = Page(context.new_page(), browser_page.base)
    try:
        child = nursery["children"][0]
        boss = api.fresh()
        assert boss.sign_in(nursery["manager"]).status_code == 200
        point = boss.get("/api/assessment-plan").json()["plan"]["points"][1]["id"]
        signed_in_as = ""
        for role, path, heading, name in [
            ("manager", "/manage/staff", "Staff", "phone-390-manager-staff"),
            ("manager", "/manage/children", f"Children{RIGHT_QUOTE}s records", "phone-390-manager-children"),
            ("manager", "/assessments", "Assessments", "phone-390-manager-assessments"),
            (
                "manager",
                f"/assessments/{child}?point={point}",
                f"Poppy Tanaka{RIGHT_QUOTE}s assessments",
                "phone-390-judging",
            ),
            ("parent", f"/children/{child}", JOURNAL, "phone-390-parent-journal"),
        ]:
            if role != signed_in_as:
                context.clear_cookies()
                sign_in(page, nursery[role])
                signed_in_as = role
            assert_screen(page, page.page.goto(page.base + path), path, heading)
            overflow = page.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, overflow)
            page.shot(name)
    finally:
        context.close()
