""" "Lost my phone" in Chromium (S34): a manager approves a reset of a practitioner's strong sign-in
from the staff screen, after confirming it is them (S35); the practitioner sees it in My account
and, not having asked for it, cancels it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Page
from tests.browser.test_journeys import confirm_it_is_me, manager_named, sign_in
from tests.conftest import PASSWORD, PIN
from tests.http.conftest import Api
from tests.http.test_sign_in_reset_http import practitioner_of

pytestmark = pytest.mark.browser


def test_s34_a_manager_approves_a_reset_and_the_practitioner_who_did_not_ask_cancels_it(
    api: Api, browser_page: Page
) -> None:
    manager = manager_named(api, "Mo Manager")
    activated = api.post(
        "/api/auth/activate",
        {"token": api.link(manager["email"], "activate"), "password": PASSWORD, "pin": PIN},
    )
    assert activated.status_code == 200
    assert api.sign_in(manager).status_code == 200
    _, practitioner, _ = practitioner_of(api, manager["setting"])

    tab = sign_in(browser_page, manager)
    tab.get_by_role("link", name="Staff").click()
    tab.get_by_role("button", name="Reset strong sign-in of Pat Practitioner").click()
    dialog = tab.get_by_role("dialog", name="Reset Pat Practitioner\u2019s strong sign-in?")
    dialog.get_by_text("stop working 24 hours from now").wait_for()
    dialog.get_by_role("button", name="Reset in 24 hours").click()
    confirm_it_is_me(tab)  # a change to someone's factors needs a fresh check of the manager
    tab.get_by_text("Pat Practitioner has been e-mailed.").wait_for()
    tab.get_by_text("Sign-in reset from").wait_for()
    browser_page.shot("staff-sign-in-reset")
    tab.get_by_role("button", name="Sign out", exact=True).click()
    tab.wait_for_url("**/signin")

    tab = sign_in(browser_page, practitioner)
    tab.get_by_role("link", name="My account").click()
    warning = tab.get_by_role("alert").filter(has_text="asked to reset your strong sign-in")
    warning.wait_for()
    assert "Mo Manager" in warning.text_content()
    browser_page.shot("account-sign-in-reset")
    warning.get_by_role("button", name="Cancel the reset").click()
    tab.get_by_text("The reset is cancelled.").wait_for()
    tab.get_by_role("button", name="Cancel the reset").wait_for(state="detached")
    assert all(p["signInResetAt"] is None for p in api.get("/api/staff").json()["staff"])
    assert browser_page.errors == []
