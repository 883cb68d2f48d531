"""Passkeys in real Chromium with a virtual authenticator (CDP WebAuthn domain: ctap2, internal,
resident keys, user verification), against an app whose public base URL is http://localhost:PORT,
since an IP address cannot be an RP ID."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shared.clock import FrozenClock
from tests.browser.conftest import Page, _fresh_app
from tests.browser.test_journeys import enter_password_and_pin, manager_named, sign_in
from tests.conftest import PASSWORD, PIN
from tests.http.conftest import Api, Served, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(_fresh_app(), tmp_path_factory.mktemp("passkey-var"), hostname="localhost") as running:
        yield running


WITHOUT_AUTOFILL = "PublicKeyCredential.isConditionalMediationAvailable = async () => false;"


def virtual_authenticator(page: Page) -> tuple[Any, str]:
    cdp = page.page.context.new_cdp_session(page.page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_s31_add_a_passkey_sign_out_sign_in_with_it_in_one_step_and_remove_it(
    api: Api, browser_page: Page, clock: FrozenClock
) -> None:
    assert api.served.base.startswith("http://localhost:")
    who = manager_named(api, "Pia Passkey")
    activated = api.post(
        "/api/auth/activate", {"token": api.link(who["email"], "activate"), "password": PASSWORD, "pin": PIN}
    )
    assert activated.status_code == 200
    cdp, authenticator = virtual_authenticator(browser_page)
    # The button is the way under test here: with autofill on as well, the virtual authenticator
    # could answer the autofill's request first, and which one signed in would be left to chance.
    browser_page.page.add_init_script(WITHOUT_AUTOFILL)
    tab = sign_in(browser_page, who)

    tab.get_by_role("link", name="My account").click()
    tab.get_by_role("heading", name="Passkeys").wait_for()
    tab.get_by_label("Name for the new passkey").fill("Work laptop")
    tab.get_by_role("button", name="Add a passkey").click()
    # The first strong factor: ten recovery codes, shown this once, for a lost passkey (S33).
    tab.get_by_role("heading", name="Save your recovery codes").wait_for()
    assert tab.locator(".recovery-codes li").count() == 10
    assert tab.get_by_role("link", name="Download as a text file").get_attribute("download")
    browser_page.shot("passkey-recovery-codes")
    tab.get_by_role("button", name="I have saved my codes").click()
    tab.get_by_role("button", name="Remove Work laptop").wait_for()
    assert "not used yet" in tab.locator("li", has_text="Work laptop").text_content()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"]
    browser_page.shot("account-passkeys")

    tab.get_by_role("button", name="Sign out", exact=True).click()
    tab.wait_for_url("**/signin")
    tab.get_by_role("button", name="Sign in with a passkey").click()
    tab.wait_for_url("**/approvals")
    assert tab.locator(".who").text_content() == "Pia Passkey"

    tab.get_by_role("link", name="My account").click()
    tab.get_by_role("heading", name="Browsers you have signed in with").wait_for()
    tab.locator("section", has_text="Browsers you have signed in with").get_by_text("This browser").wait_for()
    tab.locator("li", has_text="Work laptop").get_by_text("last used").wait_for()
    clock.advance(minutes=6)  # no fresh verification left: removing asks for one (S35)
    tab.get_by_role("button", name="Remove Work laptop").click()
    tab.get_by_text("The passkey “Work laptop” is removed.").wait_for()
    tab.get_by_text("You have no passkeys yet.").wait_for()
    # Activation, the new-device notice of the first sign-in, passkey added, passkey removed: the
    # passkey sign-in came from a browser the account knows, so it sent no notice.
    mails = [str(m["Subject"]) for m in api.wait_for_mail(who["email"], 4, notices=True)]
    assert any("added" in s for s in mails) and any("removed" in s for s in mails)
    assert browser_page.errors == []


def test_the_not_me_link_signs_out_everywhere_from_the_browser(api: Api, browser_page: Page) -> None:
    who = manager_named(api, "Nia Notice")
    activated = api.post(
        "/api/auth/activate", {"token": api.link(who["email"], "activate"), "password": PASSWORD, "pin": PIN}
    )
    assert activated.status_code == 200
    elsewhere = api.fresh()
    assert elsewhere.sign_in(who).status_code == 200
    token = api.link(who["email"], "not-me", 2, notices=True)
    tab = browser_page.open(f"/not-me#{token}")
    tab.get_by_role("heading", name="Sign out everywhere").wait_for()
    assert token not in tab.url
    tab.get_by_role("button", name="Sign out everywhere").click()
    tab.wait_for_url("**/signin")
    assert "signed out everywhere" in tab.locator(".message.info").text_content()
    assert elsewhere.get("/api/auth/session").status_code == 401
    assert browser_page.errors == []


@pytest.mark.usefixtures("api")  # wires the app to this module's host, as every other test here does
def test_s31_the_sign_in_screen_offers_passkeys_in_the_email_fields_autofill(browser_page: Page) -> None:
    virtual_authenticator(browser_page)
    tab = browser_page.open("/signin")
    email = tab.get_by_label("E-mail address")
    tab.wait_for_function(
        "() => document.querySelector('input[autocomplete=\"username webauthn\"]') !== null"
    )
    assert email.get_attribute("autocomplete") == "username webauthn"
    # The person can still type: the autofill waits for them, it does not take the screen over.
    email.fill("someone@example.org")
    tab.get_by_role("button", name="Sign in with a passkey").wait_for()
    assert browser_page.errors == []


def test_s34_after_password_and_pin_a_passkey_owner_finishes_with_the_passkey(
    api: Api, browser_page: Page
) -> None:
    who = manager_named(api, "Pip Passkey")
    activated = api.post(
        "/api/auth/activate", {"token": api.link(who["email"], "activate"), "password": PASSWORD, "pin": PIN}
    )
    assert activated.status_code == 200
    virtual_authenticator(browser_page)
    browser_page.page.add_init_script(WITHOUT_AUTOFILL)
    tab = sign_in(browser_page, who)
    tab.get_by_role("link", name="My account").click()
    tab.get_by_label("Name for the new passkey").fill("Phone")
    tab.get_by_role("button", name="Add a passkey").click()
    tab.get_by_role("button", name="I have saved my codes").click()
    tab.get_by_role("button", name="Sign out", exact=True).click()
    tab.wait_for_url("**/signin")

    enter_password_and_pin(tab, who)
    # Password and PIN alone no longer sign in: the passkey (or a recovery code) finishes it.
    tab.get_by_role("heading", name="Now your passkey").wait_for()
    assert tab.get_by_label("Recovery code").is_visible()
    browser_page.shot("sign-in-passkey-step")
    tab.get_by_role("button", name="Sign in with a passkey").click()
    tab.wait_for_url("**/approvals")
    assert tab.locator(".who").text_content() == "Pip Passkey"
    assert browser_page.errors == []
