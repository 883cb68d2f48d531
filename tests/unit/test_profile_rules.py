"""The EYFS profile's pure rules: the good level of development at each boundary, the judgements
a request may send, and a CSV a spreadsheet cannot be tricked by."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from shared.domain.errors import InvalidInput
from shared.domain.frameworks import eyfs
from shared.domain.profile import Judgement, Profile, clean_judgements, good_level_of_development
from shared.domain.profile_csv import ProfileRow, render_csv, safe_cell

E, M = Judgement.EXPECTED, Judgement.EMERGING
ALL = [e.elg_id for e in eyfs().elgs]
GLD = [e.elg_id for e in eyfs().gld_elgs]
OTHERS = [e for e in ALL if e not in GLD]


def test_gld_counts_the_twelve_elgs_of_the_prime_areas_literacy_and_mathematics() -> None:
    assert len(GLD) == 12
    assert OTHERS == [
        "past-and-present", "people-culture-communities", "the-natural-world",
        "creating-with-materials", "being-imaginative-expressive",
    ]  # fmt: skip


def test_expected_in_all_seventeen_is_gld() -> None:
    assert good_level_of_development(dict.fromkeys(ALL, E)) is True


@pytest.mark.parametrize("elg", GLD)
def test_one_emerging_gld_elg_is_not_gld(elg: str) -> None:
    judgements = dict.fromkeys(ALL, E)
    judgements[elg] = M
    assert good_level_of_development(judgements) is False


def test_emerging_outside_the_gld_areas_is_still_gld() -> None:
    judgements = dict.fromkeys(GLD, E) | dict.fromkeys(OTHERS, M)
    assert good_level_of_development(judgements) is True


def test_gld_is_unknown_until_the_twelve_are_judged_unless_one_is_emerging() -> None:
    assert good_level_of_development(dict.fromkeys(GLD[:-1], E)) is None
    assert good_level_of_development(dict.fromkeys(OTHERS, E)) is None
    assert good_level_of_development({GLD[0]: M}) is False


def test_judgements_are_expected_or_emerging_for_one_of_the_seventeen() -> None:
    assert clean_judgements({"speaking": "expected", "writing": None}) == {"speaking": E, "writing": None}
    for raw in ({"speaking": "secure"}, {"astrology": "expected"}, ["speaking"], {"speaking": 1}):
        with pytest.raises(InvalidInput) as refused:
            clean_judgements(raw)
        assert refused.value.field == "judgements"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_starting_a_formula_are_made_text(start: str) -> None:
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell("Ada") == "Ada"


def test_the_csv_has_one_row_per_child_one_column_per_elg_and_gld_and_no_formula() -> None:
    full = Profile("s", "c1", dict.fromkeys(ALL, E))
    partial = Profile("s", "c2", {"speaking": M})
    rows = [
        ProfileRow("Zoë", '=HYPERLINK("http://x")', date(2021, 3, 1), partial),
        ProfileRow("Ada", "Lovelace", date(2021, 1, 5), full),
    ]
    table = list(csv.reader(io.StringIO(render_csv(rows))))
    assert table[0][:3] == ["Surname", "Forename", "Date of birth"]
    assert table[0][3:20] == [e.name for e in eyfs().elgs] and table[0][20:] == ["GLD", "Status"]
    assert len(table) == 3 and all(len(r) == 22 for r in table)
    by_name = {r[1]: r for r in table[1:]}
    assert by_name["Ada"][3:20] == ["expected"] * 17 and by_name["Ada"][20] == "Y"
    assert by_name["Zoë"][0] == '\'=HYPERLINK("http://x")'
    assert by_name["Zoë"][4] == "emerging" and by_name["Zoë"][20] == "N"
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in table for cell in r)
