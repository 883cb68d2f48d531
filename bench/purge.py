"""Purge figures: the purge of a leaver with N observations, each with a photo, against the SDK
batch-deleting the same rows and blobs directly, and the purge of 10N against N."""

from __future__ import annotations

import json
import secrets
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from bench.world import World
from devhost.world import World as BuiltWorld
from shared.domain.children import ChildStatus
from shared.domain.observations import Area, Observation, ObservationStatus
from shared.domain.photos import CONTAINER, Photo, PhotoSize, StoredImage
from shared.domain.settings import Setting
from shared.services.retention import Budget, purge_setting
from shared.storage import keys
from shared.storage.observations import observation_rows
from shared.storage.photos import photo_entity
from shared.storage.tables import Operation, Table

BATCH = 100
BLOB_BATCH = 256
# A stand-in for a re-encoded JPEG: the purge never reads the bytes, only deletes them.
PHOTO_BYTES = b"\xff\xd8" + bytes(4094)
IMAGE = StoredImage("image/jpeg", 64, 48, len(PHOTO_BYTES))


class Leaver:
    """What a leaver's records are in storage: rows by table, and blob names."""

    def __init__(self, setting: Setting) -> None:
        self.setting = setting
        self.rows: dict[str, list[dict[str, object]]] = {keys.OBSERVATIONS: [], keys.JOURNAL: []}
        self.blobs: list[str] = []


def _leaver(world: World, count: int) -> Leaver:
    """A setting whose one child left long ago, with `count` published observations, each with one
    photo (its row and both sizes' blobs) and a journal row; returns what was written."""
    deps, now = world.deps, world.deps.clock.now()
    place = BuiltWorld(deps).setting("purge-" + secrets.token_hex(4), "Purge Bench", retention_days=30)
    setting = place.setting
    child = place.child(
        "Mia",
        "Rose",
        born=date(2022, 1, 1),
        status=ChildStatus.ARCHIVED,
        archived_at=now - timedelta(days=400),
    )
    names = json.dumps([[child.child_id, child.first_name, child.last_name]])
    leaver = Leaver(setting)
    observations, journal = leaver.rows[keys.OBSERVATIONS], leaver.rows[keys.JOURNAL]
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
            [f"p{n:05d}"],
            now,
        )
        photo = Photo(setting.setting_id, f"p{n:05d}", made.observation_id, "u-author", IMAGE, IMAGE, now)
        observations += [*observation_rows(made, 1), photo_entity(photo)]
        leaver.blobs += [photo.blob(size) for size in PhotoSize]
        journal.append(
            {
                "PartitionKey": keys.journal_partition(setting.setting_id, child.child_id),
                "RowKey": keys.journal_row(observed, made.observation_id),
                "ObservationId": made.observation_id,
                "Version": 1,
                "Children": names,
                "AuthorId": "u-author",
                "Text": made.text,
                "NextSteps": "",
                "Areas": json.dumps(["mathematics"]),
                "ObservedOn": observed.isoformat(),
                "PublishedAt": now,
                "PhotoIds": json.dumps([f"p{n:05d}"]),
                "Area_MATHEMATICS": True,
            }
        )
    Table(world.clients.table(keys.OBSERVATIONS)).transact(Operation("create", row) for row in observations)
    Table(world.clients.table(keys.JOURNAL)).transact(Operation("create", row) for row in journal)
    container = world.clients.container(CONTAINER)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda name: container.upload_blob(name, PHOTO_BYTES), leaver.blobs))
    return leaver


def time_purge(world: World, count: int) -> float:
    leaver = _leaver(world, count)
    start = time.perf_counter()
    report = purge_setting(world.deps, world.retention, leaver.setting, Budget(600))
    elapsed = time.perf_counter() - start
    assert report.finished and report.counts.get("observations") == count, report
    assert report.counts.get("photos") == count, report
    return elapsed


def time_raw_delete(world: World, count: int) -> float:
    """The same rows deleted straight through the SDK in 100-operation batches, and the same blobs
    in batches of 256."""
    leaver = _leaver(world, count)
    start = time.perf_counter()
    for table, rows in leaver.rows.items():
        client = world.clients.table(table)
        for first in range(0, len(rows), BATCH):
            client.submit_transaction([("delete", row) for row in rows[first : first + BATCH]])
    container = world.clients.container(CONTAINER)
    for first in range(0, len(leaver.blobs), BLOB_BATCH):
        container.delete_blobs(*leaver.blobs[first : first + BLOB_BATCH])
    return time.perf_counter() - start


def _paired(world: World, count: int, runs: int) -> tuple[float, float]:
    """Median purge and raw-delete times for `count` observations, the two taken in turn so that
    the emulator's drift over a run (it grows slower as it holds more) weighs on both alike."""
    purges, raws = [], []
    for _ in range(runs):
        purges.append(time_purge(world, count))
        raws.append(time_raw_delete(world, count))
    return statistics.median(purges), statistics.median(raws)


def purge_ratios(world: World, count: int, runs: int) -> dict[str, float]:
    purge_n, raw_n = _paired(world, count, runs)
    purge_10n, raw_10n = _paired(world, 10 * count, max(1, runs // 4))
    return {
        "purge_vs_raw_batch_delete": round(purge_n / raw_n, 3),
        # The goal: our overhead over the SDK's own deletes does not grow with the leaver's size.
        "purge_overhead_10x_vs_1x": round((purge_10n / raw_10n) / (purge_n / raw_n), 3),
        # For the record: the purge of 10N against N, emulator slow-down included.
        "purge_scaling_10x": round(purge_10n / purge_n, 3),
        # For the record: the same deletes straight through the SDK, 10N against N. Azurite's blob
        # delete slows with the number of blobs it holds, so this is what the emulator allows.
        "raw_delete_scaling_10x": round(raw_10n / raw_n, 3),
    }
