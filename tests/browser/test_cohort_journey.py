"""Chromium journey of the cohort report: a manager opens it from the navigation, reads the share
on track per area in the chart, finds the same numbers and the child behind in the table, keeps the
report on reload and downloads the CSV, at a phone's width. Screenshot in test-artifacts/screenshots."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shared.domain.frameworks import DEFAULT_FRAMEWORK, framework
from tests.browser.conftest import Page
from tests.browser.test_journeys import _nursery, sign_in
from tests.http.conftest import Api

pytestmark = pytest.mark.browser
ASPECTS = [a.aspect_id for a in framework(DEFAULT_FRAMEWORK).aspects]


def test_a_manager_reads_the_cohort_chart_and_the_table_has_the_same_numbers(
    api: Api, browser_page: Page
) -> None:
    nursery = _nursery(api)
    boss = api.fresh()
    assert boss.sign_in(nursery["manager"]).status_code == 200
    poppy, kit = nursery["children"]
    today = date.today().isoformat()
    point = next(p for p in boss.get("/api/assessment-plan").json()["plan"]["points"]
                 if p["opens"] <= today <= p["closes"] and not p["id"].startswith("entry"))  # fmt: skip
    for child, behind in ((poppy, {"speaking"}), (kit, set())):
        path = f"/api/children/{child}/assessments/{point['id']}"
        values = {a: {"judgement": "not-yet-on-track" if a in behind else "on-track"} for a in ASPECTS}
        assert boss.call("PUT", path, {"judgements": values}, headers={"If-Match": "new"}).status_code == 200
        etag = boss.get(path).headers["ETag"]
        assert boss.post(f"{path}/approve", headers={"If-Match": etag}).status_code == 200

    tab = sign_in(browser_page, nursery["manager"])
    tab.get_by_role("link", name="Cohort report").click()
    tab.get_by_role("heading", name="Cohort report").wait_for()
    chart = tab.get_by_role("img", name=f"Share of children on track per area, {point['name']}")
    chart.wait_for()
    bar = tab.locator('#cohort-chart g[data-area="communication-and-language"] .bar-value')
    assert bar.text_content() == "50% (1/2)"
    assert tab.locator('#cohort-chart g[data-area="mathematics"] .bar-value').text_content() == "100% (2/2)"
    talk = tab.locator('#cohort-table tr[data-area="communication-and-language"]')
    numbers = [talk.locator(f".{c}").inner_text() for c in ("on-track", "counted", "share", "behind")]
    assert numbers == ["1", "2", "50%", "Poppy Tanaka"]
    assert tab.get_by_label("Assessment point").input_value() == point["id"]
    assert tab.get_by_text("2 of 2 children have final judgements").count() == 1
    csv_link = tab.get_by_role("link", name="Download CSV")
    assert csv_link.get_attribute("href") == "/api/reports/cohort/csv"
    with tab.expect_download() as download:
        csv_link.click()
    sheet = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Communication and language,2,1,50,,not judged at both points,Poppy Tanaka" in sheet

    tab.get_by_label("Group").select_option(label="SEND support")
    tab.get_by_text("0 of 0 children have final judgements").wait_for()
    assert "group=send-support" in tab.url
    tab.reload()
    tab.get_by_text("0 of 0 children have final judgements").wait_for()
    assert tab.get_by_label("Group").input_value() == "send-support"
    tab.get_by_label("Group").select_option(label="All children")
    tab.get_by_text("2 of 2 children have final judgements").wait_for()
    tab.emulate_media(media="print")  # the chart and the table print; the choices and links do not
    assert tab.locator("#cohort-chart").is_visible() and tab.locator("#cohort-table").is_visible()
    assert not tab.get_by_label("Group").is_visible() and not csv_link.is_visible()
    tab.emulate_media(media="screen")
    tab.goto(tab.url.split("/reports/")[0] + "/reports/cohort?room=no-such-room")
    tab.get_by_text("Choose one of the setting's rooms, or all rooms.").wait_for()
    tab.get_by_role("link", name="Show today\u2019s report for all children").click()
    tab.get_by_text("2 of 2 children have final judgements").wait_for()
    overflow = tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    browser_page.shot("phone-390-manager-cohort-report")
    assert browser_page.errors == []
