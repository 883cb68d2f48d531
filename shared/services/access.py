"""Who may see or change a child, an observation, a moment, a photo or an export (S24).

Every use case asks here before it touches one; nothing decides alone. Each check reads what it
needs from storage on this request (links, roles and the setting's policy are never cached), then
applies the pure rules of shared.domain.access. Whatever the caller may not see is NotFound, the
same answer as for an id that names nothing, so existence never leaks.
"""

from __future__ import annotations

from collections.abc import Collection

from shared.domain.access import (
    NO_SUCH_CHILD,
    NO_SUCH_EXPORT,
    NO_SUCH_MOMENT,
    NO_SUCH_OBSERVATION,
    NO_SUCH_PHOTO,
    NOT_FOR_YOUR_ROLE,
    parent_may_see_observation,
    require_manager,
    require_may_edit_observation,
    require_staff,
    staff_may_see_child,
    staff_may_see_observation,
    staff_sees_without_children,
)
from shared.domain.children import Child, readable_child_ids
from shared.domain.errors import Forbidden, NotFound
from shared.domain.exports import Export, child_exportable
from shared.domain.identifiers import clean_id
from shared.domain.journal import Moment
from shared.domain.observations import Observation
from shared.domain.people import Principal, Role
from shared.domain.photos import Photo, owning_moment
from shared.domain.settings import Setting
from shared.services.deps import Deps

WINDOW_CLOSED = "The time for exporting this child's journal after they left has passed. Ask the setting."


# -- children -------------------------------------------------------------------------------------


def child_id(raw: object) -> str:
    """A child id from a URL; a malformed one names no child."""
    return clean_id(raw, message=NO_SUCH_CHILD)


def readable_children(deps: Deps, principal: Principal, wanted: Collection[str]) -> frozenset[str]:
    """The ids of a parent's children readable now: from the links the session check read with
    this request's session, or from storage now when the principal carries none, or when they
    include none of `wanted` (a principal made before a link was added still sees it)."""
    now = deps.clock.now()
    if principal.links is not None:
        readable = readable_child_ids(principal.links, now)
        if readable & set(wanted):
            return readable
    return readable_child_ids(deps.links.children_of(principal.setting_id, principal.user_id), now)


def setting_child(deps: Deps, principal: Principal, child_id: object) -> Child:
    """Any child of the caller's own setting (S23), for a manager's use case: managers see them all."""
    require_manager(principal)
    child = deps.children.get(principal.setting_id, clean_id(child_id, message=NO_SUCH_CHILD))
    if child is None:
        raise NotFound(NO_SUCH_CHILD)
    return child


def staff_visible_child(deps: Deps, principal: Principal, child_id: str) -> Child:
    """The child, if the caller is staff who may see this child of their own setting."""
    child = deps.children.get(principal.setting_id, child_id)
    setting = deps.settings.get(principal.setting_id)
    if child is None or setting is None or not staff_may_see_child(principal, child, setting):
        raise NotFound(NO_SUCH_CHILD)
    return child


def require_sees_child(deps: Deps, principal: Principal, child_id: str) -> None:
    """NotFound unless the caller is a parent who may read this child now, or staff who may see it."""
    if principal.role is Role.PARENT:
        if child_id not in readable_children(deps, principal, [child_id]):
            raise NotFound(NO_SUCH_CHILD)
        return
    staff_visible_child(deps, principal, child_id)


# -- observations ---------------------------------------------------------------------------------


def visible_observation(deps: Deps, principal: Principal, observation_id: object) -> Observation:
    """The observation if the caller may see it.

    Parents: published, and about at least one child linked to them (links read now).
    Managers: anything in their setting. Practitioners: their own, and published ones about a child
    they may see (only their key children when the setting says so).
    """
    observation = _observation(deps, principal, observation_id)
    if principal.role is Role.PARENT:
        readable = readable_children(deps, principal, observation.child_ids)
        if parent_may_see_observation(observation, readable):
            return observation
        raise NotFound(NO_SUCH_OBSERVATION)
    if staff_sees_without_children(principal, observation):
        return observation
    setting = deps.settings.get(principal.setting_id)
    if setting is None:
        raise NotFound(NO_SUCH_OBSERVATION)
    children = deps.children.get_many(observation.setting_id, observation.child_ids)
    if staff_may_see_observation(principal, observation, children, setting):
        return observation
    raise NotFound(NO_SUCH_OBSERVATION)


def editable_observation(deps: Deps, principal: Principal, observation_id: object) -> Observation:
    """A draft or submitted observation the caller may change: its author or a manager (staff only)."""
    require_staff(principal)  # before the lookup: a parent learns nothing of which ids exist
    observation = visible_observation(deps, principal, observation_id)
    require_may_edit_observation(principal, observation)
    return observation


def observation_losing_photo(deps: Deps, principal: Principal, observation_id: str) -> Observation:
    """An observation the caller may take a photo off: managers any of their setting, a published
    one too (consent withdrawn); other staff only one they may edit."""
    if principal.role is Role.MANAGER:
        return visible_observation(deps, principal, observation_id)
    return editable_observation(deps, principal, observation_id)


def _observation(deps: Deps, principal: Principal, observation_id: object) -> Observation:
    # S23: looked up only in the caller's own setting, so another setting's id is simply unknown.
    key = clean_id(observation_id, message=NO_SUCH_OBSERVATION)
    observation = deps.observations.get(principal.setting_id, key)
    if observation is None:
        raise NotFound(NO_SUCH_OBSERVATION)
    return observation


# -- moments from home ----------------------------------------------------------------------------


def visible_moment(deps: Deps, principal: Principal, child_id: object, moment_id: object) -> Moment:
    """The moment if the caller may see it: the child's linked parents, staff who may see the child."""
    child = clean_id(child_id, message=NO_SUCH_CHILD)
    require_sees_child(deps, principal, child)
    return stored_moment(deps, principal.setting_id, child, moment_id)


def moment_losing_photo(deps: Deps, principal: Principal, child_id: str, moment_id: str) -> Moment:
    """A moment the caller may take a photo off: managers only (consent withdrawn)."""
    moment = visible_moment(deps, principal, child_id, moment_id)
    if principal.role is not Role.MANAGER:
        raise Forbidden("A manager removes photos that families shared.")
    return moment


def stored_moment(deps: Deps, setting_id: str, child_id: str, moment_id: object) -> Moment:
    """The moment as stored now, for a caller already allowed to see the child."""
    moment = deps.moments.get(setting_id, child_id, clean_id(moment_id, message=NO_SUCH_MOMENT))
    if moment is None:
        raise NotFound(NO_SUCH_MOMENT)
    return moment


# -- photos ---------------------------------------------------------------------------------------


def stored_photo(deps: Deps, principal: Principal, photo_id: object) -> Photo:
    """A photo's row in the caller's own setting (S23), before any rule about who may see it."""
    found = deps.photos.get(principal.setting_id, clean_id(photo_id, message=NO_SUCH_PHOTO))
    if found is None:
        raise NotFound(NO_SUCH_PHOTO)
    return found


def visible_photo(deps: Deps, principal: Principal, photo_id: object) -> Photo:
    """A photo the caller may see: still attached to an observation or moment the caller may see.

    A photo of another setting, another family or an unpublished observation is NotFound.
    """
    photo = stored_photo(deps, principal, photo_id)
    moment_of = owning_moment(photo.observation_id)
    try:
        if moment_of is not None:
            moment = visible_moment(deps, principal, *moment_of)
            attached = moment.photo_ids
            if moment.observation_id is not None:  # in the journal now: its entry's rules apply too
                attached = visible_observation(deps, principal, moment.observation_id).photo_ids
        else:
            attached = visible_observation(deps, principal, photo.observation_id).photo_ids
    except NotFound:
        raise NotFound(NO_SUCH_PHOTO) from None
    if photo.photo_id not in attached:
        raise NotFound(NO_SUCH_PHOTO)
    return photo


# -- exports --------------------------------------------------------------------------------------


def exportable_child(deps: Deps, principal: Principal, child_id: object) -> tuple[Child, Setting]:
    """The child if this caller may export their journal now: managers of the setting, and parents
    linked to the child (links read now); other ids are 404. Practitioners may not (403)."""
    if principal.role not in (Role.MANAGER, Role.PARENT):
        raise Forbidden(NOT_FOR_YOUR_ROLE)
    cid = clean_id(child_id, message=NO_SUCH_CHILD)
    child = deps.children.get(principal.setting_id, cid)
    setting = deps.settings.get(principal.setting_id)
    if child is None or setting is None:
        raise NotFound(NO_SUCH_CHILD)
    if principal.role is Role.PARENT and not deps.links.is_linked(
        principal.setting_id, principal.user_id, cid
    ):
        raise NotFound(NO_SUCH_CHILD)
    if not child_exportable(child, setting, deps.clock.now()):
        raise Forbidden(WINDOW_CLOSED)
    return child, setting


def visible_export(deps: Deps, principal: Principal, export_id: object) -> Export:
    """An export not yet expired, to its requester (a parent still linked to the child) or a
    manager of the setting, while the child's export window is open (403 after it closed)."""
    export = deps.exports.get(principal.setting_id, clean_id(export_id, message=NO_SUCH_EXPORT))
    if export is None or export.expired(deps.clock.now()):
        raise NotFound(NO_SUCH_EXPORT)
    if principal.role is not Role.MANAGER:
        if export.requested_by != principal.user_id or principal.role is not Role.PARENT:
            raise NotFound(NO_SUCH_EXPORT)
        if not deps.links.is_linked(principal.setting_id, principal.user_id, export.child_id):
            raise NotFound(NO_SUCH_EXPORT)  # unlinked since: effective on the next request
    # The export window is the rule for every download, not only for the request: an export made
    # inside it gives no links once it has closed, even before the nightly purge removes the files.
    child = deps.children.get(principal.setting_id, export.child_id)
    setting = deps.settings.get(principal.setting_id)
    if child is None or setting is None:
        raise NotFound(NO_SUCH_EXPORT)
    if not child_exportable(child, setting, deps.clock.now()):
        raise Forbidden(WINDOW_CLOSED)
    return export


# -- EYFS profiles --------------------------------------------------------------------------------


def profile_child(deps: Deps, principal: Principal, child_id: object) -> Child:
    """The child whose EYFS profile the caller may read: staff who may see the child, or a parent
    linked to them now (the service then shows a parent only a final, shared profile). Others 404."""
    cid = clean_id(child_id, message=NO_SUCH_CHILD)
    if principal.role is Role.PARENT:
        if cid not in readable_children(deps, principal, [cid]):
            raise NotFound(NO_SUCH_CHILD)
        child = deps.children.get(principal.setting_id, cid)
        if child is None:
            raise NotFound(NO_SUCH_CHILD)
        return child
    return staff_visible_child(deps, principal, cid)
