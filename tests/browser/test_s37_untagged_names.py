"""S37 at the screen: staff who name a child they did not tag are asked "tag them, or rephrase?"
before the observation goes further, and one click tags them."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Page
from tests.browser.test_journeys import _nursery, sign_in
from tests.http.conftest import Api

pytestmark = pytest.mark.browser


def test_s37_a_practitioner_naming_an_untagged_child_is_asked_and_tags_them_with_one_click(
    api: Api, browser_page: Page
) -> None:
    nursery = _nursery(api)
    tab = sign_in(browser_page, nursery["practitioner"])
    tab.get_by_role("link", name="New observation").click()
    tab.get_by_label("Poppy Tanaka").check()
    tab.get_by_label("What did you see?").fill("Poppy and Kit Jones built a tall tower together.")
    tab.get_by_role("button", name="Submit for approval").click()

    prompt = tab.get_by_text("These children are named but not tagged: Kit Jones. Tag them, or rephrase?")
    prompt.wait_for()
    browser_page.shot("practitioner-untagged-names")
    assert not tab.get_by_label("Kit Jones").is_checked()
    assert not tab.get_by_text("Submitted. A manager will check it").is_visible()

    tab.get_by_role("button", name="Tag them").click()
    tab.get_by_text("Submitted. A manager will check it").wait_for()
    manager = api.fresh()
    assert manager.sign_in(nursery["manager"]).status_code == 200
    queue = manager.get("/api/observations?status=submitted").json()["observations"]
    assert len(queue) == 1  # the prompt changed the saved draft, it did not add a second one
    assert sorted(queue[0]["childIds"]) == sorted(nursery["children"])
