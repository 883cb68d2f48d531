"""Chromium journey of the progress check at age two: the key person writes it, a manager
finalises and shares it, the parent signs in, reads it at a phone's width, reloads, comments and
downloads the PDF. Screenshots go to test-artifacts/screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import pdfs
from tests.browser.conftest import Page
from tests.browser.test_journeys import _nursery, _sign_out, sign_in
from tests.http.conftest import Api

pytestmark = pytest.mark.browser
HEADING = "Poppy Tanaka\u2019s progress check at age two"


def make_key_person(api: Api, nursery: dict[str, object]) -> None:
    boss = api.fresh()
    assert boss.sign_in(nursery["manager"]).status_code == 200  # type: ignore[arg-type]
    staff = boss.get("/api/staff").json()["staff"]
    pia = next(s["id"] for s in staff if s["email"] == nursery["practitioner"]["email"])  # type: ignore[index]
    poppy = nursery["children"][0]  # type: ignore[index]
    version = boss.get(f"/api/children/{poppy}").headers["ETag"]
    keyed = boss.call("PATCH", f"/api/children/{poppy}", {"keyPersonId": pia}, headers={"If-Match": version})
    assert keyed.status_code == 200, keyed.text


def test_a_key_person_writes_the_check_a_manager_shares_it_and_the_parent_reads_comments_and_downloads_it(
    api: Api, browser_page: Page, tmp_path: Path
) -> None:
    nursery = _nursery(api)
    make_key_person(api, nursery)
    tab = sign_in(browser_page, nursery["practitioner"])
    tab.get_by_role("link", name="Two-year checks").click()
    tab.get_by_role("heading", name="Progress checks at age two").wait_for()
    tab.get_by_role("list", name="Overdue").get_by_role("link", name="Poppy Tanaka").click()
    tab.get_by_role("heading", name=HEADING).wait_for()
    cl = tab.get_by_role("group", name="Communication and language")
    cl.get_by_label("Strengths").fill("Poppy listens to stories and names her friends.")
    cl.get_by_label("Where progress is less than expected").fill("She uses few two-word phrases yet.")
    tab.get_by_role("group", name="Personal, social and emotional development").get_by_label(
        "Strengths"
    ).fill("Poppy settles quickly with her key person.")
    tab.get_by_role("group", name="Physical development").get_by_label("Strengths").fill(
        "Poppy climbs and runs with confidence."
    )
    tab.get_by_label("What the setting will do").fill("Daily small-group talk time.")
    tab.get_by_role("button", name="Save check").click()
    tab.get_by_text("Check saved.").wait_for()
    assert tab.get_by_role("button", name="Finalise check").count() == 0  # managers finalise
    _sign_out(browser_page)

    tab = sign_in(browser_page, nursery["manager"])
    tab.get_by_role("link", name="Two-year checks").click()
    tab.get_by_role("list", name="Overdue").get_by_role("link", name="Poppy Tanaka").click()
    tab.get_by_role("heading", name=HEADING).wait_for()
    tab.get_by_role("button", name="Finalise check").click()
    tab.get_by_text("Check finalised.").wait_for()
    tab.get_by_role("button", name="Share with the family").click()
    tab.get_by_text("Shared with the family.", exact=True).wait_for()
    browser_page.shot("two-year-check-shared")
    tab.get_by_role("link", name="Two-year checks").click()
    tab.get_by_role("list", name="Done").get_by_role("link", name="Poppy Tanaka").wait_for()
    _sign_out(browser_page)

    tab = sign_in(browser_page, nursery["parent"])
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.get_by_role("link", name="Progress check at age two").click()
    tab.get_by_role("heading", name=HEADING).wait_for()
    tab.get_by_text("Poppy climbs and runs with confidence.").wait_for()
    tab.get_by_text("health visitor").wait_for()
    tab.reload()
    tab.get_by_role("heading", name=HEADING).wait_for()
    tab.get_by_text("She uses few two-word phrases yet.").wait_for()
    overflow = tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    tab.get_by_label("Your comments").fill("She sings the songs at home too. Thank you!")
    tab.get_by_role("button", name="Add comment").click()
    tab.get_by_text("Thank you: your comment is saved.").wait_for()
    browser_page.shot("phone-390-parent-two-year-check")
    with tab.expect_download() as download_info:
        tab.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == "two-year-check.pdf"
    saved = tmp_path / "two-year-check.pdf"
    download.save_as(saved)
    pdf = saved.read_bytes()
    assert pdfs.shows(pdf, "Poppy Tanaka") and pdfs.shows(pdf, "She sings the songs at home too. Thank you!")
    tab.reload()
    assert tab.get_by_label("Your comments").input_value() == "She sings the songs at home too. Thank you!"
    assert browser_page.errors == []
