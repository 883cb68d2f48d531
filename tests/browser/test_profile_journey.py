"""Chromium journeys of progress tracking: a practitioner links an observation to an aspect (ELG)
of the setting's framework; a manager records a child's EYFS profile, finalises it and downloads
the MIS CSV. Screenshots at phone width go to test-artifacts/screenshots."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.browser.conftest import Page
from tests.browser.test_journeys import _nursery, _sign_out, confirm_it_is_me, sign_in
from tests.http.conftest import Api

pytestmark = pytest.mark.browser


def test_a_practitioner_links_an_observation_to_an_early_learning_goal(api: Api, browser_page: Page) -> None:
    nursery = _nursery(api)
    tab = sign_in(browser_page, nursery["practitioner"])
    tab.get_by_role("link", name="New observation").click()
    tab.get_by_label("Poppy Tanaka").check()
    tab.get_by_label("What did you see?").fill("Poppy told the group about her trip to the seaside.")
    tab.get_by_text("Aspects of Development Matters").wait_for()
    tab.locator("summary", has_text="Communication and language").click()
    tab.get_by_label("Speaking", exact=True).check()
    browser_page.shot("observation-aspects")
    tab.get_by_role("button", name="Save as draft").click()
    tab.get_by_text("Saved as a draft.").wait_for()
    practitioner = api.fresh()
    assert practitioner.sign_in(nursery["practitioner"]).status_code == 200
    drafts = practitioner.get("/api/observations", params={"status": "draft"}).json()["observations"]
    assert [(d["aspects"], d["areas"]) for d in drafts] == [(["speaking"], ["communication-and-language"])]
    assert browser_page.errors == []


def test_a_manager_records_a_profile_finalises_it_and_downloads_the_csv(
    api: Api, browser_page: Page, tmp_path: Path
) -> None:
    nursery = _nursery(api)
    tab = sign_in(browser_page, nursery["manager"])
    tab.get_by_role("link", name="EYFS profiles").click()
    tab.get_by_role("heading", name="EYFS profiles").wait_for()
    tab.get_by_role("link", name="Poppy Tanaka").click()
    tab.get_by_role("heading", name="Poppy Tanaka\u2019s EYFS profile").wait_for()
    expected = tab.locator("input[type=radio][value=expected]")
    expected.first.wait_for()  # the judgements come with the profile's own request
    assert expected.count() == 17
    for index in range(17):
        expected.nth(index).check()
    tab.get_by_role("radiogroup", name="Writing").get_by_label("Emerging").check()
    tab.get_by_label("How they learn (characteristics of effective learning)").fill("Keeps trying new ways.")
    tab.get_by_role("button", name="Save judgements").click()
    tab.get_by_text("Judgements saved.").wait_for()
    tab.get_by_text(re.compile("Good level of development: not yet")).wait_for()
    tab.get_by_role("radiogroup", name="Writing").get_by_label("Expected").check()
    tab.get_by_role("button", name="Save judgements").click()
    tab.get_by_text(re.compile("Good level of development: yes")).wait_for()
    tab.get_by_role("button", name="Finalise profile").click()
    tab.get_by_text("Profile finalised.").wait_for()
    tab.get_by_text(re.compile("^Final\\.")).wait_for()
    browser_page.shot("profile-final")

    tab.get_by_role("link", name="EYFS profiles").click()
    with tab.expect_download() as download_info:
        tab.get_by_role("link", name="Download CSV for the school\u2019s MIS").click()
    download = download_info.value
    assert download.suggested_filename == "eyfs-profile.csv"
    saved = tmp_path / "eyfs-profile.csv"
    download.save_as(saved)
    table = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert table[0][:3] == ["Surname", "Forename", "Date of birth"]
    assert table[1][:2] == ["Tanaka", "Poppy"] and table[1][-2:] == ["Y", "final"]
    assert len(table) == 2  # Kit has no profile yet
    _sign_out(browser_page)
    assert browser_page.errors == []


def test_a_manager_chooses_birth_to_5_matters_and_the_observation_form_offers_its_aspects(
    api: Api, browser_page: Page
) -> None:
    nursery = _nursery(api)
    tab = sign_in(browser_page, nursery["manager"])
    tab.get_by_role("link", name="Privacy & retention").click()
    tab.get_by_label("Guidance framework staff link observations to").select_option("birth-to-5-matters")
    tab.get_by_role("button", name="Save policy").click()
    confirm_it_is_me(tab)  # S35: the privacy policy changes only after a fresh check
    tab.get_by_text("Saved.", exact=True).wait_for()
    tab.get_by_role("link", name="New observation").click()
    tab.get_by_text("Aspects of Birth to 5 Matters").wait_for()
    tab.locator("summary", has_text="Mathematics").click()
    tab.get_by_label("Spatial Reasoning").wait_for()
    assert browser_page.errors == []
