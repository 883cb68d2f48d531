"""Photos in the journal: what is recorded about each one, and where its bytes live.

Blob names are made here from server-side ids only (S25): a user's file name never reaches
storage, and one setting's photos all sit under its own prefix.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.domain.children import Child
from shared.domain.errors import Conflict, InvalidInput

CONTAINER = "photos"


class PhotoSize(StrEnum):
    DISPLAY = "display"
    THUMB = "thumb"

    @classmethod
    def parse(cls, raw: object) -> PhotoSize:
        """The size a caller asked for (display when none); InvalidInput for anything else."""
        if raw is None or raw == "":
            return cls.DISPLAY
        try:
            return cls(str(raw))
        except ValueError:
            raise InvalidInput("Ask for size=display or size=thumb.", field="size") from None


@dataclass(frozen=True, repr=False)
class StoredImage:
    """One stored size of a photo."""

    content_type: str
    width: int
    height: int
    length: int


@dataclass(frozen=True, repr=False)
class Photo:
    """A photo attached to one observation (or moment); its row is keyed by setting, then photo id (S23)."""

    setting_id: str
    photo_id: str
    observation_id: str
    owner_id: str
    display: StoredImage
    thumb: StoredImage
    created_at: datetime

    def image(self, size: PhotoSize) -> StoredImage:
        return self.display if size is PhotoSize.DISPLAY else self.thumb

    def blob(self, size: PhotoSize) -> str:
        return blob_name(self.setting_id, self.photo_id, size)

    @property
    def blobs(self) -> list[str]:
        return [self.blob(size) for size in PhotoSize]


def new_photo_id() -> str:
    """A fresh photo id: 96 random bits, shaped like every other id (letters and digits)."""
    return "p" + secrets.token_hex(12)


def blob_name(setting_id: str, photo_id: str, size: PhotoSize) -> str:
    """The blob that holds one size of a photo; made only from server-side ids (S25)."""
    return f"{setting_id}/{photo_id}/{size.value}.jpg"


def blobs_of(setting_id: str, photo_ids: Iterable[str]) -> list[str]:
    """Every blob of these photos: found from the ids alone, so even without their rows."""
    return [blob_name(setting_id, photo_id, size) for photo_id in photo_ids for size in PhotoSize]


# A moment's photo records its moment where an observation's records the observation. "~" is in no
# id (shared.domain.identifiers), so this can never be taken for an observation id.
_MOMENT = "moment~"


def moment_owner(child_id: str, moment_id: str) -> str:
    """What a photo of a moment from home records as its owner."""
    return f"{_MOMENT}{child_id}~{moment_id}"


def owning_moment(owner: str) -> tuple[str, str] | None:
    """(child id, moment id) when the owner is a moment from home; None for an observation."""
    if not owner.startswith(_MOMENT):
        return None
    child_id, _, moment_id = owner.removeprefix(_MOMENT).partition("~")
    return child_id, moment_id


def require_photo_consent(children: Sequence[Child], photo_ids: Sequence[str]) -> None:
    """Conflict unless every child may appear in photos in this journal entry (consents are the setting's)."""
    if not photo_ids:
        return
    for child in children:
        if not child.photos_in_own_journal:
            raise Conflict(
                f"{child.full_name} has no consent for photos in their journal. Remove the photos to publish."
            )
        if len(children) > 1 and not child.photos_in_others_journals:
            raise Conflict(
                f"{child.full_name} has no consent for photos in other children's journals. "
                "Remove the photos, or observe the children separately."
            )
