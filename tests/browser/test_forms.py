"""The client's one request helper and one form helper, seen from the screen: a refused form says why
beside the field the API named and can be sent again; a session that ends mid-way goes to sign-in
and comes back to the same screen."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Page
from tests.browser.test_journeys import confirm_it_is_me, finish_sign_in, sign_in
from tests.conftest import PASSWORD
from tests.http.conftest import Api

pytestmark = pytest.mark.browser

# Records every change of the button's disabled state, so a test can see it was held while pending.
WATCH = """button => {
  window.disabledStates = [];
  new MutationObserver(() => window.disabledStates.push(button.disabled))
    .observe(button, { attributes: true, attributeFilter: ['disabled'] });
}"""


def sign_in_here(tab: Any, who: dict[str, str]) -> None:
    tab.get_by_label("Nursery short name").fill(who["setting"])
    tab.get_by_label("E-mail address").fill(who["email"])
    tab.get_by_label("Password").fill(who["password"])
    tab.get_by_role("button", name="Continue").click()
    tab.get_by_label("Your PIN").fill(who["pin"])
    tab.get_by_role("button", name="Sign in").click()
    finish_sign_in(tab)


def test_a_refused_form_shows_why_beside_the_named_field_and_can_be_sent_again(
    api: Api, browser_page: Page
) -> None:
    who = api.activate_manager()
    tab = sign_in(browser_page, who)
    tab.get_by_role("link", name="My account").click()
    tab.get_by_text("Change your password").first.click()
    current = tab.get_by_label("Current password")
    current.fill("not my password at all")
    tab.get_by_label("New password").fill("a brand new long passphrase")
    button = tab.get_by_role("button", name="Change your password")
    button.click()
    confirm_it_is_me(tab)  # S35: then the change is sent again, and refused for the wrong password
    tab.locator(".field-error").wait_for()
    button.evaluate(WATCH)
    button.click()

    note = tab.locator(".field-error")
    note.wait_for()
    assert note.text_content() == "Your current password is not right."
    assert current.get_attribute("aria-invalid") == "true"
    assert note.get_attribute("id") in (current.get_attribute("aria-describedby") or "")
    assert tab.evaluate("() => document.activeElement.name") == "currentPassword"
    assert "Your current password is not right." in (
        tab.locator("main [role=alert]:visible").first.text_content() or ""
    )
    assert tab.evaluate("() => window.disabledStates") == [True, False]  # held while pending, then back
    assert button.is_enabled()

    current.fill(PASSWORD)
    button.click()
    tab.get_by_text("Your password is changed.").wait_for()
    assert tab.locator(".field-error").count() == 0
    assert current.get_attribute("aria-invalid") is None
    assert browser_page.errors == []


def test_a_session_that_ends_mid_way_signs_in_again_back_on_the_same_screen(
    api: Api, browser_page: Page
) -> None:
    who = api.activate_manager()
    tab = sign_in(browser_page, who)
    tab.get_by_role("link", name="Audit log").click()
    tab.get_by_role("heading", name="Audit log").wait_for()
    browser_page.page.context.clear_cookies()  # the session ends (as after 30 idle minutes)
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_url("**/signin")
    assert "Your session has ended" in (tab.locator(".message.info").text_content() or "")
    sign_in_here(tab, who)
    tab.wait_for_url("**/manage/audit")
    tab.get_by_role("heading", name="Audit log").wait_for()
    assert browser_page.errors == []


def test_signing_out_on_purpose_starts_afresh_on_the_first_screen(api: Api, browser_page: Page) -> None:
    who = api.activate_manager()
    tab = sign_in(browser_page, who)
    tab.get_by_role("link", name="Staff", exact=True).click()
    tab.get_by_role("heading", name="Staff").wait_for()
    tab.get_by_role("button", name="Sign out").click()
    tab.wait_for_url("**/signin")
    sign_in_here(tab, who)
    tab.wait_for_url("**/approvals")
