"""The cohort report of a setting of 300 children judged on 17 aspects at 4 points, through the
local host, against the same rows read straight through the SDK (goal: 1.5 at most).

The setting and its children come from devhost/world.py (what the use cases make); the manager
signs in through the host. The judgements, 18 rows a child a point (the record and one per
aspect, all final), are written with the storage adapter's own entity mapping in 100-row
transactions (bench/large_world.py), because 21,600 saves through the use case would take
minutes. A fifth of the children are not yet on track in writing, so the report names 60.
"""

from __future__ import annotations

import secrets
import statistics
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import date
from typing import Any

import requests
from azure.core.exceptions import ResourceNotFoundError

from bench.large_world import WORKERS, judged_rows, write_rows
from bench.world import PASSWORD, PIN, World, raw_session_check
from devhost.world import Place
from devhost.world import World as BuiltWorld
from shared.domain.assessments import default_plan
from shared.domain.children import Child
from shared.domain.frameworks import DEFAULT_FRAMEWORK, framework
from shared.domain.two_year_check import setting_today
from shared.storage import keys

CHILDREN = 300
RUNS = 20
GOAL = 1.5


def _seed(world: World) -> tuple[str, str, str, requests.Session]:
    """The setting's id, the manager's id, the last point's id, and the manager's signed-in session."""
    deps = world.deps
    place = BuiltWorld(deps).setting("cohort-" + secrets.token_hex(3), "Cohort Bench Nursery")
    manager = place.manager(
        "Cohort Manager", f"manager@{place.setting_id}.example", password=PASSWORD, pin=PIN
    )
    with ThreadPoolExecutor(WORKERS) as pool:
        children = list(pool.map(lambda n: _child(place, n), range(CHILDREN)))
        setting = place.setting
        points = default_plan(place.setting_id, setting_today(deps.clock.now(), setting.time_zone)).points
        rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        judged_rows(deps, place, manager.user_id, children, rows)
        write_rows(world.clients, pool, rows)
    http = requests.Session()
    http.headers.update({"Origin": deps.config.public_base_url, "Sec-Fetch-Site": "same-origin"})
    body = {"setting": place.setting_id, "email": manager.email, "password": PASSWORD}
    challenge = http.post(world.base + "/api/auth/login", json=body, timeout=60).json()["challenge"]
    answer = http.post(world.base + "/api/auth/pin", json={"challenge": challenge, "pin": PIN}, timeout=60)
    assert answer.status_code == 200, answer.text
    if answer.json().get("next") == "enrol":  # a manager within the grace: "later" (S34)
        later = http.post(world.base + "/api/auth/enrol/skip", json={"challenge": answer.json()["challenge"]})
        assert later.status_code == 200, later.text
    return place.setting_id, manager.user_id, points[-1].point_id, http


def _child(place: Place, n: int) -> Child:
    return place.child(f"Child{n}", f"Family{n}", born=date(2022, 1 + n % 12, 1))


def _raw(world: World, setting_id: str, user_id: str, point_ids: tuple[str, str]) -> None:
    """The rows the report reads, straight through the SDK: the session check, the setting and
    the plan, the tracker policy, the children, and the two points' partitions."""
    tables = world.clients.table
    raw_session_check(world.clients, setting_id, user_id)
    tables(keys.SETTINGS).get_entity(setting_id, keys.SETTING_ROW)
    with suppress(ResourceNotFoundError):
        tables(keys.ASSESSMENTS).get_entity(setting_id, keys.ASSESSMENT_PLAN_ROW)
    with suppress(ResourceNotFoundError):
        tables(keys.CHILD_DETAILS).get_entity(setting_id, keys.TRACKER_POLICY_ROW)
    list(tables(keys.CHILDREN).query_entities("PartitionKey eq @s", parameters={"s": setting_id}))
    for point_id in point_ids:
        partition = keys.point_partition(setting_id, point_id)
        list(tables(keys.ASSESSMENTS).query_entities("PartitionKey eq @p", parameters={"p": partition}))


def _timed(action: Any) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def cohort_figures(world: World) -> dict[str, Any]:
    mark = time.perf_counter()
    setting_id, user_id, point_id, http = _seed(world)
    seeded = time.perf_counter() - mark
    url = f"{world.base}/api/reports/cohort"

    def report() -> None:
        answer = http.get(url, params={"point": point_id}, timeout=60)
        assert answer.status_code == 200, answer.text
        writing = next(a for a in answer.json()["areas"] if a["id"] == "literacy")
        assert (writing["counted"], len(writing["behind"])) == (CHILDREN, CHILDREN // 5), writing

    previous = http.get(url, params={"point": point_id}, timeout=60).json()["previousPoint"]["id"]
    report()  # warm
    with world.counter.during() as window:
        report()
    raw_window_counter = world.counter.during()
    with raw_window_counter:
        _raw(world, setting_id, user_id, (point_id, previous))
    pairs = [(_timed(report), _timed(lambda: _raw(world, setting_id, user_id, (point_id, previous))))
             for _ in range(RUNS)]  # fmt: skip
    median, raw_median = (statistics.median(side) for side in zip(*pairs, strict=True))
    return {
        "children": CHILDREN, "aspects": len(framework(DEFAULT_FRAMEWORK).aspects), "points": 4,
        "median_ms": round(median, 2), "raw_storage_ms": round(raw_median, 2),
        "vs_raw_storage": round(median / raw_median, 3), "goal": GOAL,
        "storage_requests": window.requests, "raw_storage_requests": raw_window_counter.requests,
        "seed_s": round(seeded, 1),
    }  # fmt: skip


def print_cohort(figures: dict[str, Any]) -> None:
    f = figures
    print(f"\ncohort report of one point, {f['children']} children x {f['aspects']} aspects x"
          f" {f['points']} points, through the host, median of {RUNS}:")  # fmt: skip
    print(f"  {f['median_ms']} ms in {f['storage_requests']} storage requests; the same rows read raw:"
          f" {f['raw_storage_ms']} ms in {f['raw_storage_requests']} requests; {f['vs_raw_storage']}x"
          f" (goal {f['goal']})")  # fmt: skip
    print(f"  seeded in {figures['seed_s']} s")
