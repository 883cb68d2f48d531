"""Approval in Chromium: a manager returns an observation with a note, the author sees the note
with their draft; and the Audit log screen verifies the log's hash chain (S41)."""

from __future__ import annotations

from tests.browser.conftest import Page
from tests.browser.test_journeys import _nursery, _sign_out, sign_in
from tests.http.conftest import Api


def test_a_manager_returns_an_observation_for_changes_and_the_author_reads_the_note(
    api: Api, browser_page: Page
) -> None:
    nursery = _nursery(api)
    tab = sign_in(browser_page, nursery["practitioner"])
    tab.get_by_role("link", name="New observation").click()
    tab.get_by_label("Kit Jones").check()
    tab.get_by_label("What did you see?").fill("Kit sorted the shells.")
    tab.get_by_role("button", name="Submit for approval").click()
    tab.get_by_text("Submitted. A manager will check it").wait_for()

    _sign_out(browser_page)
    tab = sign_in(browser_page, nursery["manager"])
    tab.get_by_role("button", name="Return for changes").click()
    tab.get_by_label("What should the author change?").fill("Say how he sorted them, by size or colour.")
    tab.get_by_role("button", name="Return to author").click()
    tab.get_by_text("Returned to the author with your note.").wait_for()

    _sign_out(browser_page)
    tab = sign_in(browser_page, nursery["practitioner"])
    tab.get_by_role("link", name="Drafts").click()
    draft = tab.locator("li", has_text="Kit sorted the shells.")
    draft.get_by_text("Say how he sorted them, by size or colour.").wait_for()
    assert browser_page.errors == []


def test_s41_the_audit_log_screen_verifies_the_chain(api: Api, browser_page: Page) -> None:
    tab = sign_in(browser_page, api.activate_manager())
    tab.get_by_role("link", name="Audit log").click()
    tab.get_by_role("button", name="Verify the log").click()
    tab.get_by_text("Intact: all").wait_for()
    assert browser_page.errors == []
