"""Moments from home: a parent shares something their child did; staff may add it to the journal."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from contextlib import suppress

from shared.domain.access import require_staff
from shared.domain.errors import ConcurrencyConflict, Conflict, Forbidden, InvalidInput, NotFound
from shared.domain.journal import Moment, MomentStatus, clean_id, clean_text
from shared.domain.observations import Observation, ObservationStatus
from shared.domain.people import Principal, Role
from shared.services.deps import Deps
from shared.services.journal import NO_SUCH_CHILD, require_staff_sees_child
from shared.services.observations import check_photo_consent, named_children

NO_SUCH_MOMENT = "We could not find that moment."


def share_moment(deps: Deps, principal: Principal, child_id: object, text: object) -> Moment:
    """A linked parent shares a moment from home (photos are attached later by the photo service)."""
    if principal.role is not Role.PARENT:
        raise Forbidden("Moments from home are shared by families.")
    child = _child_id(child_id)
    if not deps.links.is_linked(principal.setting_id, principal.user_id, child):
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
    """A child's moments, newest first: for the child's parents and the staff who may see the child."""
    child = _child_id(child_id)
    _require_may_see(deps, principal, child)
    return deps.moments.of(principal.setting_id, child)


def accept_moment(deps: Deps, principal: Principal, child_id: object, moment_id: object) -> Observation:
    """Add a moment to the child's journal as a published observation by the parent. Audited (S29).

    The observation id is derived from the moment, so accepting twice (or retrying after a crash)
    never puts the moment in the journal twice.
    """
    require_staff(principal)
    child = _child_id(child_id)
    require_staff_sees_child(deps, principal, child)
    try:
        moment_key = clean_id(moment_id, "momentId")
    except InvalidInput:
        raise NotFound(NO_SUCH_MOMENT) from None
    moment = deps.moments.get(principal.setting_id, child, moment_key)
    if moment is None:
        raise NotFound(NO_SUCH_MOMENT)
    if moment.status is MomentStatus.ACCEPTED:
        raise Conflict("This moment is already in the journal.")
    found = deps.children.get(principal.setting_id, child)
    check_photo_consent([found] if found else [], moment.photo_ids)
    now = deps.clock.now()
    observation = Observation(
        setting_id=principal.setting_id,
        observation_id=f"moment-{moment.moment_id}",
        child_ids=[child],
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
    # Conflict: a retry after the journal write but before the moment was marked; carry on.
    with suppress(Conflict):
        observation = deps.observations.add(observation, named_children(deps, observation))
    moment.status, moment.observation_id = MomentStatus.ACCEPTED, observation.observation_id
    try:
        deps.moments.save(moment)
    except ConcurrencyConflict:
        raise Conflict("This moment changed meanwhile. Reload and try again.") from None
    deps.audit(
        principal.setting_id, principal.user_id, "moment.accept", child, "success",
        f"moment={moment.moment_id} observation={observation.observation_id}",
    )  # fmt: skip
    return observation


def _require_may_see(deps: Deps, principal: Principal, child_id: str) -> None:
    if principal.role is Role.PARENT:
        if not deps.links.is_linked(principal.setting_id, principal.user_id, child_id):
            raise NotFound(NO_SUCH_CHILD)
        return
    require_staff_sees_child(deps, principal, child_id)


def _child_id(raw: object) -> str:
    try:
        return clean_id(raw, "childId")
    except InvalidInput:
        raise NotFound(NO_SUCH_CHILD) from None
