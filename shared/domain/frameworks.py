"""The EYFS framework data: the seven areas and 17 early learning goals (statutory), and the
guidance framework a setting chooses (Development Matters or Birth to 5 Matters) with its aspects.

The data lives in versioned JSON files under data/frameworks/ (see data/README.md for sources),
not in code; each file is checked when it is first read and kept for the life of the process.
Ids are stable: observations and profiles store them, so an id never changes meaning; a new
edition of a framework is a new version in its file, and a renamed aspect keeps its id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from shared.domain.errors import InvalidInput

ELG_FILE = "eyfs-elgs.json"
AREA_KINDS = ("prime", "specific")
ELG_COUNT = 17
AREA_COUNT = 7


class FrameworkId(StrEnum):
    DEVELOPMENT_MATTERS = "development-matters"
    BIRTH_TO_5_MATTERS = "birth-to-5-matters"


DEFAULT_FRAMEWORK = FrameworkId.DEVELOPMENT_MATTERS


@dataclass(frozen=True, repr=False)
class Elg:
    elg_id: str
    area_id: str
    name: str


@dataclass(frozen=True, repr=False)
class Area:
    area_id: str
    name: str
    prime: bool
    elgs: tuple[Elg, ...]


@dataclass(frozen=True, repr=False)
class Eyfs:
    """The statutory part: areas, ELGs in the framework's order, and the areas GLD needs."""

    version: str
    areas: tuple[Area, ...]
    gld_areas: tuple[str, ...]

    @property
    def elgs(self) -> tuple[Elg, ...]:
        return tuple(e for a in self.areas for e in a.elgs)

    @property
    def gld_elgs(self) -> tuple[Elg, ...]:
        return tuple(e for e in self.elgs if e.area_id in self.gld_areas)


@dataclass(frozen=True, repr=False)
class Aspect:
    aspect_id: str
    area_id: str
    name: str
    elg_id: str | None


@dataclass(frozen=True, repr=False)
class Framework:
    framework_id: FrameworkId
    version: str
    name: str
    bands: tuple[tuple[str, str], ...]  # (id, name) in order
    aspects: tuple[Aspect, ...]
    # band id -> the ages in whole months the band describes, from (inclusive) to (exclusive);
    # the cohort report reads it to say whether a band is behind a child's age
    band_months: tuple[tuple[str, int, int], ...] = ()

    def months_of(self, band_id: str) -> tuple[int, int] | None:
        return next(((low, high) for b, low, high in self.band_months if b == band_id), None)

    def aspect(self, aspect_id: str) -> Aspect | None:
        return next((a for a in self.aspects if a.aspect_id == aspect_id), None)


def _read(name: str) -> dict[str, Any]:
    text = resources.files("shared.domain").joinpath("data", "frameworks", name).read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{name}: not a JSON object")
    return data


def _require(condition: bool, name: str, problem: str) -> None:
    if not condition:
        raise ValueError(f"{name}: {problem}")


@cache
def eyfs() -> Eyfs:
    """The areas and ELGs, read and checked once: 7 areas, 17 ELGs, each area prime or specific."""
    data = _read(ELG_FILE)
    _require(data.get("format") == "eyfs-elgs/1", ELG_FILE, "unknown format")
    areas = []
    for raw in data["areas"]:
        _require(raw["kind"] in AREA_KINDS, ELG_FILE, f"area {raw['id']} is neither prime nor specific")
        elgs = tuple(Elg(e["id"], raw["id"], e["name"]) for e in raw["elgs"])
        areas.append(Area(raw["id"], raw["name"], raw["kind"] == "prime", elgs))
    found = Eyfs(str(data["version"]), tuple(areas), tuple(data["gld_areas"]))
    area_ids = [a.area_id for a in found.areas]
    elg_ids = [e.elg_id for e in found.elgs]
    _require(len(set(area_ids)) == len(area_ids) == AREA_COUNT, ELG_FILE, "there must be 7 distinct areas")
    _require(len(set(elg_ids)) == len(elg_ids) == ELG_COUNT, ELG_FILE, "there must be 17 distinct ELGs")
    _require(set(found.gld_areas) <= set(area_ids), ELG_FILE, "GLD names an unknown area")
    return found


@cache
def framework(framework_id: FrameworkId) -> Framework:
    """A guidance framework, read and checked once: every aspect in a known area, ELG links real."""
    name = f"{framework_id.value}.json"
    data = _read(name)
    _require(data.get("format") == "eyfs-framework/1", name, "unknown format")
    _require(data.get("id") == framework_id.value, name, "the file's id is not its name")
    aspects = tuple(Aspect(a["id"], a["area"], a["name"], a.get("elg")) for a in data["aspects"])
    statutory = eyfs()
    area_ids = {a.area_id for a in statutory.areas}
    elgs = {e.elg_id: e for e in statutory.elgs}
    ids = [a.aspect_id for a in aspects]
    _require(len(set(ids)) == len(ids), name, "aspect ids repeat")
    for aspect in aspects:
        _require(aspect.area_id in area_ids, name, f"aspect {aspect.aspect_id} names an unknown area")
        if aspect.elg_id is not None:
            elg = elgs.get(aspect.elg_id)
            _require(elg is not None, name, f"aspect {aspect.aspect_id} names an unknown ELG")
            _require(
                elg is not None and elg.area_id == aspect.area_id,
                name,
                f"{aspect.aspect_id}: ELG of another area",
            )
    _require({a.area_id for a in aspects} == area_ids, name, "every area needs an aspect")
    bands = tuple((b["id"], b["name"]) for b in data["bands"])
    months = tuple((b["id"], int(b["months"][0]), int(b["months"][1])) for b in data["bands"])
    _require(all(0 <= low < high for _, low, high in months), name, "a band's months run backwards")
    return Framework(framework_id, str(data["version"]), str(data["name"]), bands, aspects, months)


def clean_framework(raw: object) -> FrameworkId:
    try:
        return FrameworkId(str(raw))
    except ValueError:
        raise InvalidInput(
            "Choose the guidance framework: development-matters or birth-to-5-matters.", field="framework"
        ) from None


def clean_aspects(raw: object, chosen: FrameworkId, areas: Sequence[str]) -> tuple[list[str], list[str]]:
    """Aspects an observation is linked to, and its areas with the aspects' areas added.

    Each aspect must be one of the setting's framework; an aspect implies its area, so a
    practitioner who picks "Speaking" need not also tick "Communication and language".
    """
    if raw is None:
        return [], list(areas)
    if not isinstance(raw, list) or not all(isinstance(a, str) for a in raw) or len(raw) > 40:
        raise InvalidInput("Choose aspects of learning from the list.", field="aspects")
    known = framework(chosen)
    found = []
    for aspect_id in dict.fromkeys(raw):
        aspect = known.aspect(aspect_id)
        if aspect is None:
            raise InvalidInput(f"Choose aspects of {known.name}, the setting's framework.", field="aspects")
        found.append(aspect)
    implied = list(dict.fromkeys([*areas, *(a.area_id for a in found)]))
    return [a.aspect_id for a in found], implied
