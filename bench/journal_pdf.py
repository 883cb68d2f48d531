"""Journal PDF figures: building the PDF of a 50-entry journal, all Latin and with names in eleven
scripts (Polish, Vietnamese, Greek, Cyrillic, Arabic, Urdu, Bengali, Gujarati, Gurmukhi,
Devanagari, Chinese), and the Python heap that build peaks at. Pure CPU, no storage: medians of
5 runs in milliseconds. `python -m bench.journal_pdf` prints them; `journal_pdf_figures()` returns
them. For the record: the latin-1 Helvetica build these PDFs replaced took about 300 ms (Latin)
and 200 ms (the same names folded to "?") on this machine's kind.
"""

from __future__ import annotations

import json
import statistics
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta

from shared.media.journal_export import ChildRecord, CommentRecord, EntryRecord, JournalRecord, render_pdf

ENTRIES = 50
RUNS = 5
SCRIPT_NAMES = ("Łukasz Nowak", "Nguyễn Văn An", "Δήμητρα", "Дарья", "محمد", "عائشہ", "অনন্যা", "ધ્રુવ",
                "ਗੁਰਪ੍ਰੀਤ", "आराध्या", "王小明")  # fmt: skip


def journal(names: tuple[str, ...]) -> JournalRecord:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    entries = []
    for i in range(ENTRIES):
        who = names[i % len(names)]
        text = (
            f"{who} built a tall tower with the big blocks and counted each one out loud, then laughed. " * 3
        )
        comment = CommentRecord("Mum", False, f"{who} told us all about it at home.", now)
        day = date(2026, 1, 1) + timedelta(days=i)
        areas = ["communication-language", "mathematics"]
        entry = EntryRecord(
            f"o{i}", day, now, [ChildRecord(who, True)], areas, text, "Count to twenty.", [comment]
        )
        entries.append(entry)
    return JournalRecord("e1", names[0], "Little Acorns", now, False, entries)


def _measure(record: JournalRecord) -> dict[str, float]:
    render_pdf(record)  # imports and first font parse out of the way
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        size = len(render_pdf(record))
        times.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    render_pdf(record)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "ms": round(statistics.median(times)),
        "kib": size // 1024,
        "peak_heap_mib": round(peak / 2**20, 1),
    }


def journal_pdf_figures() -> dict[str, dict[str, float]]:
    return {"latin_50": _measure(journal(("Ada Lovelace",))), "scripts_50": _measure(journal(SCRIPT_NAMES))}


if __name__ == "__main__":
    print(json.dumps(journal_pdf_figures(), indent=2))
