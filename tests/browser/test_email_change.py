"""S38 in the browser: a user asks for a new address in My account, and the confirm page the
mailed link opens survives a reload and confirms with their password."""

from __future__ import annotations

import secrets

import pytest

from tests.browser.conftest import Page
from tests.browser.test_journeys import confirm_it_is_me, sign_in
from tests.conftest import PASSWORD
from tests.http.conftest import Api

pytestmark = pytest.mark.browser


def test_s38_a_user_changes_their_address_in_my_account_and_confirms_it_after_a_reload(
    api: Api, browser_page: Page
) -> None:
    who = api.activate_manager()
    tab = sign_in(browser_page, who)
    tab.get_by_role("link", name="My account").click()
    tab.get_by_text("Change your e-mail address").first.click()
    new = f"{secrets.token_hex(4)}@elsewhere.example"
    tab.get_by_label("New e-mail address").fill(new)
    tab.get_by_label("Your password").first.fill(PASSWORD)
    tab.get_by_role("button", name="Change your e-mail address").click()
    confirm_it_is_me(tab)  # S35: the request is sent again once confirmed
    tab.get_by_text("open the link we have sent to the new address").wait_for()
    token = api.link(new, "email-confirm")
    tab.goto(f"{browser_page.base}/email-confirm#{token}")
    tab.get_by_role("heading", name="Confirm your new e-mail address").wait_for()
    assert "#" not in tab.url  # the token left the address bar at once (S14)
    tab.reload()
    tab.get_by_label("Your password").fill(PASSWORD)
    tab.get_by_role("button", name="Confirm this address").click()
    tab.wait_for_url("**/signin")
    tab.get_by_text("Your e-mail address is changed").wait_for()
    assert api.fresh().sign_in({**who, "email": new}).status_code == 200
    assert browser_page.errors == []
