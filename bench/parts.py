"""Parts of `make bench` that can also run alone: `python -m bench journal`, `python -m bench memory`,
`python -m bench cohort`.

- journal: a parent's journal page in a setting of 300 children and 600 parents beside the small
  setting (bench/journal_large.py), through the local host against its own Azurite.
- memory: the most one photo upload adds to peak memory, per format, at the limits (S26,
  bench/photo_memory.py: each case in a fresh process).
- signin: strong sign-in (bench/passkeys.py, bench/totp.py): a passkey sign-in beside password +
  PIN, storage requests and median ms, and the authenticator-code step alone; `make bench`
  reports both in their own places, so this key is written only when run alone.
- cohort: the cohort report of one point in a setting of 300 children, 17 aspects and 4 points,
  through the host against the same rows read through the SDK (bench/cohort.py).
- digest: the 18:00 digest run of a setting of 600 parents against the bare SMTP sends of its
  mails (bench/notifications.py); `make bench` reports it among its ratios, so it is not rerun there.

Run alone, a part prints its figures and merges them into bench/results.json under its key;
within `make bench` they are added to the full results.
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import photo_memory
from bench.cohort import cohort_figures, print_cohort
from bench.journal_large import journal_page_figures
from bench.notifications import digest_figures, print_digest
from bench.passkeys import passkey_figures, report
from bench.totp import GOAL_ROUNDTRIPS as TOTP_GOAL
from bench.totp import measure_code_step
from bench.world import build_world
from shared.media import images

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
BUDGET_MB = images.MEMORY_BUDGET_BYTES / photo_memory.MB


def journal() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as var, build_world(Path(var)) as world:
        return journal_page_figures(world)


def memory() -> dict[str, Any]:
    """Per format, the worst case's added peak memory (MB) and what it was; every case listed."""
    every: list[dict[str, Any]] = []
    worst: dict[str, dict[str, Any]] = {}
    for case in photo_memory.cases():
        result = photo_memory.measure(case.encode())
        row = {"case": case.name, "megapixels": round(math.prod(case.size) / photo_memory.MB, 1),
               "added_mb": round(result["added_mb"], 1), "outcome": result["outcome"]}  # fmt: skip
        every.append(row)
        if row["added_mb"] > worst.get(case.pillow_format, {"added_mb": -1.0})["added_mb"]:
            worst[case.pillow_format] = row
    return {"budget_mb": BUDGET_MB, "worst": worst, "cases": every}


def signin() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as var, build_world(Path(var)) as world:
        figures = passkey_figures(world)
        requests_, median = measure_code_step(world)
        return {**figures, "totp_code": {"storage_requests": requests_, "median_ms": median,
                                         "goal_storage_requests": TOTP_GOAL}}  # fmt: skip


def cohort() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as var, build_world(Path(var)) as world:
        return cohort_figures(world)


def digest() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as var, build_world(Path(var)) as world:
        return digest_figures(world)


PARTS: dict[str, Callable[[], dict[str, Any]]] = {
    "journal": journal, "memory": memory, "digest": digest, "signin": signin, "cohort": cohort,
}  # fmt: skip
KEYS = {"journal": "journal_page_by_setting_size", "memory": "photo_upload_peak_memory_mb",
        "digest": "digest_run", "signin": "strong_sign_in", "cohort": "cohort_report"}  # fmt: skip
# Alone only: within `make bench` the digest run is measured once, among the ratios.
FULL_BENCH_PARTS = ("journal", "memory")


def print_part(name: str, figures: dict[str, Any]) -> None:
    if name == "digest":
        print_digest(figures)
    elif name == "signin":
        report(figures)
        code = figures["totp_code"]
        print(f"authenticator code step: {code['storage_requests']} storage requests "
              f"(goal {code['goal_storage_requests']}), median {code['median_ms']} ms")  # fmt: skip
    elif name == "cohort":
        print_cohort(figures)
    elif name == "journal":
        print("\njournal page of a parent (20 entries), through the host, median of 20:")
        for size in ("small", "large"):
            f = figures[size]
            print(
                f"  {f['children']:>4} children: {f['median_ms']:>8} ms  "
                f"{f['storage_requests']} storage requests, {f['vs_raw_storage']}x the same requests"
                f" made raw ({f['raw_storage_ms']} ms; goal 1.5)"
            )
        print(f"  300 children against 2: {figures['large_vs_small']}x")
    else:
        print(f"\nphoto upload, most added to peak memory per format (budget {figures['budget_mb']:.0f} MB):")
        for fmt, row in figures["worst"].items():
            print(
                f"  {fmt:<5} +{row['added_mb']:6.1f} MB  {row['case']} "
                f"({row['megapixels']} MP, {row['outcome']})"
            )


def extra_results() -> dict[str, Any]:
    """Every part, for the full `make bench` run (printed as it goes)."""
    found = {}
    for name in FULL_BENCH_PARTS:
        figures = PARTS[name]()
        print_part(name, figures)
        found[KEYS[name]] = figures
    return found


def run_alone(argv: list[str]) -> int | None:
    """`python -m bench <part>`: run that part only; None when no part is named (the full bench)."""
    if not argv or argv[0] not in PARTS:
        return None
    figures = PARTS[argv[0]]()
    print_part(argv[0], figures)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[KEYS[argv[0]]] = figures
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"\nmerged into {RESULTS.relative_to(ROOT)} under {KEYS[argv[0]]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(run_alone(sys.argv[1:]) or 0)
