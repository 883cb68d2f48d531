"""The EYFS profile results as CSV for a school's MIS: one row per child, one column per ELG, GLD.

Every cell is made safe for spreadsheets (OWASP "CSV injection"): a cell that starts with = + - @,
a tab or a carriage return is prefixed with a single quote, so a name such as "=HYPERLINK(...)"
is shown as text and never run as a formula when the office opens the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shared.domain.frameworks import eyfs
from shared.domain.profile import Profile, good_level_of_development

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, repr=False)
class ProfileRow:
    first_name: str
    last_name: str
    date_of_birth: date
    profile: Profile


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: formula starts are quoted away."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def header() -> list[str]:
    return ["Surname", "Forename", "Date of birth", *(e.name for e in eyfs().elgs), "GLD", "Status"]


def render_csv(rows: Iterable[ProfileRow]) -> str:
    """The CSV, children by surname then forename; GLD is Y, N, or empty while not yet known."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header())
    elgs = eyfs().elgs
    for row in sorted(
        rows, key=lambda r: (r.last_name.casefold(), r.first_name.casefold(), r.profile.child_id)
    ):
        judgements = row.profile.judgements
        gld = good_level_of_development(judgements)
        cells = [
            row.last_name,
            row.first_name,
            row.date_of_birth.isoformat(),
            *(judgements[e.elg_id].value if e.elg_id in judgements else "" for e in elgs),
            "" if gld is None else "Y" if gld else "N",
            row.profile.status.value,
        ]
        writer.writerow([safe_cell(c) for c in cells])
    return out.getvalue()
