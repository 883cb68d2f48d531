"""Moments from home: a parent shares something their child did; staff may add it to the journal."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import replace

from shared.domain.access import NO_SUCH_CHILD, require_staff
from shared.domain.errors import ConcurrencyConflict, Conflict, Forbidden, NotFound
from shared.domain.journal import Moment, MomentStatus, clean_text
from shared.domain.observations import Observation, ObservationStatus
from shared.domain.people import Principal, Role
from shared.domain.photos import require_photo_consent
from shared.services import access, journal, notifications, observations
from shared.services.deps import Deps

ALREADY_ACCEPTED = "This moment is already in the journal."
# A family shares a handful of pictures of a moment; more is a mistake (or someone filling storage).
MAX_PHOTOS = 10
_RETRIES = 3


def share_moment(deps: Deps, principal: Principal, child_id: object, text: object) -> Moment:
    """A linked parent shares a moment from home (photos are attached later by the photo service)."""
    if principal.role is not Role.PARENT:
        raise Forbidden("Moments from home are shared by families.")
    child = access.child_id(child_id)
    if child not in access.readable_children(deps, principal, [child]):
        raise NotFound(NO_SUCH_CHILD)
    moment = Moment(
        setting_id=principal.setting_id,
        child_id=child,
        moment_id=secrets.token_hex(12),
        parent_id=principal.user_id,
        parent_name=principal.name,
        text=clean_text(text, "text"),
        created_at=deps.clock.now(),
    )
    return deps.moments.add(moment)


def list_moments(deps: Deps, principal: Principal, child_id: object) -> Sequence[Moment]:
    """A child's moments, newest first: for the child's parents (other families' names redacted)
    and the staff who may see the child."""
    child = access.child_id(child_id)
    access.require_sees_child(deps, principal, child)
    found = deps.moments.of(principal.setting_id, child)
    if not found:
        return found
    # A family writes about their day, and may name other children or their parents (S37).
    reader = journal.reader_for(deps, principal, wanted=[child])
    return [reader.moment(m) for m in found]


def accept_moment(deps: Deps, principal: Principal, child_id: object, moment_id: object) -> Observation:
    """Add a moment to the child's journal as a published observation by the parent. Audited (S29).

    The observation id is derived from the moment, so accepting twice (or retrying after a crash)
    never puts the moment in the journal twice.
    """
    require_staff(principal)
    child = access.staff_visible_child(deps, principal, access.child_id(child_id))
    moment = access.stored_moment(deps, principal.setting_id, child.child_id, moment_id)
    if moment.status is MomentStatus.ACCEPTED:
        raise Conflict(ALREADY_ACCEPTED)
    require_photo_consent([child], moment.photo_ids)
    now = deps.clock.now()
    observation = Observation(
        setting_id=principal.setting_id,
        observation_id=f"moment-{moment.moment_id}",
        child_ids=[child.child_id],
        author_id=moment.parent_id,
        text=moment.text,
        areas=[],
        next_steps="",
        observed_on=moment.created_at.date(),
        status=ObservationStatus.PUBLISHED,
        created_at=now,
        updated_at=now,
        photo_ids=list(moment.photo_ids),
        published_at=now,
    )
    try:
        observation = deps.observations.add(observation, observations.named_children(deps, observation))
    except Conflict:
        # A retry after the journal write but before the moment was marked: carry on with that
        # entry, and attach the photos the family added in between, so none is left behind.
        existing = deps.observations.get(principal.setting_id, observation.observation_id)
        if existing is None:
            raise
        observation = existing
        for photo_id in moment.photo_ids:
            observation = observations.attach_photo(deps, observation, photo_id)
    moment.status, moment.observation_id = MomentStatus.ACCEPTED, observation.observation_id
    try:
        deps.moments.save(moment)
    except ConcurrencyConflict:
        raise Conflict("This moment changed meanwhile. Reload and try again.") from None
    deps.audit(
        principal.setting_id, principal.user_id, "moment.accept", child.child_id, "success",
        f"moment={moment.moment_id} observation={observation.observation_id}",
    )  # fmt: skip
    notifications.moment_accepted(
        deps, principal.user_id, child.child_id, moment.moment_id, principal.setting_id
    )
    return observation


def moment_taking_photos(deps: Deps, principal: Principal, child_id: object, moment_id: object) -> Moment:
    """A moment its author may still add photos to: shared by this parent and not yet accepted."""
    if principal.role is not Role.PARENT:  # before any lookup, so staff learn nothing of which ids exist
        raise Forbidden("Photos of a moment from home are added by the family who shared it.")
    moment = access.visible_moment(deps, principal, child_id, moment_id)
    if moment.parent_id != principal.user_id:
        raise Forbidden("Only the parent who shared this moment can add photos to it.")
    _require_room_for_a_photo(moment)
    return moment


def attach_photo(deps: Deps, moment: Moment, photo_id: str) -> Moment:
    """Add a photo to a moment not yet accepted (idempotent). ETag-guarded: on a concurrent change the
    moment is re-read, so a photo never lands on a moment that was accepted meanwhile (Conflict)."""
    current = moment
    for _ in range(_RETRIES):
        if photo_id in current.photo_ids:
            return current
        _require_room_for_a_photo(current)
        try:
            return deps.moments.save(replace(current, photo_ids=[*current.photo_ids, photo_id]))
        except ConcurrencyConflict:
            current = access.stored_moment(deps, moment.setting_id, moment.child_id, moment.moment_id)
    raise Conflict("This moment is changing right now. Please try again.")


def detach_photo(deps: Deps, moment: Moment, photo_id: str) -> Moment:
    """Remove a photo from a moment in any state (idempotent), ETag-guarded like attach_photo."""
    current = moment
    for _ in range(_RETRIES):
        if photo_id not in current.photo_ids:
            return current
        try:
            kept = [p for p in current.photo_ids if p != photo_id]
            return deps.moments.save(replace(current, photo_ids=kept))
        except ConcurrencyConflict:
            current = access.stored_moment(deps, moment.setting_id, moment.child_id, moment.moment_id)
    raise Conflict("This moment is changing right now. Please try again.")


def _require_room_for_a_photo(moment: Moment) -> None:
    if moment.status is MomentStatus.ACCEPTED:
        raise Conflict(ALREADY_ACCEPTED)
    if len(moment.photo_ids) >= MAX_PHOTOS:
        raise Conflict(f"A moment can have at most {MAX_PHOTOS} photos.")
