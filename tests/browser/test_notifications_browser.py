"""A person changes which emails they get in My account, in real Chromium, and a reload keeps it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Page
from tests.browser.test_journeys import sign_in
from tests.http.conftest import Api

pytestmark = pytest.mark.browser


def test_a_manager_changes_an_email_choice_in_my_account_and_it_is_kept_after_a_reload(
    api: Api, browser_page: Page
) -> None:
    who = api.activate_manager()
    tab = sign_in(browser_page, who)
    tab.goto(api.served.base + "/account")
    choice = tab.get_by_label("Observations waiting for approval")
    choice.wait_for()
    assert choice.input_value() == "daily"
    choice.select_option("immediate")
    tab.get_by_role("button", name="Save email choices").click()
    tab.get_by_text("Your email choices are saved.").wait_for()
    tab.reload()
    again = tab.get_by_label("Observations waiting for approval")
    again.wait_for()
    assert again.input_value() == "immediate"
    assert api.sign_in(who).status_code == 200
    assert api.get("/api/account/notifications").json()["choices"]["awaiting"] == "immediate"
