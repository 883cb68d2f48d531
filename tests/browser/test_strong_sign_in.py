"""Strong sign-in in real Chromium (S32-S35): a manager is led through setting up an authenticator
app at their first sign-in (the test computes the codes, as the phone would), saves the recovery
codes, and confirms it is them with a code before changing their e-mail address."""

from __future__ import annotations

import secrets

import pyotp
import pytest

from shared.clock import FrozenClock
from tests.browser.conftest import Page
from tests.browser.test_journeys import enter_password_and_pin
from tests.conftest import PASSWORD
from tests.http.conftest import Api

pytestmark = pytest.mark.browser


def test_s34_a_manager_is_led_through_enrolment_at_first_sign_in_then_steps_up_with_a_code(
    api: Api, browser_page: Page, clock: FrozenClock
) -> None:
    who = api.activate_manager()
    tab = browser_page.open("/signin")
    enter_password_and_pin(tab, who)

    tab.get_by_role("heading", name="Set up strong sign-in").wait_for()
    assert tab.get_by_role("button", name="Set up later").is_visible()  # inside the 7-day grace
    tab.get_by_role("button", name="Set up the app").click()
    qr = tab.get_by_role("img", name="QR code for your authenticator app")
    qr.wait_for()
    assert (qr.get_attribute("src") or "").startswith("blob:")  # drawn by us, allowed by the CSP
    assert tab.evaluate("() => document.querySelector('img.qr').naturalWidth") > 0
    secret = (tab.locator("code.secret").text_content() or "").replace(" ", "")
    app = pyotp.TOTP(secret)
    browser_page.shot("enrol-authenticator")
    tab.get_by_label("Code from the app").fill(app.at(clock.now()))
    tab.get_by_role("button", name="Confirm").click()

    tab.get_by_role("heading", name="Save your recovery codes").wait_for()
    codes = tab.locator("ol.recovery-codes li")
    assert codes.count() == 10
    download = tab.get_by_role("link", name="Download as a text file")
    assert download.get_attribute("download") == "learning-journal-recovery-codes.txt"
    browser_page.shot("enrol-recovery-codes")
    tab.get_by_role("button", name="I have saved my codes").click()
    tab.wait_for_url("**/approvals")

    # S35: the e-mail change asks for a code from the app (the strongest method), then goes through.
    tab.get_by_role("link", name="My account").click()
    tab.get_by_text("Authenticator app added").wait_for()
    tab.get_by_text("Change your e-mail address").first.click()
    new = f"{secrets.token_hex(4)}@elsewhere.example"
    tab.get_by_label("New e-mail address").fill(new)
    tab.get_by_label("Your password").first.fill(PASSWORD)
    tab.get_by_role("button", name="Change your e-mail address").click()
    dialog = tab.get_by_role("dialog", name="Confirm it is you")
    dialog.get_by_label("Code from your authenticator app").wait_for()
    clock.advance(seconds=30)  # the code used to enrol is spent: the next one
    dialog.get_by_label("Code from your authenticator app").fill(app.at(clock.now()))
    dialog.get_by_role("button", name="Confirm").click()
    tab.get_by_text("open the link we have sent to the new address").wait_for()
    assert api.link(new, "email-confirm")
    assert browser_page.errors == [] and browser_page.dialogs == []
