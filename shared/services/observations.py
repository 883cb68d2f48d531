"""Observations: drafted by staff, submitted, approved and published into each child's journal.

The photo service builds on five functions here, whose signatures are kept stable:
`visible_observation`, `editable_observation`, `add_photo`, `attach_photo` and `detach_photo`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from shared.domain.access import require_staff, staff_may_see_child
from shared.domain.children import Child, ChildStatus
from shared.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
)
from shared.domain.journal import clean_areas, clean_child_ids, clean_id, clean_observed_on, clean_text
from shared.domain.observations import Observation, ObservationStatus
from shared.domain.people import Principal, Role
from shared.domain.photos import Photo
from shared.domain.redaction import NamedChild
from shared.domain.settings import Setting
from shared.services import photos
from shared.services.deps import Deps
from shared.services.journal import ShownEntry, reader_for
from shared.services.sessions import readable_children

NO_SUCH_OBSERVATION = "We could not find that observation."
NOT_EDITABLE = "A published observation cannot be changed."
STALE = "Someone else changed this observation since you opened it. Reload it and try again."
EDITABLE = (ObservationStatus.DRAFT, ObservationStatus.SUBMITTED)
_RETRIES = 3


# -- what the photo service uses ------------------------------------------------------------------


def visible_observation(deps: Deps, principal: Principal, observation_id: str) -> Observation:
    """The observation if the caller may see it; NotFound otherwise, so existence never leaks (S24).

    Parents: published, and about at least one child linked to them (links read now).
    Managers: anything in their setting. Practitioners: their own, and published ones about a child
    they may see (only their key children when the setting says so).
    """
    observation = _get(deps, principal, observation_id)
    if principal.role is Role.PARENT:
        linked = readable_children(deps, principal, observation.child_ids)
        if observation.status is ObservationStatus.PUBLISHED and linked & set(observation.child_ids):
            return observation
        raise NotFound(NO_SUCH_OBSERVATION)
    if principal.role is Role.MANAGER or observation.author_id == principal.user_id:
        return observation
    if observation.status is ObservationStatus.PUBLISHED:
        setting = _setting(deps, principal)
        children = _children(deps, observation.setting_id, observation.child_ids)
        if any(staff_may_see_child(principal, c, setting) for c in children):
            return observation
    raise NotFound(NO_SUCH_OBSERVATION)


def editable_observation(deps: Deps, principal: Principal, observation_id: str) -> Observation:
    """A draft or submitted observation the caller may change: its author or a manager (staff only)."""
    require_staff(principal)
    observation = visible_observation(deps, principal, observation_id)
    if observation.status not in EDITABLE:
        raise Forbidden(NOT_EDITABLE)
    if principal.role is not Role.MANAGER and observation.author_id != principal.user_id:
        raise Forbidden("Only the author or a manager can change this observation.")
    return observation


def add_photo(deps: Deps, observation: Observation, photo: Photo) -> Observation:
    """Store a new photo's row and list it on the observation, in one atomic write.

    ETag-guarded like attach_photo: a concurrent change is re-read and the photo added again, so two
    photos uploaded at once both stay; but only while the observation may still take photos, so a
    photo never reaches one published meanwhile (whose consent check it would have missed).
    """
    return _change_photos(
        deps, observation, lambda ids: ids if photo.photo_id in ids else [*ids, photo.photo_id], photo
    )


def attach_photo(deps: Deps, observation: Observation, photo_id: str) -> Observation:
    """Add a photo (idempotent). ETag-guarded: a concurrent change is re-read and the photo re-added,
    so two photos uploaded at once both stay; the journal projections follow."""
    return _change_photos(deps, observation, lambda ids: ids if photo_id in ids else [*ids, photo_id])


def detach_photo(deps: Deps, observation: Observation, photo_id: str) -> Observation:
    """Remove a photo (idempotent), ETag-guarded like attach_photo."""
    return _change_photos(deps, observation, lambda ids: [i for i in ids if i != photo_id])


# -- the routes' use cases ------------------------------------------------------------------------


def create_observation(deps: Deps, principal: Principal, body: Mapping[str, Any]) -> Observation:
    """A new draft about children of the caller's setting that the caller may observe."""
    require_staff(principal)
    now = deps.clock.now()
    child_ids = clean_child_ids(body.get("childIds"))
    draft = Observation(
        setting_id=principal.setting_id,
        observation_id=secrets.token_hex(12),
        child_ids=child_ids,
        author_id=principal.user_id,
        text=clean_text(body.get("text"), "text"),
        areas=clean_areas(body.get("areas")),
        next_steps=clean_text(body.get("nextSteps"), "nextSteps", required=False),
        observed_on=clean_observed_on(body.get("observedOn"), today=now.date()),
        status=ObservationStatus.DRAFT,
        created_at=now,
        updated_at=now,
    )
    _check_children(deps, principal, child_ids)
    return deps.observations.add(draft)


def list_observations(deps: Deps, principal: Principal, status: object) -> Sequence[Observation]:
    """Staff work lists: a caller's own drafts; for managers every submitted one (the approvals queue)."""
    require_staff(principal)
    try:
        wanted = ObservationStatus(str(status or "draft"))
    except ValueError:
        raise InvalidInput("Choose status draft, submitted or published.", field="status") from None
    everyone = principal.role is Role.MANAGER and wanted is not ObservationStatus.DRAFT
    found = deps.observations.list(principal.setting_id, wanted, None if everyone else principal.user_id)
    return found


def update_observation(
    deps: Deps, principal: Principal, observation_id: str, if_match: str | None, body: Mapping[str, Any]
) -> Observation:
    """Change a draft or submitted observation, only from the version the caller read (If-Match)."""
    observation = editable_observation(deps, principal, observation_id)
    _check_etag(observation, if_match)
    changed = replace(observation, updated_at=deps.clock.now())
    if "childIds" in body:
        changed.child_ids = clean_child_ids(body["childIds"])
        _check_children(deps, principal, changed.child_ids)
    if "text" in body:
        changed.text = clean_text(body["text"], "text")
    if "areas" in body:
        changed.areas = clean_areas(body["areas"])
    if "nextSteps" in body:
        changed.next_steps = clean_text(body["nextSteps"], "nextSteps", required=False)
    if "observedOn" in body:
        changed.observed_on = clean_observed_on(body["observedOn"], today=deps.clock.now().date())
    try:
        return _save(deps, changed)
    except ConcurrencyConflict:  # changed between our read and our write: still never a lost update
        raise PreconditionFailed(STALE) from None


def delete_observation(deps: Deps, principal: Principal, observation_id: str) -> None:
    """Delete a draft: its author or a manager. Audited (S29)."""
    observation = editable_observation(deps, principal, observation_id)
    if observation.status is not ObservationStatus.DRAFT:
        raise Conflict("Only a draft can be deleted.")
    try:
        deps.observations.delete(observation)
    except ConcurrencyConflict:
        raise PreconditionFailed(STALE) from None
    # Its photos belong to nothing now; a photo left behind would be a child's picture kept
    # without purpose.
    photos.discard_photos(deps, observation.setting_id, observation.photo_ids)
    deps.audit(principal.setting_id, principal.user_id, "observation.delete", observation_id, "success")


def submit_observation(deps: Deps, principal: Principal, observation_id: str) -> Observation:
    """Send a draft for a manager's approval."""
    observation = editable_observation(deps, principal, observation_id)
    if observation.status is not ObservationStatus.DRAFT:
        raise Conflict("This observation is already waiting for approval.")
    return _save_or_stale(
        deps, replace(observation, status=ObservationStatus.SUBMITTED, updated_at=deps.clock.now())
    )


def publish_observation(deps: Deps, principal: Principal, observation_id: str) -> Observation:
    """Publish into each child's journal: managers, or the author when the setting needs no approval.

    Refused (409) when it has photos and a child in it lacks consent for them (recorded by the setting).
    """
    require_staff(principal)
    observation = visible_observation(deps, principal, observation_id)
    if observation.status is ObservationStatus.PUBLISHED:
        raise Conflict("This observation is already published.")
    setting = _setting(deps, principal)
    may = principal.role is Role.MANAGER or (
        observation.author_id == principal.user_id and not setting.approval_required
    )
    if not may:
        raise Forbidden("A manager publishes observations in this setting.")
    children = _children(deps, observation.setting_id, observation.child_ids)
    if len(children) != len(observation.child_ids):
        raise Conflict("A child in this observation is no longer on the register. Edit it first.")
    if any(c.status is not ChildStatus.ACTIVE for c in children):
        raise Conflict("A child in this observation has left (archived). Edit it first.")
    check_photo_consent(children, observation.photo_ids)
    now = deps.clock.now()
    published = _save_or_stale(
        deps, replace(observation, status=ObservationStatus.PUBLISHED, published_at=now, updated_at=now)
    )
    deps.audit(
        principal.setting_id, principal.user_id, "observation.publish", observation_id, "success",
        f"children={len(children)} photos={len(observation.photo_ids)}",
    )  # fmt: skip
    return published


def read_observation(deps: Deps, principal: Principal, observation_id: str) -> ShownEntry:
    """The observation with its comments, as the caller may see it (other children redacted for parents)."""
    observation = visible_observation(deps, principal, observation_id)
    setting = _setting(deps, principal)
    reader = reader_for(deps, principal, setting, wanted=observation.child_ids)
    children = named_children(deps, observation)
    comments = deps.comments.of(principal.setting_id, observation.observation_id)
    return reader.show(
        observation_id=observation.observation_id, status=observation.status, children=children,
        author_id=observation.author_id, text=observation.text, next_steps=observation.next_steps,
        areas=observation.areas, observed_on=observation.observed_on, published_at=observation.published_at,
        photo_ids=observation.photo_ids, etag=observation.etag, comments=comments,
    )  # fmt: skip


def check_photo_consent(children: Sequence[Child], photo_ids: Sequence[str]) -> None:
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


def named_children(deps: Deps, observation: Observation) -> list[NamedChild]:
    """The children's names as stored now, in the observation's order."""
    children = _children(deps, observation.setting_id, observation.child_ids)
    return [NamedChild(c.child_id, c.first_name, c.last_name) for c in children]


# -- helpers --------------------------------------------------------------------------------------


def _get(deps: Deps, principal: Principal, observation_id: object) -> Observation:
    try:
        observation_id = clean_id(observation_id, "id")
    except InvalidInput:
        raise NotFound(NO_SUCH_OBSERVATION) from None
    # S23/S24: looked up only in the caller's own setting, so another setting's id is simply unknown.
    observation = deps.observations.get(principal.setting_id, observation_id)
    if observation is None:
        raise NotFound(NO_SUCH_OBSERVATION)
    return observation


def _setting(deps: Deps, principal: Principal) -> Setting:
    setting = deps.settings.get(principal.setting_id)
    if setting is None:
        raise NotFound(NO_SUCH_OBSERVATION)
    return setting


def _children(deps: Deps, setting_id: str, child_ids: Sequence[str]) -> list[Child]:
    return deps.children.get_many(setting_id, child_ids)


def _check_children(deps: Deps, principal: Principal, child_ids: Sequence[str]) -> None:
    setting = _setting(deps, principal)
    found = {c.child_id: c for c in deps.children.get_many(principal.setting_id, child_ids)}
    for child_id in child_ids:
        child = found.get(child_id)
        # One answer for a missing child and one the caller may not see, so a practitioner limited
        # to key children cannot learn which other children exist (S24).
        if (
            child is None
            or child.status is not ChildStatus.ACTIVE
            or not staff_may_see_child(principal, child, setting)
        ):
            raise InvalidInput(
                "One of the children is not on the register, or not one of the children you observe.",
                field="childIds",
            )


def _check_etag(observation: Observation, if_match: str | None) -> None:
    if not if_match:
        raise InvalidInput("Send the If-Match header with the ETag you read.", field="If-Match")
    if if_match.strip() != (observation.etag or ""):
        raise PreconditionFailed(STALE)


def _save(deps: Deps, observation: Observation, new_photo: Photo | None = None) -> Observation:
    published = observation.status is ObservationStatus.PUBLISHED
    children = named_children(deps, observation) if published else []
    return deps.observations.save(observation, children, new_photo=new_photo)


def _save_or_stale(deps: Deps, observation: Observation) -> Observation:
    try:
        return _save(deps, observation)
    except ConcurrencyConflict:
        raise Conflict(STALE) from None


def _change_photos(
    deps: Deps,
    observation: Observation,
    change: Callable[[list[str]], list[str]],
    new_photo: Photo | None = None,
) -> Observation:
    current = observation
    for _ in range(_RETRIES):
        wanted = change(list(current.photo_ids))
        if wanted == current.photo_ids:
            # Nothing to do; for a new photo, a write that landed though its answer was lost (its
            # row came with it in the same transaction).
            return current
        try:
            return _save(deps, replace(current, photo_ids=wanted, updated_at=deps.clock.now()), new_photo)
        except ConcurrencyConflict:
            # Adding or removing one photo commutes with other edits: re-read and apply it again.
            fresh = deps.observations.get(observation.setting_id, observation.observation_id)
            if fresh is None:
                raise NotFound(NO_SUCH_OBSERVATION) from None
            if new_photo is not None and fresh.status not in EDITABLE:
                raise Forbidden(NOT_EDITABLE) from None
            current = fresh
    raise Conflict(STALE)
