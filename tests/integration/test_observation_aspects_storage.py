"""Observations stored before aspects existed (rows without the Aspects and Framework columns)
still read, with their areas and no aspects, against Azurite."""

from __future__ import annotations

import secrets

from shared.clock import FrozenClock
from shared.services.deps import Deps
from shared.storage import keys
from shared.storage.clients import StorageClients
from shared.storage.observations import observation_entity
from shared.storage.tables import Table
from tests.contract.examples import observation


def test_an_observation_row_from_before_aspects_keeps_its_areas_and_has_no_aspects(
    deps: Deps, clients: StorageClients, clock: FrozenClock
) -> None:
    setting_id = "s" + secrets.token_hex(8)
    old = observation(setting_id, clock.now(), ["ca"])
    row = {k: v for k, v in observation_entity(old, 1).items() if k not in ("Aspects", "Framework")}
    Table(clients.table(keys.OBSERVATIONS)).create(row)
    found = deps.observations.get(setting_id, old.observation_id)
    assert found is not None
    assert found.areas == old.areas and found.aspects == [] and found.framework is None
