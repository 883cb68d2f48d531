"""Chromium journey of an assessment point: the key person judges Poppy with her observation of the
period suggested and cites it, a manager lets families see final judgements (confirming it is
them), adds an assessment point and approves, and Poppy's parent reads the judgement without the
staff's note, at a phone's width and after a reload; the key person sees the approved judgements
without a save that would be refused. Screenshots go to test-artifacts/screenshots."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import Page
from tests.browser.test_journeys import _nursery, _sign_out, confirm_it_is_me, sign_in
from tests.browser.test_two_year_check_journey import make_key_person
from tests.http.conftest import Api

pytestmark = pytest.mark.browser
HEADING = "Poppy Tanaka\u2019s assessments"
TOLD = "Poppy told the group about the bus ride to the seaside."
NOTE = "Speaks in long sentences at lunch."


def test_the_key_person_judges_with_suggested_evidence_a_manager_approves_and_the_parent_reads_it(
    api: Api, browser_page: Page
) -> None:
    nursery = _nursery(api)
    make_key_person(api, nursery)
    boss = api.fresh()
    assert boss.sign_in(nursery["manager"]).status_code == 200
    poppy = nursery["children"][0]
    today = date.today().isoformat()
    body = {"childIds": [poppy], "text": TOLD, "areas": [], "aspects": ["speaking"], "observedOn": today}
    made = boss.post("/api/observations", body)
    assert made.status_code == 201, made.text
    observation = made.json()["observation"]["id"]
    version = boss.get(f"/api/observations/{observation}").headers["ETag"]
    assert (
        boss.post(f"/api/observations/{observation}/publish", headers={"If-Match": version}).status_code
        == 200
    )
    point = next(p for p in boss.get("/api/assessment-plan").json()["plan"]["points"]
                 if p["opens"] <= today <= p["closes"] and not p["id"].startswith("entry"))  # fmt: skip

    tab = sign_in(browser_page, nursery["practitioner"])
    tab.get_by_role("link", name="Assessments").click()
    tab.get_by_role("heading", name="Assessments").wait_for()
    tab.get_by_role("list", name="Children").get_by_role("listitem").filter(
        has_text="Poppy Tanaka"
    ).get_by_text("Not started").wait_for()
    assert tab.get_by_label("Assessment point").input_value() == point["id"]  # today's point
    tab.get_by_role("list", name="Children").get_by_role("link", name="Poppy Tanaka").click()
    tab.get_by_role("heading", name=HEADING).wait_for()
    speaking = tab.get_by_role("group", name="Speaking", exact=True)
    speaking.get_by_text("1 observation this period").wait_for()
    assert (
        tab.get_by_role("group", name="Writing", exact=True).get_by_text("0 observations this period").count()
        == 1
    )
    speaking.get_by_label("Speaking: judgement").select_option(label="Working beyond")
    speaking.get_by_label("Speaking: note").fill(NOTE)
    speaking.get_by_label(TOLD).check()
    tab.get_by_role("button", name="Save judgements").click()
    tab.get_by_text("Judgements saved.").wait_for()
    assert tab.get_by_role("button", name="Approve judgements").count() == 0  # managers approve
    tab.reload()
    speaking = tab.get_by_role("group", name="Speaking", exact=True)
    assert speaking.get_by_label(TOLD).is_checked()
    assert speaking.get_by_label("Speaking: note").input_value() == NOTE
    browser_page.shot("assessment-key-person")
    _sign_out(browser_page)

    tab = sign_in(browser_page, nursery["manager"])
    tab.get_by_role("link", name="Assessments").click()
    tab.get_by_label("Parents see final judgements").check()
    tab.get_by_role("button", name="Save choices").click()
    confirm_it_is_me(tab)  # S35: what families see is a privacy choice
    tab.get_by_text("Choices saved.").wait_for()
    tab.get_by_role("button", name="Add a point").click()
    added = tab.get_by_role("group", name="New point")
    added.get_by_label("Name").fill("Mid-year check")
    added.get_by_label("Opens").fill("2027-02-01")
    added.get_by_label("Closes").fill("2027-02-28")
    tab.get_by_role("button", name="Save points").click()
    tab.get_by_text("Assessment points saved.").wait_for()
    names = [p["name"] for p in boss.get("/api/assessment-plan").json()["plan"]["points"]]
    assert names[-1] == "Mid-year check" and point["name"] in names
    tab.get_by_text("Waiting for approval: 1").wait_for()
    tab.get_by_role("list", name="Children").get_by_role("link", name="Poppy Tanaka").click()
    tab.get_by_text("Draft.").wait_for()
    tab.get_by_role("button", name="Approve judgements").click()
    tab.get_by_text("Judgements approved.").wait_for()
    tab.get_by_text("Approved (final).").wait_for()
    _sign_out(browser_page)

    # The key person opens the approved judgements: shown, but not offered for a save that would
    # be refused.
    tab = sign_in(browser_page, nursery["practitioner"])
    tab.get_by_role("link", name="Assessments").click()
    tab.get_by_role("list", name="Children").get_by_role("link", name="Poppy Tanaka").click()
    tab.get_by_text("These judgements are final: only a manager can change them.").wait_for()
    assert tab.get_by_label("Speaking: judgement").is_disabled()
    assert tab.get_by_role("button", name="Save judgements").count() == 0
    _sign_out(browser_page)

    tab = sign_in(browser_page, nursery["parent"])
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.get_by_role("link", name="Assessments").click()
    tab.get_by_role("heading", name=HEADING).wait_for()
    tab.get_by_text("Speaking: Working beyond").wait_for()
    tab.reload()
    tab.get_by_role("heading", name=point["name"]).wait_for()
    body = tab.locator("main").inner_text()
    assert NOTE not in body and TOLD not in body
    overflow = tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    browser_page.shot("phone-390-parent-assessments")
    assert browser_page.errors == []
