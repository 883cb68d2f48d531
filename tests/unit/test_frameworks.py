"""The framework data files: the statutory areas and ELGs, and each guidance framework's aspects.

These tests read the JSON files themselves (not only through the loader), so a file that breaks
the schema fails here, before any setting loads it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.domain import frameworks
from shared.domain.errors import InvalidInput
from shared.domain.frameworks import FrameworkId, clean_aspects
from shared.domain.observations import Area

DATA = Path(frameworks.__file__).parent / "data" / "frameworks"
# Stored in observations and profiles: these ids must never change meaning.
STABLE_ELG_IDS = [
    "listening-attention-understanding", "speaking", "self-regulation", "managing-self",
    "building-relationships", "gross-motor-skills", "fine-motor-skills", "comprehension",
    "word-reading", "writing", "number", "numerical-patterns", "past-and-present",
    "people-culture-communities", "the-natural-world", "creating-with-materials",
    "being-imaginative-expressive",
]  # fmt: skip
PRIME = {"communication-and-language", "personal-social-emotional", "physical-development"}


def test_the_statutory_file_has_seven_areas_seventeen_elgs_and_prime_areas_as_the_framework_says() -> None:
    raw = json.loads((DATA / "eyfs-elgs.json").read_text(encoding="utf-8"))
    assert raw["format"] == "eyfs-elgs/1" and raw["version"]
    assert len(raw["areas"]) == 7
    assert {a["id"] for a in raw["areas"] if a["kind"] == "prime"} == PRIME
    assert all(a["kind"] in ("prime", "specific") for a in raw["areas"])
    assert [e["id"] for a in raw["areas"] for e in a["elgs"]] == STABLE_ELG_IDS
    assert {a["id"] for a in raw["areas"]} <= {a.value for a in Area}  # observations can name them
    loaded = frameworks.eyfs()
    assert [e.elg_id for e in loaded.elgs] == STABLE_ELG_IDS
    assert len(loaded.gld_elgs) == 12  # prime areas plus literacy and mathematics


@pytest.mark.parametrize("framework", list(FrameworkId))
def test_each_framework_file_is_valid_and_every_aspect_sits_in_a_known_area(framework: FrameworkId) -> None:
    raw = json.loads((DATA / f"{framework.value}.json").read_text(encoding="utf-8"))
    assert raw["format"] == "eyfs-framework/1" and raw["id"] == framework.value and raw["version"]
    assert set(raw) >= {"name", "source", "bands", "aspects"}
    areas = {a.area_id for a in frameworks.eyfs().areas}
    ids = [a["id"] for a in raw["aspects"]]
    assert len(ids) == len(set(ids))
    assert {a["area"] for a in raw["aspects"]} == areas
    for aspect in raw["aspects"]:
        assert aspect["elg"] is None or aspect["elg"] in STABLE_ELG_IDS
    loaded = frameworks.framework(framework)
    assert loaded.name == raw["name"] and len(loaded.aspects) == len(ids)


def test_development_matters_aspects_are_the_seventeen_elgs_and_birth_to_5_matters_differs() -> None:
    dm = frameworks.framework(FrameworkId.DEVELOPMENT_MATTERS)
    assert [a.aspect_id for a in dm.aspects] == STABLE_ELG_IDS
    assert [b for b, _ in dm.bands] == ["birth-to-three", "three-and-four", "reception"]
    b25 = frameworks.framework(FrameworkId.BIRTH_TO_5_MATTERS)
    assert [b for b, _ in b25.bands] == [f"range-{n}" for n in range(1, 7)]
    assert {"making-relationships", "sense-of-self", "understanding-feelings", "spatial-reasoning"} <= {
        a.aspect_id for a in b25.aspects
    }


def test_frameworks_are_read_once() -> None:
    assert frameworks.framework(FrameworkId.DEVELOPMENT_MATTERS) is frameworks.framework(
        FrameworkId.DEVELOPMENT_MATTERS
    )
    assert frameworks.eyfs() is frameworks.eyfs()


def test_an_aspect_implies_its_area_and_keeps_the_areas_already_chosen() -> None:
    aspects, areas = clean_aspects(["speaking", "number"], FrameworkId.DEVELOPMENT_MATTERS, ["literacy"])
    assert aspects == ["speaking", "number"]
    assert areas == ["literacy", "communication-and-language", "mathematics"]


def test_an_aspect_of_the_other_framework_or_unknown_is_refused_with_its_field() -> None:
    for raw in (["spatial-reasoning"], ["nope"], "speaking", [3]):
        with pytest.raises(InvalidInput) as refused:
            clean_aspects(raw, FrameworkId.DEVELOPMENT_MATTERS, [])
        assert refused.value.field == "aspects"
    assert clean_aspects(["spatial-reasoning"], FrameworkId.BIRTH_TO_5_MATTERS, [])[0] == [
        "spatial-reasoning"
    ]
