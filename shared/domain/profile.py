"""The EYFS profile: at the end of reception, "expected" or "emerging" for each of the 17 early
learning goals, and whether the child reached a good level of development (GLD).

GLD, as the EYFS profile handbook defines it: "expected" in every ELG of the three prime areas
(communication and language; personal, social and emotional development; physical development)
and of literacy and mathematics, 12 ELGs in all. The ELGs of understanding the world and
expressive arts and design are judged and reported, but do not count towards GLD.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shared.domain.errors import InvalidInput
from shared.domain.frameworks import eyfs

COMMENT_MAX = 2000


class Judgement(StrEnum):
    EXPECTED = "expected"
    EMERGING = "emerging"


class ProfileStatus(StrEnum):
    DRAFT = "draft"  # staff are recording it
    FINAL = "final"  # a manager finalised it; only a manager changes it now


@dataclass(repr=False)
class Profile:
    """One child's EYFS profile (one per child: a child has one reception year)."""

    setting_id: str
    child_id: str
    judgements: dict[str, Judgement] = field(default_factory=dict)  # ELG id -> judgement
    comment: str = ""  # the short commentary on the characteristics of effective learning
    status: ProfileStatus = ProfileStatus.DRAFT
    shared_with_parents: bool = False
    updated_by: str = ""
    updated_at: datetime | None = None
    finalised_by: str = ""
    finalised_at: datetime | None = None
    etag: str | None = None

    @property
    def complete(self) -> bool:
        return all(e.elg_id in self.judgements for e in eyfs().elgs)


def good_level_of_development(judgements: Mapping[str, Judgement]) -> bool | None:
    """True when all 12 GLD ELGs are expected; False when one is emerging; None while one of the
    12 is not judged yet and none is emerging (it cannot be told yet)."""
    gld = [judgements.get(e.elg_id) for e in eyfs().gld_elgs]
    if any(j is Judgement.EMERGING for j in gld):
        return False
    if any(j is None for j in gld):
        return None
    return True


def clean_judgements(raw: object) -> dict[str, Judgement | None]:
    """ELG id -> "expected", "emerging", or null to clear; every ELG must be one of the 17."""
    if not isinstance(raw, dict):
        raise InvalidInput("Send the judgements as an object of ELG ids.", field="judgements")
    known = {e.elg_id for e in eyfs().elgs}
    found: dict[str, Judgement | None] = {}
    for elg_id, value in raw.items():
        if elg_id not in known:
            raise InvalidInput("Judge the 17 early learning goals by their ids.", field="judgements")
        if value is None:
            found[elg_id] = None
            continue
        try:
            found[elg_id] = Judgement(value)
        except ValueError:
            raise InvalidInput('Judge each goal "expected" or "emerging".', field="judgements") from None
    return found


def clean_comment(raw: object) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str) or len(raw) > COMMENT_MAX:
        raise InvalidInput(f"Write the commentary in at most {COMMENT_MAX} characters.", field="comment")
    return raw.strip()


def apply_judgements(profile: Profile, changes: Mapping[str, Judgement | None]) -> None:
    for elg_id, judgement in changes.items():
        if judgement is None:
            profile.judgements.pop(elg_id, None)
        else:
            profile.judgements[elg_id] = judgement
