"""A large setting stays as fast as a small one: each operation timed in a small and in a large
setting of the same emulator and host, the two sides in turn (so whatever else the machine does
weighs on both alike), with the storage requests each side sends.

    python -m bench.scale [--quick] [--tiny | --medium] [--load] [--purge] [--cold] [--no-purge-op]
        the scale table alone (bench/results.json is not touched), with LARGE as the large side
        (as `make bench`; seeding it takes some 12 minutes on two cores); --tiny seeds a
        2,000-observation "large" setting to try the bench out, --medium LARGE's people with
        15,000 observations (under 3 minutes of seeding); --load adds
        the 50- and 100-client load on the large side (60 s each, before the purge's row, as in
        `make bench`), --purge the purge ratios, --cold the cold-start ratio (fewer runs than
        make bench)

Goal: large / small <= 1.3 and the same number of storage requests for every operation.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import requests

from bench.counting import RequestCounter
from bench.large_world import LARGE, PASSWORD, PIN, ROOM_SIZE, SMALL, Built, Size, build, leaver
from bench.world import World, build_world, photo, raw_session_check
from shared import bootstrap
from shared.domain.errors import StorageUnavailable
from shared.services.leaver_purge import purge_child

GOAL_RATIO = 1.3
RUNS = 20
# One purge a side: beside LARGE, Azurite's blob delete reads its whole blob collection (about
# 0.34 s a blob with 66,000 held), so a purge takes minutes on either side alike.
PURGE_RUNS = 1
PURGED = 1_000  # observations of the leaver the nightly purge removes
PURGE_OPERATION = "leaver_purge_1000"
STORAGE_ALONE = "session_check_raw_sdk"
# The staff children list, as staff open it: one room's children (the room of the parent's child).
CHILDREN_LIST_QUERY = "?room={room}"
TINY = Size(20, 6, 40, 2_000, 60, 40, 2_000)
# Every person and child of LARGE and its two years of audit, with 15,000 observations (50 a child:
# the parent's child still has a full second page) and a fifth of its sessions: a quicker try.
MEDIUM = Size(300, 60, 600, 15_000, 730, 40, 10_000)
COLUMNS = ("operation", "small ms", "large ms", "ratio", "storage requests", "goal")


@dataclass
class Operation:
    """What is timed (`run`), with untimed work before it (its argument) and after it."""

    name: str
    run: Callable[[Any], object]
    before: Callable[[], Any] = lambda: None
    after: Callable[[Any], object] = lambda _: None
    runs: int = RUNS
    warm: bool = True


class Side:
    """One seeded setting seen through the local host: its manager and parent signed in."""

    def __init__(self, base: str, built: Built) -> None:
        self.base, self.built = base, built
        self.manager = self._signed_in(built.manager.email)
        self.parent = self._signed_in(built.parent.email)
        first = self._ok(self.parent.get(self._journal(), timeout=60))
        self.cursor = first["cursor"]
        assert len(first["entries"]) == 20 and self.cursor, "the parent's child needs a second page"

    def _signed_in(self, email: str) -> requests.Session:
        http = requests.Session()
        http.headers["Sec-Fetch-Site"] = "same-origin"  # as a browser on our pages sends (S19)
        step = self.pin(self.password(email, http), http)
        if step.get("next") == "enrol":
            # A manager is asked to set up strong sign-in (S34) and, within the grace, may do it
            # later: as the sign-in screen's "Not now" does.
            assert step.get("canSkip"), step
            answer = http.post(
                self.base + "/api/auth/enrol/skip", json={"challenge": step["challenge"]}, timeout=60
            )
            self._ok(answer)
        return http

    def _ok(self, answer: requests.Response, status: int = 200) -> Any:
        assert answer.status_code == status, (answer.status_code, answer.text[:300])
        return answer.json()

    def _journal(self) -> str:
        return f"{self.base}/api/children/{self.built.child.child_id}/journal"

    # -- the operations -----------------------------------------------------------------------

    def password(self, email: str | None = None, http: requests.Session | None = None) -> str:
        body = {
            "setting": self.built.setting_id,
            "email": email or self.built.parent.email,
            "password": PASSWORD,
        }
        answer = (http or requests).post(self.base + "/api/auth/login", json=body, timeout=60)
        return str(self._ok(answer)["challenge"])

    def pin(self, challenge: str, http: requests.Session | None = None) -> dict[str, Any]:
        body = {"challenge": challenge, "pin": PIN}
        return dict(self._ok((http or requests).post(self.base + "/api/auth/pin", json=body, timeout=60)))

    def session_check(self, _: object = None) -> None:
        self._ok(self.parent.get(self.base + "/api/auth/session", timeout=60))

    def journal_first_page(self, _: object = None) -> None:
        assert len(self._ok(self.parent.get(self._journal(), timeout=60))["entries"]) == 20

    def journal_later_page(self, _: object = None) -> None:
        found = self._ok(self.parent.get(self._journal(), params={"cursor": self.cursor}, timeout=60))
        assert len(found["entries"]) == 20

    def children_list(self, _: object = None) -> None:
        query = CHILDREN_LIST_QUERY.format(room=self.built.room_id)
        found = self._ok(self.manager.get(f"{self.base}/api/children{query}", timeout=60))
        assert any(c["id"] == self.built.child.child_id for c in found["children"]), found

    def approvals_queue(self, _: object = None) -> None:
        found = self._ok(self.manager.get(self.base + "/api/observations?status=submitted", timeout=60))
        assert len(found["observations"]) >= 10, found

    def audit_page(self, _: object = None) -> None:
        assert self._ok(self.manager.get(self.base + "/api/audit", timeout=60))["events"]

    def cohort_report(self, _: object = None) -> None:
        """One room's report at today's point: the room of the parent's child, 26 children on
        each side (bench/large_world.py)."""
        url = f"{self.base}/api/reports/cohort"
        found = self._ok(self.manager.get(url, params={"room": self.built.room_id}, timeout=60))
        literacy = next(a for a in found["areas"] if a["id"] == "literacy")
        room = min(ROOM_SIZE, self.built.size.children)
        assert (literacy["counted"], len(literacy["behind"])) == (room, len(range(0, room, 5))), literacy

    def draft(self) -> str:
        body = {"childIds": [self.built.child.child_id], "text": "Mixed paint colours.",
                "areas": ["expressive-arts-and-design"], "observedOn": time.strftime("%Y-%m-%d")}  # fmt: skip
        answer = self.manager.post(self.base + "/api/observations", json=body, timeout=60)
        return str(self._ok(answer, 201)["observation"]["id"])

    def upload(self, observation: str) -> None:
        url = f"{self.base}/api/observations/{observation}/photos"
        answer = self.manager.post(
            url, data=small_photo(), headers={"Content-Type": "image/jpeg"}, timeout=120
        )
        self._ok(answer, 201)


@cache
def small_photo() -> bytes:
    return photo(640, 480)


def operations(world: World, side: Side) -> list[Operation]:
    """Every operation of the table, bound to one side."""
    deps, store = world.deps, bootstrap.retention_store(world.clients)

    def purge(child: Any) -> None:
        done = purge_child(deps, store.leavers, child, deps.clock.now(), lambda *_: None, lambda: False)
        assert done, "the leaver is still there"

    return [
        Operation("sign_in_password", lambda _: side.password(), after=side.pin),
        Operation("sign_in_pin", side.pin, before=side.password),
        Operation("session_check", side.session_check),
        # For the record, no goal: the same two requests sent bare, so the emulator's own growth
        # (it evaluates a filter on every row of the table) is told apart from ours.
        Operation(
            STORAGE_ALONE,
            lambda _: raw_session_check(world.clients, side.built.setting_id, side.built.parent.user_id),
        ),
        Operation("journal_first_page", side.journal_first_page),
        Operation("journal_later_page", side.journal_later_page),
        Operation("staff_children_list", side.children_list),
        Operation("approvals_queue", side.approvals_queue),
        Operation("audit_page", side.audit_page),
        Operation("cohort_report_room", side.cohort_report),
        Operation("photo_upload", side.upload, before=side.draft),
        Operation(
            PURGE_OPERATION,
            purge,
            before=lambda: leaver(deps, world.clients, side.built.place, PURGED),
            runs=PURGE_RUNS,
            warm=False,  # a warm-up would seed and purge another 1,000 observations
        ),
    ]


def measure(
    counter: RequestCounter, small: Side, large: Side, world: World, quick: bool, purge: bool = False
) -> list[dict[str, Any]]:
    """Each operation (the purge's alone, or all the others), small and large in turn, `runs`
    times: median ms and median requests."""
    rows = []
    pairs = zip(operations(world, small), operations(world, large), strict=True)
    for mine, theirs in [(m, t) for m, t in pairs if (m.name == PURGE_OPERATION) == purge]:
        runs = max(1, mine.runs // 4) if quick else mine.runs
        times: dict[str, list[float]] = {"small": [], "large": []}
        seen: dict[str, list[int]] = {"small": [], "large": []}
        try:
            for op in (mine, theirs):  # warm: first-use set-up is not what we measure
                if op.warm:
                    op.after(op.run(op.before()))
            for _ in range(runs):
                for label, op in (("small", mine), ("large", theirs)):
                    arg = op.before()
                    with counter.during() as window:
                        start = time.perf_counter()
                        result = op.run(arg)
                        times[label].append((time.perf_counter() - start) * 1000)
                    op.after(result)
                    seen[label].append(window.requests)
        except StorageUnavailable:
            # Azurite, holding the large setting, can stop answering inside a long operation (the
            # purge's deletes): the row says so, from the runs that finished, and the bench goes on.
            print(f"{mine.name}: storage stopped answering after {len(times['large'])} run(s) a side")
            if not (seen["small"] and seen["large"]):
                rows.append(unfinished_row(mine.name))
                print(table(rows[-1:]).splitlines()[-1], flush=True)
                continue
        small_ms, large_ms = (round(statistics.median(times[k]), 2) for k in ("small", "large"))
        # The median count, so that a stray request of the host's own inside one window (its
        # queue workers are not counted at all) does not set the row.
        counts = {k: int(statistics.median_low(v)) for k, v in seen.items()}
        rows.append(scale_row(mine.name, small_ms, large_ms, counts["small"], counts["large"]))
        print(table(rows[-1:]).splitlines()[-1], flush=True)  # as it comes: a long run shows progress
    return rows


def scale_row(
    operation: str, small_ms: float, large_ms: float, small_requests: int, large_requests: int
) -> dict[str, Any]:
    """One line of the scale table, as bench/results.json stores it (a line for the record has
    no goal)."""
    return {
        "operation": operation,
        "small_ms": small_ms,
        "large_ms": large_ms,
        "ratio": round(large_ms / small_ms, 3) if small_ms else None,
        "storage_requests": {"small": small_requests, "large": large_requests},
        "goal": None if operation == STORAGE_ALONE else GOAL_RATIO,
    }


def unfinished_row(operation: str) -> dict[str, Any]:
    """The line of an operation that storage stopped answering before each side had a run."""
    return {"operation": operation, "small_ms": None, "large_ms": None, "ratio": None, "goal": GOAL_RATIO,
            "storage_requests": {"small": None, "large": None}, "finished": False}  # fmt: skip


def meets_goal(row: dict[str, Any]) -> bool:
    same = row["storage_requests"]["small"] == row["storage_requests"]["large"]
    return same and row["ratio"] is not None and (row["goal"] is None or row["ratio"] <= row["goal"])


def table(rows: list[dict[str, Any]]) -> str:
    """The scale table as printed: one line per operation."""
    lines = [
        f"{COLUMNS[0]:<22}{COLUMNS[1]:>10}{COLUMNS[2]:>10}{COLUMNS[3]:>8}{COLUMNS[4]:>18}{COLUMNS[5]:>6}"
    ]
    for row in rows:
        requests_ = f"{row['storage_requests']['small']} / {row['storage_requests']['large']}"
        if row.get("finished") is False:
            requests_, mark = "- / -", "  (did not finish)"
        elif row["goal"] is None:
            mark = "  (for the record)"
        else:
            mark = "" if meets_goal(row) else "  (over goal)"
        small, large = (row[k] if row[k] is not None else "-" for k in ("small_ms", "large_ms"))
        lines.append(
            f"{row['operation']:<22}{small:>10}{large:>10}{row['ratio']!s:>8}"
            f"{requests_:>18}{row['goal'] or '-':>6}{mark}"
        )
    return "\n".join(lines)


def seeding_figures(built: Built) -> dict[str, Any]:
    size = built.size
    return {
        "children": size.children, "staff": size.staff, "parents": size.parents,
        "observations": size.observations, "audit_entries": size.audit_days * size.audit_per_day,
        "expired_sessions": size.expired_sessions, "entities": built.entities, "blobs": built.blobs,
        "seconds": round(built.seconds, 1), **{k: round(v, 1) for k, v in built.steps.items()},
        "entities_per_second": round(built.entities / max(built.steps.get("rows_s", 1), 1e-9)),
    }  # fmt: skip


def as_bench_world(world: World, side: Side) -> World:
    """The large side as the load test's world: the same operations, in the large setting."""
    built = side.built
    large = World(
        world.base, world.deps, world.clients, world.counter, built.setting_id,
        {"id": built.manager.user_id, "email": built.manager.email},
        {"id": built.parent.user_id, "email": built.parent.email},
        built.child, built.friend, "", built.photo_id, world.big_photo, world.small_photo,
        built.signers,
    )  # fmt: skip
    large.sign_in(large.manager, large._manager_http)
    large.sign_in(large.parent, large._parent_http)
    return large


@dataclass
class Scale:
    """The seeded small and large settings, the table measured so far and the seeding figures."""

    world: World
    small: Side
    large: Side
    rows: list[dict[str, Any]]
    seeding: dict[str, Any]
    quick: bool

    def measure_purge(self) -> None:
        """The purge's row, last: its thousands of deletes leave Azurite (not Azure) slow to
        answer for a while, and the large-side load is measured before it."""
        counter, world = self.world.counter, self.world
        self.rows += measure(counter, self.small, self.large, world, self.quick, purge=True)


def run_scale(world: World, quick: bool, large_size: Size = LARGE) -> Scale:
    """Seed the small and the large setting, then measure the table but for the purge."""
    small_built = build(world.deps, world.clients, SMALL, name="small")
    large_built = build(world.deps, world.clients, large_size, name="large")
    seeding = {"small": seeding_figures(small_built), "large": seeding_figures(large_built)}
    print(f"seeding: {seeding}", flush=True)
    small, large = Side(world.base, small_built), Side(world.base, large_built)
    rows = measure(world.counter, small, large, world, quick)
    return Scale(world, small, large, rows, seeding, quick)


def chosen_size(argv: list[str]) -> Size:
    return TINY if "--tiny" in argv else MEDIUM if "--medium" in argv else LARGE


def main() -> int:
    from bench.__main__ import cold_start_pair, large_load
    from bench.purge import purge_ratios

    quick = "--quick" in sys.argv
    with tempfile.TemporaryDirectory() as var, build_world(Path(var)) as world:
        scale = run_scale(world, quick, chosen_size(sys.argv))
        if "--load" in sys.argv:
            for run in large_load(as_bench_world(world, scale.large), quick=False):
                print(f"load on the large setting: {run}", flush=True)
        if "--no-purge-op" not in sys.argv:
            scale.measure_purge()
        print(f"\nseeding: {scale.seeding}")
        print("\n" + table(scale.rows), flush=True)
        if "--purge" in sys.argv:
            print(f"purge: {purge_ratios(world, 100, runs=4)}", flush=True)
        if "--cold" in sys.argv:
            cold = cold_start_pair(runs=6)
            print(
                f"cold start: imported and indexed in {cold.indexed_ms:.0f} ms, first answer at"
                f" {cold.answered_ms:.0f} ms, against {cold.sdk_ms:.0f} ms of SDK imports:"
                f" {cold.indexed_ms / cold.sdk_ms:.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
