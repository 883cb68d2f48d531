"""A leaver's EYFS profile is purged with the child (against Azurite): nothing of it is left in the
profiles table, and the profile of a child who stays is untouched."""

from __future__ import annotations

from shared.clock import FrozenClock
from shared.domain.frameworks import eyfs
from shared.services import profile
from shared.services.deps import Deps
from shared.services.profile import ProfileChange
from shared.storage import keys
from shared.storage.clients import StorageClients
from tests.integration.test_retention_leavers import archive, build_world, past_retention, rows, run
from tests.nurseries import Nursery


def test_a_leavers_eyfs_profile_is_deleted_with_the_child_and_another_childs_stays(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    world = build_world(nursery)
    judgements = dict.fromkeys([e.elg_id for e in eyfs().elgs], "expected")
    for child in (world.mia, world.ollie):
        change = ProfileChange(judgements=judgements, comment=f"{child.first_name} loves puzzles.")
        profile.record_profile(deps, nursery.manager, child.child_id, change, None)
    archive(world)
    past_retention(world, clock)
    report = run(deps, clients, world.setting_id)
    assert report.counts["profiles"] == 1
    stored = rows(clients, world.setting_id, [keys.PROFILES])[keys.PROFILES]
    assert [r["RowKey"] for r in stored] == [world.ollie.child_id]
    assert "Mia" not in str(stored)
