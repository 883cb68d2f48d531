"""A parent's journal page in a setting of 300 children and 600 parents, beside the bench's small
setting (S37: the setting's names are read and the matcher built on the request that shows them).

Both pages go through the local host against the bench's Azurite: the same parent request, 20
entries, each naming several other children of the setting in several forms. Figures: the
storage requests one page sends (retries included), and the median wall milliseconds of 20 pages
beside 20 runs of the same storage requests made straight through the SDK, timed in turn (the
journal-page goal is that ratio, 1.5).
The large setting is built with devhost/world.py (children on the roll, parents linked); its
600 other parents hold no password, because nothing here signs them in.
"""

from __future__ import annotations

import secrets
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import requests

from bench.redaction import page, setting
from bench.world import PASSWORD, PIN, World, raw_session_check
from devhost.world import World as BuiltWorld
from shared.domain.people import Account, Role, Status
from shared.services import access, observations
from shared.services.invitations import new_user_id
from shared.storage import keys

RUNS = 20
ENTRIES = 25  # more than a page: the page is full


@dataclass(frozen=True)
class Large:
    browser: requests.Session  # the parent's, signed in
    setting_id: str
    parent_id: str
    child_id: str


def _large_setting(world: World) -> Large:
    """The 300-children setting, with a signed-in parent whose child has a full page."""
    deps = world.deps
    place = BuiltWorld(deps).setting("bench300-" + secrets.token_hex(3), "Big Bench Nursery")
    suffix = place.setting_id
    manager = place.person(
        Role.MANAGER, "Large Manager", f"manager@{suffix}.example", password=PASSWORD, pin=PIN
    )
    parent = place.person(Role.PARENT, "Large Parent", f"parent@{suffix}.example", password=PASSWORD, pin=PIN)
    named, families = setting()
    children = {c.child_id: place.child(c.first_name, c.last_name, born=date(2023, 1, 1)) for c in named}
    for index, family in enumerate(families):
        account = Account(
            place.setting_id, new_user_id(), f"family{index}@{suffix}.example", family.name, Role.PARENT,
            Status.ACTIVE, deps.clock.now(),
        )  # fmt: skip
        deps.accounts.add(account)
        place.link(account, *(children[c] for c in family.child_ids))
    own = children[named[0].child_id]
    place.link(parent, own)
    others = [children[c.child_id] for c in named[1:4]]
    texts = page(named) + page(named, seed=12)
    for index in range(ENTRIES):
        text = f"{named[0].first_name} and friends: {texts[index % len(texts)]}"[:3000]
        made = place.observe(manager, own, *others, text=text, observed_on=date(2026, 1, 1 + index % 28))
        publisher = place.acting(manager)
        reviewed = access.visible_observation(deps, publisher, made.observation_id).etag
        observations.publish_observation(deps, publisher, made.observation_id, reviewed)
    browser = requests.Session()
    _sign_in(world, browser, parent.email, place.setting_id)
    return Large(browser, place.setting_id, parent.user_id, own.child_id)


def _sign_in(world: World, http: requests.Session, email: str, setting_id: str) -> None:
    body = {"setting": setting_id, "email": email, "password": PASSWORD}
    challenge = http.post(world.base + "/api/auth/login", json=body, timeout=60).json()["challenge"]
    answer = http.post(world.base + "/api/auth/pin", json={"challenge": challenge, "pin": PIN}, timeout=60)
    assert answer.status_code == 200, answer.text


def _page(world: World, http: requests.Session, child_id: str) -> None:
    answer = http.get(f"{world.base}/api/children/{child_id}/journal", timeout=60)
    assert answer.status_code == 200 and len(answer.json()["entries"]) == 20, answer.text


def _raw_storage(world: World, large: Large) -> None:
    """The storage requests the large page makes, straight through the SDK: the session check's
    query, the setting row, a page of the journal partition, the children's and the families'
    names books."""
    raw_session_check(world.clients, large.setting_id, large.parent_id)
    world.clients.table(keys.SETTINGS).get_entity(large.setting_id, keys.SETTING_ROW)
    pages = world.clients.table(keys.JOURNAL).query_entities(
        "PartitionKey eq @p", parameters={"p": keys.journal_partition(large.setting_id, large.child_id)},
        results_per_page=21,
    ).by_page()  # fmt: skip
    assert len(list(next(pages))) >= 20
    for table in (keys.CHILDREN, keys.ACCOUNTS):  # the setting's names books (S37)
        world.clients.table(table).get_entity(large.setting_id, keys.NAMES_BOOK_ROW)


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def _measure(world: World, page: Callable[[], object], raw: Callable[[], object]) -> dict[str, float | int]:
    """Storage requests of one page; medians of the page and of its raw storage, timed in turn."""
    page()  # warm
    with world.counter.during() as window:
        page()
    pairs = [(_timed(page), _timed(raw)) for _ in range(RUNS)]
    median, raw_median = (statistics.median(side) for side in zip(*pairs, strict=True))
    return {
        "median_ms": round(median, 2),
        "raw_storage_ms": round(raw_median, 2),
        "vs_raw_storage": round(median / raw_median, 3),
        "storage_requests": window.requests,
    }


def journal_page_figures(world: World) -> dict[str, Any]:
    """The parent's journal page: the bench's small setting, then the 300-children setting."""
    small = _measure(world, world.journal_page, world.raw_journal_storage)
    large = _large_setting(world)
    big = _measure(
        world, lambda: _page(world, large.browser, large.child_id), lambda: _raw_storage(world, large)
    )
    named, families = setting()
    return {
        "small": {"children": 2, **small},
        "large": {"children": len(named), "parents": len(families), **big},
        "large_vs_small": round(float(big["median_ms"]) / float(small["median_ms"]), 3),
    }
