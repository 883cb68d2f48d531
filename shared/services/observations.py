"""Observations: drafted by staff, submitted, approved and published into each child's journal.

Who may see or change one is decided by shared.services.access. The photo service uses
`add_photo`, `attach_photo` and `detach_photo` to list photos on an observation.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from shared.domain.access import (
    EDITABLE,
    NO_SUCH_OBSERVATION,
    NOT_EDITABLE,
    require_manager,
    require_staff,
    staff_may_see_child,
)
from shared.domain.children import Child, ChildStatus
from shared.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
)
from shared.domain.frameworks import clean_aspects, clean_framework
from shared.domain.journal import (
    STALE_OBSERVATION,
    clean_areas,
    clean_child_ids,
    clean_next_steps,
    clean_observed_on,
    clean_text,
    require_version,
)
from shared.domain.observations import Observation, ObservationStatus
from shared.domain.people import Principal, Role
from shared.domain.photos import Photo, require_photo_consent
from shared.domain.redaction import NamedChild
from shared.domain.settings import Setting
from shared.services import access, membership, notifications
from shared.services.deps import Deps
from shared.services.journal import ShownEntry, reader_for, setting_names

STALE = STALE_OBSERVATION
MAX_RETURN_NOTE = 1000
_RETRIES = 3


# -- the photos an observation lists ------------------------------------------------------------------


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


@dataclass(frozen=True, repr=False)
class ObservationText:
    """What staff write in an observation. In a change, None leaves a field as it is."""

    child_ids: list[str] | None = None
    text: str | None = None
    areas: list[str] | None = None
    next_steps: str | None = None
    observed_on: str | None = None  # YYYY-MM-DD
    aspects: list[str] | None = None  # of the setting's framework; each implies its area


def create_observation(deps: Deps, principal: Principal, given: ObservationText) -> Observation:
    """A new draft about children of the caller's setting that the caller may observe."""
    require_staff(principal)
    now = deps.clock.now()
    child_ids = clean_child_ids(given.child_ids)
    draft = Observation(
        setting_id=principal.setting_id,
        observation_id=secrets.token_hex(12),
        child_ids=child_ids,
        author_id=principal.user_id,
        text=clean_text(given.text, "text"),
        areas=clean_areas(given.areas),
        next_steps=clean_next_steps(given.next_steps),
        observed_on=clean_observed_on(given.observed_on, today=now.date()),
        status=ObservationStatus.DRAFT,
        created_at=now,
        updated_at=now,
    )
    _check_children(deps, principal, child_ids)
    if given.aspects:
        link_aspects(deps, principal, draft, given.aspects)
    return deps.observations.add(draft)


def link_aspects(deps: Deps, principal: Principal, observation: Observation, aspects: list[str]) -> None:
    """Link an observation to aspects of the setting's framework; their areas join its areas.

    The setting is read only when aspects are sent, so recording without them costs no more.
    """
    chosen = clean_framework(membership.setting_of(deps, principal).framework)
    linked, areas = clean_aspects(aspects, chosen, [a.value for a in observation.areas])
    observation.aspects = linked
    observation.areas = clean_areas(areas)
    observation.framework = chosen.value if linked else None


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
    deps: Deps,
    principal: Principal,
    observation_id: str,
    expected_version: str | None,
    changes: ObservationText,
) -> Observation:
    """Change a draft or submitted observation, only from the version the caller read."""
    observation = access.editable_observation(deps, principal, observation_id)
    require_version(expected_version, observation.etag)
    changed = replace(observation, updated_at=deps.clock.now())
    if changes.child_ids is not None:
        changed.child_ids = clean_child_ids(changes.child_ids)
        _check_children(deps, principal, changed.child_ids)
    if changes.text is not None:
        changed.text = clean_text(changes.text, "text")
    if changes.areas is not None:
        changed.areas = clean_areas(changes.areas)
    if changes.aspects is not None:
        link_aspects(deps, principal, changed, changes.aspects)
    elif changes.areas is not None and changed.aspects:
        link_aspects(deps, principal, changed, changed.aspects)  # its aspects keep their areas
    if changes.next_steps is not None:
        changed.next_steps = clean_next_steps(changes.next_steps)
    if changes.observed_on is not None:
        changed.observed_on = clean_observed_on(changes.observed_on, today=deps.clock.now().date())
    try:
        return _save(deps, changed)
    except ConcurrencyConflict:  # changed between our read and our write: still never a lost update
        raise PreconditionFailed(STALE) from None


def delete_observation(deps: Deps, principal: Principal, observation_id: str) -> None:
    """Delete a draft: its author or a manager. Audited (S29)."""
    observation = access.editable_observation(deps, principal, observation_id)
    if observation.status is not ObservationStatus.DRAFT:
        raise Conflict("Only a draft can be deleted.")
    try:
        deps.observations.delete(observation)
    except ConcurrencyConflict:
        raise PreconditionFailed(STALE) from None
    # Its photos belong to nothing now; a photo left behind would be a child's picture kept
    # without purpose.
    deps.photos.discard(observation.setting_id, observation.photo_ids)
    deps.audit(principal.setting_id, principal.user_id, "observation.delete", observation_id, "success")


def submit_observation(deps: Deps, principal: Principal, observation_id: str) -> Observation:
    """Send a draft for a manager's approval; from then on its author cannot change it (S24)."""
    observation = access.editable_observation(deps, principal, observation_id)
    if observation.status is not ObservationStatus.DRAFT:
        raise Conflict("This observation is already waiting for approval.")
    submitted = _save_or_stale(
        deps,
        replace(observation, status=ObservationStatus.SUBMITTED, return_note="", updated_at=deps.clock.now()),
    )
    notifications.awaiting_approval(deps, principal.user_id, submitted)
    return submitted


def return_observation(
    deps: Deps, principal: Principal, observation_id: str, expected_version: str | None, note: str | None
) -> Observation:
    """A manager sends a submitted observation back to its author as a draft, with a note saying
    what to change. Only from the version the manager read (412 otherwise). Audited (S29)."""
    require_manager(principal)
    observation = access.visible_observation(deps, principal, observation_id)
    require_version(expected_version, observation.etag)
    if observation.status is not ObservationStatus.SUBMITTED:
        raise Conflict("Only an observation waiting for approval can be returned.")
    why = clean_text(note, "note", limit=MAX_RETURN_NOTE)
    returned = _save_or_precondition(
        deps,
        replace(observation, status=ObservationStatus.DRAFT, return_note=why, updated_at=deps.clock.now()),
    )
    deps.audit(
        principal.setting_id, principal.user_id, "observation.return", observation_id, "success",
        f"author={observation.author_id}",
    )  # fmt: skip
    notifications.observation_returned(deps, principal.user_id, returned)
    return returned


def publish_observation(
    deps: Deps, principal: Principal, observation_id: str, expected_version: str | None
) -> Observation:
    """Publish into each child's journal: managers, or the author when the setting needs no approval.

    The caller names the version they reviewed (If-Match): a missing one is 400, and one that is no
    longer current is 412, so nobody publishes text they never saw. Refused (409) when it has photos
    and a child in it lacks consent for them (recorded by the setting).
    """
    require_staff(principal)
    observation = access.visible_observation(deps, principal, observation_id)
    if observation.status is ObservationStatus.PUBLISHED:
        raise Conflict("This observation is already published.")
    setting = _setting(deps, principal)
    may = principal.role is Role.MANAGER or (
        observation.author_id == principal.user_id and not setting.approval_required
    )
    if not may:
        raise Forbidden("A manager publishes observations in this setting.")
    require_version(expected_version, observation.etag)
    children = _children(deps, observation.setting_id, observation.child_ids)
    if len(children) != len(observation.child_ids):
        raise Conflict("A child in this observation is no longer on the register. Edit it first.")
    if any(c.status is not ChildStatus.ACTIVE for c in children):
        raise Conflict("A child in this observation has left (archived). Edit it first.")
    require_photo_consent(children, observation.photo_ids)
    now = deps.clock.now()
    published = _save_or_precondition(
        deps,
        replace(
            observation, status=ObservationStatus.PUBLISHED, published_at=now, return_note="", updated_at=now
        ),
    )
    deps.audit(
        principal.setting_id, principal.user_id, "observation.publish", observation_id, "success",
        f"children={len(children)} photos={len(observation.photo_ids)}",
    )  # fmt: skip
    notifications.entry_published(deps, principal.user_id, published)
    return published


def read_observation(deps: Deps, principal: Principal, observation_id: str) -> ShownEntry:
    """The observation with its comments, as the caller may see it (other children redacted for parents)."""
    observation = access.visible_observation(deps, principal, observation_id)
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


def untagged_names(deps: Deps, principal: Principal, observation: Observation) -> list[NamedChild]:
    """The children the observation's text and next steps name but do not tag, among those the
    caller could tag, in order of first mention: staff are asked "tag them, or rephrase?" (S37).
    Every name of the setting is matched, so a parent's name or a tagged child's is not one.

    The names come from the setting's names books (a point read each, the matcher cached), and
    only the children found are read, so saving a text costs the same in a setting of any size."""
    names = setting_names(deps, principal.setting_id)
    found = names.untagged(f"{observation.text}\n{observation.next_steps}", observation.child_ids)
    if not found:
        return []
    setting = _setting(deps, principal)
    # Only children the caller may observe: naming the others would tell a key-children-only
    # practitioner which children exist (S24).
    taggable = {
        c.child_id
        for c in _children(deps, principal.setting_id, [n.child_id for n in found])
        if c.status is ChildStatus.ACTIVE and staff_may_see_child(principal, c, setting)
    }
    return [c for c in found if c.child_id in taggable]


def named_children(deps: Deps, observation: Observation) -> list[NamedChild]:
    """The children's names as stored now, in the observation's order."""
    children = _children(deps, observation.setting_id, observation.child_ids)
    return [NamedChild(c.child_id, c.first_name, c.last_name) for c in children]


# -- helpers --------------------------------------------------------------------------------------


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


def _save(deps: Deps, observation: Observation, new_photo: Photo | None = None) -> Observation:
    published = observation.status is ObservationStatus.PUBLISHED
    children = named_children(deps, observation) if published else []
    return deps.observations.save(observation, children, new_photo=new_photo)


def _save_or_stale(deps: Deps, observation: Observation) -> Observation:
    try:
        return _save(deps, observation)
    except ConcurrencyConflict:
        raise Conflict(STALE) from None


def _save_or_precondition(deps: Deps, observation: Observation) -> Observation:
    """Save only over the version the caller named: changed meanwhile is 412, as for If-Match."""
    try:
        return _save(deps, observation)
    except ConcurrencyConflict:
        raise PreconditionFailed(STALE) from None


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
