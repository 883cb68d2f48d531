"""The cohort report's CSV and PDF: a row per area with the same figures as the screen, the
change or "no previous point", spreadsheet-safe cells, and names in any script in the PDF."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from shared.domain.assessments import AssessmentPoint
from shared.domain.children import Child, ChildStatus
from shared.domain.cohort import Group
from shared.services.cohort_files import render_csv, render_pdf
from shared.services.cohort_report import AreaLine, CohortReport
from tests import pdfs

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
AUTUMN = AssessmentPoint("autumn-2026", "Autumn 2026", date(2026, 9, 1), date(2026, 12, 31))
ENTRY = AssessmentPoint("entry-2026", "On entry 2026", date(2026, 9, 1), date(2026, 10, 31))


def child(first: str, last: str) -> Child:
    return Child(
        "s1", f"c-{first}", first, last, date(2023, 5, 1), None, True, False, ChildStatus.ACTIVE, NOW
    )


def report(previous: AssessmentPoint | None, behind: tuple[Child, ...]) -> CohortReport:
    change = -25.0 if previous else None
    talk = AreaLine("communication-and-language", "Communication and language", 4, 3, 75.0,
                    100.0 if previous else None, change, behind)  # fmt: skip
    maths = AreaLine("mathematics", "Mathematics", 0, 0, None, None, None, ())
    return CohortReport(AUTUMN, previous, None, Group.ALL, 5, 4, [talk, maths], tuple(Group))


def test_the_csv_has_a_row_per_area_with_the_change_in_points_and_the_children_behind() -> None:
    rows = list(csv.reader(io.StringIO(render_csv(report(ENTRY, (child("Amara", "Okafor"),))))))
    assert rows[1] == ["Communication and language", "4", "3", "75", "100", "-25", "Amara Okafor"]
    assert rows[2] == ["Mathematics", "0", "0", "", "", "not judged at both points", ""]


def test_the_first_point_says_no_previous_point_and_a_formula_name_stays_text() -> None:
    rows = list(csv.reader(io.StringIO(render_csv(report(None, (child("=HYPERLINK(1)", "X"),))))))
    assert rows[1][5] == "no previous point"
    assert rows[1][6] == "'=HYPERLINK(1) X"


def test_the_pdf_prints_the_children_behind_in_their_own_scripts() -> None:
    behind = (child("ليلى", "حسن"), child("王小明", "王"), child("Łukasz", "Nowak"))
    made = render_pdf(report(ENTRY, behind), "Little Acorns", NOW)
    assert made.startswith(b"%PDF")
    for name in ("ليلى", "王小明", "Łukasz", "Communication and language", "75%"):
        assert pdfs.shows(made, name), name
