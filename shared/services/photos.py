"""Photos on observations and on moments from home: upload (checked and re-encoded), view through a
short link, delete.

Access is decided by what a photo belongs to (shared.services.access). An observation's photos
follow the observation rules: staff who may edit it may add and remove photos, and managers may
remove one from a published observation too (consent withdrawn); whoever may see it may view them,
so a parent sees only photos of published observations of their own children. A moment's photos
are added by the parent who shared it, while it is not yet accepted, and are seen by whoever may
see the moment: the child's linked parents and the staff who may see the child. Accepting the
moment puts its photos on the journal entry it becomes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from shared.domain.access import NO_SUCH_PHOTO, require_staff
from shared.domain.errors import InvalidInput, NotFound, PayloadTooLarge, UnsupportedMediaType
from shared.domain.people import Principal, Role
from shared.domain.photos import (
    Photo,
    PhotoSize,
    StoredImage,
    moment_owner,
    new_photo_id,
    owning_moment,
)
from shared.media.images import ProcessedPhoto, Rendition, process_photo
from shared.services import access, moments, observations
from shared.services.deps import Deps
from shared.services.upload_quota import counted_upload

log = logging.getLogger("journal")

_BODY_TYPES = ("application/octet-stream",)


@dataclass(frozen=True, repr=False)
class Upload:
    """A photo as it arrived: the raw body and what the request said about it (not trusted)."""

    body: bytes
    declared_length: str | None = None
    declared_type: str | None = None


def upload_photo(deps: Deps, principal: Principal, observation_id: str, upload: Upload) -> Photo:
    """Check, re-encode and store a photo, and attach it to the observation.

    Refuses an oversized body (413) before anything is decoded (S26), and a photo over the account's
    daily quota (429, S26, shared.services.upload_quota). Stores only the re-encoded
    display size and thumbnail (S27). The photo's row and the observation listing it are one atomic
    write, after both blobs: if any step fails the blobs are deleted again, and a process that dies
    before that write leaves only blobs that no row owns, which the nightly purge sweeps.
    """
    _refuse_oversized(deps.config.photo_max_bytes, upload)
    _refuse_declared_type(upload.declared_type)
    observation = access.editable_observation(deps, principal, observation_id)
    with counted_upload(deps, principal):
        processed = process_photo(upload.body)
        photo = _new_photo(deps, principal, observation.setting_id, observation.observation_id, processed)
        _store(
            deps, photo, processed, lambda: observations.add_photo(deps, observation, photo), own_row=False
        )
    return photo


def upload_moment_photo(
    deps: Deps, principal: Principal, child_id: object, moment_id: object, upload: Upload
) -> Photo:
    """Check, re-encode and store a photo of a moment from home, and attach it to the moment.

    Only the parent who shared the moment, while it is not yet accepted; the same checks, sizes and
    clean-up as an observation's photo (S26, S27). The row records the moment as the photo's owner.
    Moments live in another table than photo rows, so the row and the attach are two writes here,
    and a failed attach deletes the row again.
    """
    _refuse_oversized(deps.config.photo_max_bytes, upload)
    _refuse_declared_type(upload.declared_type)
    moment = moments.moment_taking_photos(deps, principal, child_id, moment_id)
    with counted_upload(deps, principal):
        processed = process_photo(upload.body)
        owner = moment_owner(moment.child_id, moment.moment_id)
        photo = _new_photo(deps, principal, moment.setting_id, owner, processed)

        def save() -> None:
            deps.photos.add(photo)
            moments.attach_photo(deps, moment, photo.photo_id)

        _store(deps, photo, processed, save, own_row=True)
    return photo


def _new_photo(
    deps: Deps, principal: Principal, setting_id: str, belongs_to: str, processed: ProcessedPhoto
) -> Photo:
    return Photo(
        setting_id=setting_id,
        photo_id=new_photo_id(),
        observation_id=belongs_to,
        owner_id=principal.user_id,
        display=_stored(processed.display),
        thumb=_stored(processed.thumb),
        created_at=deps.clock.now(),
    )


def _store(
    deps: Deps, photo: Photo, processed: ProcessedPhoto, save: Callable[[], object], *, own_row: bool
) -> None:
    """Write both sizes, then `save` the row and attach the photo; undo what was written if a step
    fails. `own_row`: `save` writes the row in a step of its own, which a failure may leave behind."""
    sizes = ((PhotoSize.DISPLAY, processed.display), (PhotoSize.THUMB, processed.thumb))
    written = [photo.blob(size) for size, _ in sizes]  # before the puts: one that fails may still land
    try:
        # The two sizes at once: two independent round trips, neither of which need wait for the
        # other. The pool's exit waits for both, so nothing is still writing when a failure undoes.
        with ThreadPoolExecutor(max_workers=len(sizes)) as pool:
            puts = [pool.submit(deps.photo_blobs.put, photo.blob(size), r.data, r.content_type)
                    for size, r in sizes]  # fmt: skip
        for put in puts:
            put.result()
        save()
    except BaseException:
        _remove_quietly(deps, photo, written, row=own_row)
        raise


def photo_link(deps: Deps, principal: Principal, photo_id: object, size: PhotoSize) -> str:
    """A read-only link to one size of a photo the caller may see, living at most 10 minutes (S28).

    A photo of another setting, another family or an unpublished observation is NotFound (S24).
    Parents' views are audited (S29); the link itself is never logged.
    """
    photo = access.visible_photo(deps, principal, photo_id)
    if principal.role is Role.PARENT:
        deps.audit(principal.setting_id, principal.user_id, "photo.view", photo.photo_id, "success")
    return deps.photo_blobs.read_url(photo.blob(size), photo.image(size).content_type)


def delete_photo(deps: Deps, principal: Principal, photo_id: object) -> None:
    """Detach a photo from what it belongs to, then delete its blobs and row.

    Staff who may edit the observation; managers also once it is published, or when it belongs to a
    moment from home (consent withdrawn): the child's journal no longer shows it from the next read.
    """
    require_staff(principal)  # before the lookup: a parent learns nothing of which photo ids exist (S24)
    photo = access.stored_photo(deps, principal, photo_id)
    moment_of = owning_moment(photo.observation_id)
    try:
        if moment_of is not None:
            _detach_from_moment(deps, principal, photo, *moment_of)
        else:
            observation = access.observation_losing_photo(deps, principal, photo.observation_id)
            # Detached first, so no observation ever points at a missing photo; the row goes last, so
            # a delete that fails halfway can be repeated and still finds what is left.
            observations.detach_photo(deps, observation, photo.photo_id)
    except NotFound:
        raise NotFound(NO_SUCH_PHOTO) from None
    deps.photo_blobs.delete(photo.blobs)
    deps.photos.remove(photo.setting_id, photo.photo_id)
    deps.audit(principal.setting_id, principal.user_id, "photo.delete", photo.photo_id, "success")


def _detach_from_moment(
    deps: Deps, principal: Principal, photo: Photo, child_id: str, moment_id: str
) -> None:
    """A manager takes a photo off a moment, and off the journal entry the moment became, if any."""
    moment = access.moment_losing_photo(deps, principal, child_id, moment_id)
    if moment.observation_id is not None:
        observation = access.visible_observation(deps, principal, moment.observation_id)
        observations.detach_photo(deps, observation, photo.photo_id)
    moments.detach_photo(deps, moment, photo.photo_id)


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


def _remove_quietly(deps: Deps, photo: Photo, written: list[str], *, row: bool) -> None:
    """Undo a failed upload. Ids only in the log: never bytes or links (S29)."""
    try:
        if written:
            deps.photo_blobs.delete(written)
        if row:
            deps.photos.remove(photo.setting_id, photo.photo_id)
    except Exception:
        log.exception("could not remove photo %s of a failed upload", photo.photo_id)
