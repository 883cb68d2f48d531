"""A leaver's judgements are purged with the child (against Azurite): nothing of them is left at
any assessment point, and the judgements of a child who stays are untouched."""

from __future__ import annotations

from shared.clock import FrozenClock
from shared.services import assessments
from shared.services.deps import Deps
from shared.storage import keys
from shared.storage.clients import StorageClients
from tests.integration.test_retention_leavers import archive, build_world, past_retention, rows, run
from tests.nurseries import Nursery


def test_a_leavers_judgements_at_every_point_go_with_the_child_and_another_childs_stay(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    world = build_world(nursery)
    points = [p.point_id for p in assessments.read_plan(deps, nursery.manager).points]
    for child in (world.mia, world.ollie):
        for point in points[:2]:
            judged = {
                "number": {"judgement": "on-track", "note": f"{child.first_name} counts the pegs."},
                "speaking": {"judgement": "working-beyond"},
            }
            assessments.record_judgements(deps, nursery.manager, child.child_id, point, judged, None)
    archive(world)
    past_retention(world, clock)
    report = run(deps, clients, world.setting_id)
    assert report.counts["assessment-rows"] == 2 * 3  # two points: the record and two judgements each
    stored = rows(clients, world.setting_id, [keys.ASSESSMENTS])[keys.ASSESSMENTS]
    judged_rows = [r for r in stored if r["RowKey"] != keys.ASSESSMENT_PLAN_ROW]
    assert {r["RowKey"].split("~")[0] for r in judged_rows} == {world.ollie.child_id}
    assert len(judged_rows) == 6 and "Mia" not in str(stored)
