"""A leaver's progress check at age two is purged with the child (against Azurite): nothing of it
is left in the twoyearchecks table, and the check of a child who stays is untouched."""

from __future__ import annotations

from shared.clock import FrozenClock
from shared.services import two_year_check as checks
from shared.services.deps import Deps
from shared.storage import keys
from shared.storage.clients import StorageClients
from tests.integration.test_retention_leavers import archive, build_world, past_retention, rows, run
from tests.nurseries import Nursery


def test_a_leavers_two_year_check_is_deleted_with_the_child_and_another_childs_stays(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    world = build_world(nursery)
    for child in (world.mia, world.ollie):
        areas = {"physical-development": {"strengths": f"{child.first_name} climbs the frame."}}
        checks.record_check(deps, nursery.manager, child.child_id, areas, None, None)
    archive(world)
    past_retention(world, clock)
    report = run(deps, clients, world.setting_id)
    assert report.counts["two-year-checks"] == 1
    stored = rows(clients, world.setting_id, [keys.TWO_YEAR_CHECKS])[keys.TWO_YEAR_CHECKS]
    assert [r["RowKey"] for r in stored] == [world.ollie.child_id]
    assert "Mia" not in str(stored)
