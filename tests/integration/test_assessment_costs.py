"""A child's judgements at a point cost one bounded range read however large the cohort, and a
save is one transaction; a whole point (300 children x 17 aspects) is read from its own partition
alone. Request counts and shapes from the SDK's request hook against Azurite: no timings."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, unquote, urlsplit

from shared.domain.assessments import ChildAssessment, Judgement, Scale
from shared.domain.frameworks import FrameworkId, framework
from shared.services.deps import Deps
from shared.storage import keys
from shared.storage.clients import StorageClients
from tests.integration.test_flat_costs import Requests, bounded, counted

__all__ = ["counted"]  # the fixture, used by name

COHORT = 300
POINT = "autumn-2026"


def _record(setting_id: str, child_id: str) -> ChildAssessment:
    aspects = framework(FrameworkId.DEVELOPMENT_MATTERS).aspects
    return ChildAssessment(setting_id, POINT, child_id, "development-matters", "2023-09", Scale.ON_TRACK,
                           {a.aspect_id: Judgement(a.aspect_id, "on-track") for a in aspects})  # fmt: skip


def test_one_child_at_a_point_is_one_bounded_range_in_a_cohort_of_300(
    counted: tuple[Deps, StorageClients, Requests],
) -> None:
    deps, _, requests = counted
    setting_id = "s" + secrets.token_hex(8)
    children = sorted(f"c{i:03d}{secrets.token_hex(4)}" for i in range(COHORT))
    for child in children:
        deps.assessments.save_record(_record(setting_id, child))
    wanted = children[COHORT // 2]
    with requests.during() as read:
        found = deps.assessments.record(setting_id, POINT, wanted)
    assert found is not None and len(found.judgements) == 17
    assert len(read) == 1 and bounded(*read[0]), read
    with requests.during() as saved:
        deps.assessments.save_record(_record(setting_id, wanted + "x"))
    assert [m for m, _ in saved] == ["POST"] and urlsplit(saved[0][1]).path.endswith("$batch")
    with requests.during() as cohort:
        every = deps.assessments.records(setting_id, POINT)
    assert len(every) == COHORT + 1 and all(len(r.judgements) == 17 for r in every)
    partition = keys.point_partition(setting_id, POINT)
    for _, url in cohort:  # each page names the point's partition and nothing else
        assert parse_qs(urlsplit(url).query)["$filter"] == [f"PartitionKey eq '{partition}'"], unquote(url)
    assert len(cohort) <= (COHORT * 18) // 1000 + 2  # pages of up to 1,000 rows
