"""Saving an observation, and asking which children its text names but does not tag (S37), costs
the same storage requests in a setting of two children as in one of sixty, each a point read, a
query naming its rows, or the write itself: the setting's children are never listed to save one
text (their names come from the names books)."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from shared.config import Config
from shared.services import observations
from shared.services.observations import ObservationText
from shared.storage.clients import StorageClients
from tests.integration.test_flat_costs import Requests
from tests.nurseries import Nursery

CROWD = 60


@pytest.fixture
def requests() -> Requests:
    return Requests()


@pytest.fixture
def clients(config: Config, requests: Requests) -> StorageClients:
    return StorageClients(config.storage, request_hook=requests)


def _names_its_rows(method: str, url: str) -> bool:
    """A write, a point read, or a query naming each row it reads: never a range of a partition
    that grows with the setting."""
    parts = urlsplit(url)
    if method != "GET" or "RowKey=" in unquote(parts.path):
        return True
    found = parse_qs(parts.query).get("$filter", [""])[0]
    return (
        "PartitionKey eq '" in found and "RowKey eq '" in found and not re.search(r"RowKey [gl][te] ", found)
    )


def _save(nursery: Nursery, requests: Requests, text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Save a draft about the first child, then ask which children its text leaves untagged."""
    deps, manager = nursery.deps, nursery.manager
    first = deps.children.list(nursery.setting.setting_id)[0]
    given = ObservationText(
        [first.child_id], text, ["communication-and-language"], "", date(2026, 3, 2).isoformat()
    )
    with requests.during() as window:
        draft = observations.create_observation(deps, manager, given)
        untagged = observations.untagged_names(deps, manager, draft)
    return [c.full_name for c in untagged], window


def test_s37_saving_a_text_costs_the_same_requests_with_two_children_or_sixty(
    nursery: Nursery, other_nursery: Nursery, requests: Requests
) -> None:
    for place, crowd in ((nursery, 0), (other_nursery, CROWD)):
        place.child(firstName="Ada", lastName="Lovelace")
        place.child(firstName="Harry", lastName="Jones")
        for n in range(crowd):
            place.child(firstName=f"Child{n:02d}", lastName="Crowd")
    for place in (nursery, other_nursery):
        # Warm: a first connection, and the first read of a setting with no families yet (which
        # writes its empty families book), are not what we count.
        _save(place, requests, "Ada counted.")
    text = "Ada and Harry Jones built a tower."
    few_named, few = _save(nursery, requests, text)
    many_named, many = _save(other_nursery, requests, text)
    assert few_named == many_named == ["Harry Jones"]
    assert len(few) == len(many), (few, many)
    assert all(_names_its_rows(method, url) for method, url in many), many
