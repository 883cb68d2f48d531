"""Photos on observations: upload (checked and re-encoded), view through a short link, delete.

Access is decided by the observation a photo belongs to, through the observation rules
(shared.services.observations): staff who may edit it may add and remove photos; whoever may see
it may view them, so a parent sees only photos of published observations of their own children.

The observation rules are imported as a module, so that they in turn may import this one (to
discard the photos of an observation they delete) without a circular import.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from shared.domain.errors import InvalidInput, NotFound, PayloadTooLarge, UnsupportedMediaType
from shared.domain.identifiers import clean_id
from shared.domain.people import Principal, Role
from shared.domain.photos import Photo, PhotoSize, StoredImage, blob_name, new_photo_id
from shared.media.images import Rendition, process_photo
from shared.services import observations
from shared.services.deps import Deps

log = logging.getLogger("journal")

NO_SUCH_PHOTO = "We could not find that photo."
_BODY_TYPES = ("application/octet-stream",)


@dataclass(frozen=True)
class Upload:
    """A photo as it arrived: the raw body and what the request said about it (not trusted)."""

    body: bytes
    declared_length: str | None = None
    declared_type: str | None = None


def upload_photo(deps: Deps, principal: Principal, observation_id: str, upload: Upload) -> Photo:
    """Check, re-encode and store a photo, and attach it to the observation.

    Refuses an oversized body (413) before anything is decoded (S26). Stores only the re-encoded
    display size and thumbnail (S27). If any step after the first blob write fails, what was
    written is deleted again, so no orphan blob or row is left behind.
    """
    _refuse_oversized(deps.config.photo_max_bytes, upload)
    _refuse_declared_type(upload.declared_type)
    observation = observations.editable_observation(deps, principal, observation_id)
    processed = process_photo(upload.body)
    photo = Photo(
        setting_id=observation.setting_id,
        photo_id=new_photo_id(),
        observation_id=observation.observation_id,
        owner_id=principal.user_id,
        display=_stored(processed.display),
        thumb=_stored(processed.thumb),
        created_at=deps.clock.now(),
    )
    written: list[str] = []
    try:
        for size, rendition in ((PhotoSize.DISPLAY, processed.display), (PhotoSize.THUMB, processed.thumb)):
            written.append(photo.blob(size))  # before the call: a put that fails midway may still land
            deps.photo_blobs.put(photo.blob(size), rendition.data, rendition.content_type)
        deps.photos.add(photo)
        observations.attach_photo(deps, observation, photo.photo_id)
    except BaseException:
        _remove_quietly(deps, photo, written)
        raise
    return photo


def photo_link(deps: Deps, principal: Principal, photo_id: object, size: PhotoSize) -> str:
    """A read-only link to one size of a photo the caller may see, living at most 10 minutes (S28).

    A photo of another setting, another family or an unpublished observation is NotFound (S24).
    Parents' views are audited (S29); the link itself is never logged.
    """
    photo = _photo(deps, principal, photo_id)
    try:
        observation = observations.visible_observation(deps, principal, photo.observation_id)
    except NotFound:
        raise NotFound(NO_SUCH_PHOTO) from None
    if photo.photo_id not in observation.photo_ids:
        raise NotFound(NO_SUCH_PHOTO)
    if principal.role is Role.PARENT:
        deps.audit(principal.setting_id, principal.user_id, "photo.view", photo.photo_id, "success")
    return deps.photo_blobs.read_url(photo.blob(size), photo.image(size).content_type)


def delete_photo(deps: Deps, principal: Principal, photo_id: object) -> None:
    """Detach a photo from its observation, then delete its blobs and row (staff who may edit it)."""
    photo = _photo(deps, principal, photo_id)
    try:
        observation = observations.editable_observation(deps, principal, photo.observation_id)
    except NotFound:
        raise NotFound(NO_SUCH_PHOTO) from None
    # Detached first, so no observation ever points at a missing photo; the row goes last, so a
    # delete that fails halfway can be repeated and still finds what is left.
    observations.detach_photo(deps, observation, photo.photo_id)
    deps.photo_blobs.delete(photo.blobs)
    deps.photos.remove(photo.setting_id, photo.photo_id)
    deps.audit(principal.setting_id, principal.user_id, "photo.delete", photo.photo_id, "success")


def discard_photos(deps: Deps, setting_id: str, photo_ids: Sequence[str]) -> None:
    """Delete these photos' blobs and rows, for a use case deleting what they belong to (a draft
    observation, a purge). Idempotent. Blob names are derived from the ids, so blobs are found even
    when their row was never written."""
    for photo_id in photo_ids:
        deps.photo_blobs.delete([blob_name(setting_id, photo_id, size) for size in PhotoSize])
        deps.photos.remove(setting_id, photo_id)  # last: a failed discard can be run again


def _photo(deps: Deps, principal: Principal, photo_id: object) -> Photo:
    found = deps.photos.get(principal.setting_id, clean_id(photo_id, what="That photo"))
    if found is None:
        raise NotFound(NO_SUCH_PHOTO)
    return found


def _refuse_oversized(limit: int, upload: Upload) -> None:
    """413 from the declared length first, then from the body itself (S26)."""
    too_large = PayloadTooLarge(f"A photo can be at most {limit // (1024 * 1024)} MiB.")
    if upload.declared_length is not None:
        try:
            declared = int(upload.declared_length.strip())
        except ValueError:
            raise InvalidInput("The Content-Length header is not a number.") from None
        if declared > limit:
            raise too_large
    if len(upload.body) > limit:
        raise too_large
    if not upload.body:
        raise InvalidInput("Send the photo's bytes as the request body.")


def _refuse_declared_type(declared: str | None) -> None:
    """The body must be sent as raw image bytes; the type itself is then read from the bytes (S26)."""
    if not declared:
        return
    media_type = declared.split(";")[0].strip().lower()
    if media_type.startswith("image/") or media_type in _BODY_TYPES:
        return
    raise UnsupportedMediaType(
        "Send the photo's own bytes as the request body, with Content-Type image/jpeg, image/png, "
        "image/webp or application/octet-stream."
    )


def _stored(rendition: Rendition) -> StoredImage:
    return StoredImage(rendition.content_type, rendition.width, rendition.height, len(rendition.data))


def _remove_quietly(deps: Deps, photo: Photo, written: list[str]) -> None:
    """Undo a failed upload. Ids only in the log: never bytes or links (S29)."""
    try:
        if written:
            deps.photo_blobs.delete(written)
        deps.photos.remove(photo.setting_id, photo.photo_id)
    except Exception:
        log.exception("could not remove photo %s of a failed upload", photo.photo_id)
