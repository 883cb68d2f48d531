"""Purge figures: the purge of a leaver with N observations against the SDK batch-deleting the same
rows directly, and the purge of 10N against N."""

from __future__ import annotations

import json
import secrets
import statistics
import time
from datetime import date, timedelta

from bench.world import World
from shared.domain.children import Child, ChildStatus
from shared.domain.observations import Area, Observation, ObservationStatus
from shared.domain.settings import Setting
from shared.services.retention import Budget, purge_setting
from shared.storage.journal import partition_of as journal_partition
from shared.storage.observations import _to_entity as observation_entity
from shared.storage.tables import Operation, Table

BATCH = 100


def _leaver(world: World, count: int) -> tuple[Setting, list[dict[str, object]], list[dict[str, object]]]:
    """A setting whose one child left long ago, with `count` published observations (and their
    journal rows) written in batches; returns the setting and the rows written."""
    deps, now = world.deps, world.deps.clock.now()
    setting = Setting("purge-" + secrets.token_hex(4), "Purge Bench", None, retention_days=30, created_at=now)
    deps.settings.add(setting)
    child = Child(
        setting.setting_id,
        "c" + secrets.token_hex(8),
        "Mia",
        "Rose",
        date(2022, 1, 1),
        None,
        True,
        True,
        ChildStatus.ARCHIVED,
        now,
        archived_at=now - timedelta(days=400),
    )
    deps.children.add(child)
    names = json.dumps([[child.child_id, child.first_name, child.last_name]])
    observations, journal = [], []
    for n in range(count):
        observed = now.date() - timedelta(days=n % 2000)
        made = Observation(
            setting.setting_id,
            f"bulk{n:05d}",
            [child.child_id],
            "u-author",
            f"Day {n}",
            [Area.MATHEMATICS],
            "",
            observed,
            ObservationStatus.PUBLISHED,
            now,
            now,
            [],
            now,
        )
        observations.append(observation_entity(made, 1))
        journal.append(
            {
                "PartitionKey": journal_partition(setting.setting_id, child.child_id),
                "RowKey": f"{99999999 - int(observed.strftime('%Y%m%d')):08d}~{made.observation_id}",
                "ObservationId": made.observation_id,
                "Version": 1,
                "Children": names,
                "AuthorId": "u-author",
                "Text": made.text,
                "NextSteps": "",
                "Areas": json.dumps(["mathematics"]),
                "ObservedOn": observed.isoformat(),
                "PublishedAt": now,
                "PhotoIds": "[]",
                "Area_MATHEMATICS": True,
            }
        )
    Table(world.clients.table("observations")).transact(Operation("create", row) for row in observations)
    Table(world.clients.table("journal")).transact(Operation("create", row) for row in journal)
    return setting, observations, journal


def time_purge(world: World, count: int) -> float:
    setting, _, _ = _leaver(world, count)
    start = time.perf_counter()
    report = purge_setting(world.deps, world.retention, setting, Budget(600))
    elapsed = time.perf_counter() - start
    assert report.finished and report.counts.get("observations") == count, report
    return elapsed


def time_raw_delete(world: World, count: int) -> float:
    """The same rows deleted straight through the SDK in 100-operation batches."""
    _, observations, journal = _leaver(world, count)
    start = time.perf_counter()
    for table, rows in (("observations", observations), ("journal", journal)):
        client = world.clients.table(table)
        for first in range(0, len(rows), BATCH):
            client.submit_transaction([("delete", row) for row in rows[first : first + BATCH]])
    return time.perf_counter() - start


def purge_ratios(world: World, count: int, runs: int) -> dict[str, float]:
    purge_n = statistics.median(time_purge(world, count) for _ in range(runs))
    raw_n = statistics.median(time_raw_delete(world, count) for _ in range(runs))
    purge_10n = statistics.median(time_purge(world, 10 * count) for _ in range(max(1, runs // 4)))
    return {
        "purge_vs_raw_batch_delete": round(purge_n / raw_n, 3),
        "purge_scaling_10x": round(purge_10n / purge_n, 3),
    }
