"""Rooms in real Chromium at phone width: a manager creates rooms and moves a child; a
practitioner filters the children list by room (kept on a reload) and finds a child among many
with the picker's search, by keyboard."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Page
from tests.browser.test_journeys import _nursery, sign_in
from tests.http.conftest import Api

pytestmark = pytest.mark.browser

NAMES = ["Amara", "Benji", "Cleo", "Dev", "Elif", "Finn", "Gus", "Hana", "Idris", "Jun", "Kofi", "Lila"]


WIDER = """() => [...document.querySelectorAll('main *')]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
  .map((e) => `${e.tagName}.${e.className}.${e.name} ${Math.round(e.getBoundingClientRect().right)}`)"""


def fits_the_phone(tab: Any) -> None:
    overflow = tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, tab.evaluate(WIDER)


def test_a_manager_moves_a_child_and_a_practitioner_filters_and_searches_by_room(
    api: Api, browser_page: Page
) -> None:
    nursery = _nursery(api)
    boss = api.fresh()
    assert boss.sign_in(nursery["manager"]).status_code == 200
    for first in NAMES:  # enough children that one list of checkboxes would be long
        body = {"firstName": first, "lastName": "Many", "dateOfBirth": "2023-05-01",
                "photosInOwnJournal": True, "photosInOthersJournals": True}  # fmt: skip
        added = boss.post("/api/children", body)
        assert added.status_code == 201, added.text
    poppy = nursery["children"][0]

    tab = sign_in(browser_page, nursery["manager"])
    tab.goto(browser_page.base + "/manage/rooms")
    for name in ("Babies", "Toddlers"):
        tab.get_by_label("New room").fill(name)
        tab.get_by_role("button", name="Add room").click()
        tab.get_by_role("list", name="Rooms").get_by_text(name, exact=True).wait_for()
    fits_the_phone(tab)
    browser_page.shot("rooms-manager")

    tab.goto(browser_page.base + f"/manage/children/{poppy}")
    room = tab.get_by_role("region", name="Room")
    room.get_by_label("Put in room").select_option(label="Toddlers")
    room.get_by_role("button", name="Put in room").click()
    room.get_by_text("Moved to Toddlers.").wait_for()
    room.get_by_label("Move to").select_option(label="Babies")
    room.get_by_role("button", name="Move child").click()
    room.get_by_text("Moved to Babies.").wait_for()
    assert room.locator(".current-room").inner_text() == "Babies"
    assert room.get_by_role("list", name="Rooms over time").locator("li").count() == 2
    details = tab.get_by_role("region", name="Tracker details")
    details.get_by_label("SEND support").check()
    details.get_by_label("Date started").fill("2024-09-02")
    details.get_by_role("button", name="Save details").click()
    details.get_by_text("Details saved.").wait_for()
    assert details.get_by_label("Sex").count() == 0  # the setting does not record it
    fits_the_phone(tab)
    browser_page.shot("rooms-child-record")
    tab.reload()
    tab.get_by_role("region", name="Tracker details").get_by_label("SEND support").wait_for()
    assert tab.get_by_role("region", name="Tracker details").get_by_label("SEND support").is_checked()
    assert tab.get_by_role("region", name="Room").locator(".current-room").inner_text() == "Babies"
    assert browser_page.errors == []

    tab.context.clear_cookies()
    tab = sign_in(browser_page, nursery["practitioner"])
    tab.goto(browser_page.base + "/children")
    tab.get_by_role("link", name="Amara Many").wait_for()
    tab.get_by_label("Show room").select_option(label="Babies")
    tab.wait_for_url("**/children?room=*")
    tab.get_by_role("link", name="Amara Many").wait_for(state="detached")  # the room's list has come
    assert tab.locator("main ul.list a").all_inner_texts() == ["Poppy Tanaka"]
    tab.reload()
    tab.get_by_role("link", name="Poppy Tanaka").wait_for()
    assert tab.get_by_label("Show room").input_value() != ""
    assert tab.locator("main ul.list a").all_inner_texts() == ["Poppy Tanaka"]
    fits_the_phone(tab)
    browser_page.shot("rooms-children-filtered")

    tab.goto(browser_page.base + "/observations/new")
    search = tab.get_by_label("Find a child")
    search.wait_for()
    assert tab.get_by_text("Showing 14 of 14 children.").is_visible()
    search.focus()
    tab.keyboard.type("popp")
    tab.get_by_text("Showing 1 of 14 children.").wait_for()
    tab.keyboard.press("Enter")  # picks the only match, and does not submit the form
    tab.get_by_text("Chosen: Poppy Tanaka").wait_for()
    assert tab.get_by_role("checkbox", name="Poppy Tanaka").is_checked()
    tab.keyboard.type("kofi")
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Space")
    tab.get_by_text("Chosen: Kofi Many, Poppy Tanaka").wait_for()
    tab.get_by_label("Room", exact=True).select_option(label="Toddlers")
    tab.get_by_text("Showing 2 of 14 children.").wait_for()  # nobody in Toddlers: only the chosen stay
    fits_the_phone(tab)
    browser_page.shot("rooms-picker-phone")
    tab.get_by_label("What did you see?").fill("Poppy and Kofi shared the watering can.")
    tab.get_by_role("button", name="Save as draft").click()
    tab.get_by_text("Saved as a draft.").wait_for()
    drafts = boss.get("/api/observations", params={"status": "draft"}).json()["observations"]
    assert drafts == []  # the manager's own drafts only; the practitioner's is theirs
    assert browser_page.errors == []
