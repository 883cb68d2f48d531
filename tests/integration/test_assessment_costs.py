"""A child's judgements at a point cost one bounded range read however large the cohort, and a
save is one transaction; a whole point (300 children x 17 aspects) is read from its own partition
alone, and the cohort report sends the same requests whatever the number of children. Request
counts and shapes from the SDK's request hook against Azurite: no timings."""

from __future__ import annotations

import secrets
from dataclasses import replace
from urllib.parse import parse_qs, unquote, urlsplit

from devhost.world import World as BuiltWorld
from shared.domain.assessments import ChildAssessment, Judgement, RecordStatus, Scale
from shared.domain.frameworks import FrameworkId, framework
from shared.domain.people import Principal
from shared.services import assessments
from shared.services.cohort_report import cohort_report
from shared.services.deps import Deps
from shared.storage import keys
from shared.storage.clients import StorageClients
from tests.conftest import PASSWORD, PIN
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


def _judged_setting(deps: Deps, children: int) -> tuple[Principal, str]:
    """A setting with `children` children, each approved at two points; its manager and the later point."""
    place = BuiltWorld(deps).setting("s" + secrets.token_hex(6), "Cost Nursery")
    manager = place.acting(place.manager("Cost Manager", f"m@{place.setting_id}.example", password=PASSWORD,
                                         pin=PIN))  # fmt: skip
    points = assessments.read_plan(deps, manager).points
    for n in range(children):
        child = place.child(f"Child{n}", "Cost")
        for point in points[:2]:
            record = replace(_record(place.setting_id, child.child_id), point_id=point.point_id,
                             status=RecordStatus.FINAL)  # fmt: skip
            deps.assessments.save_record(record)
    return manager, points[1].point_id


def test_the_cohort_report_reads_the_same_requests_for_3_children_as_for_40_and_none_per_child(
    counted: tuple[Deps, StorageClients, Requests],
) -> None:
    deps, _, requests = counted
    sent = []
    for size in (3, 40):
        manager, point = _judged_setting(deps, size)
        with requests.during() as read:
            report = cohort_report(deps, manager, point, None, "eal")
            everyone = cohort_report(deps, manager, point)
        assert everyone.children == size and everyone.areas[0].counted == size and report.children == 0
        sent.append(read)
        child_reads = [u for _, u in read if keys.CHILDREN in urlsplit(u).path and "RowKey=" in unquote(u)]
        assert child_reads == []  # the children are one partition query, never a point read each
    assert len(sent[0]) == len(sent[1]), (sent[0], sent[1])
    for method, url in sent[1]:
        found = parse_qs(urlsplit(url).query).get("$filter", [""])[0]
        whole_partition = found.startswith("PartitionKey eq '") and " or " not in found
        assert bounded(method, url) or whole_partition, url
