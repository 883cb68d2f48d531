"""Who may do what (S24). Pure rules: callers pass what they read from storage this request.

Anything the caller may not see is answered exactly like something that does not exist, so the
not-found messages live here with the rules that produce them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from shared.domain.children import Child, ChildStatus
from shared.domain.errors import Forbidden
from shared.domain.observations import Observation, ObservationStatus
from shared.domain.people import Principal, Role
from shared.domain.settings import Setting

NOT_FOR_YOUR_ROLE = "Your account cannot do that."
NO_SUCH_CHILD = "We could not find that child."
NO_SUCH_OBSERVATION = "We could not find that observation."
NO_SUCH_MOMENT = "We could not find that moment."
NO_SUCH_PHOTO = "We could not find that photo."
NO_SUCH_EXPORT = "We could not find that export."
NOT_EDITABLE = "A published observation cannot be changed."
EDITABLE = (ObservationStatus.DRAFT, ObservationStatus.SUBMITTED)
WAITING_FOR_APPROVAL = (
    "This observation is waiting for a manager's approval. A manager can return it to you for changes."
)


def require_manager(principal: Principal) -> None:
    if principal.role is not Role.MANAGER:
        raise Forbidden(NOT_FOR_YOUR_ROLE)


def require_staff(principal: Principal) -> None:
    if not principal.role.is_staff:
        raise Forbidden(NOT_FOR_YOUR_ROLE)


def staff_may_see_child(principal: Principal, child: Child, setting: Setting) -> bool:
    """Managers see every child of their setting, archived ones too. Practitioners see active
    children, and only those they are key person for when the setting says so."""
    if principal.role is Role.MANAGER:
        return child.setting_id == principal.setting_id
    if principal.role is not Role.PRACTITIONER or child.setting_id != principal.setting_id:
        return False
    if child.status is not ChildStatus.ACTIVE:
        return False
    return not setting.key_children_only or child.key_person_id == principal.user_id


def parent_may_see_observation(observation: Observation, readable_child_ids: Collection[str]) -> bool:
    """Parents see published observations about at least one child they may read now."""
    return observation.status is ObservationStatus.PUBLISHED and any(
        c in readable_child_ids for c in observation.child_ids
    )


def staff_sees_without_children(principal: Principal, observation: Observation) -> bool:
    """Managers see anything in their setting, and authors their own: no child need be read."""
    return principal.role is Role.MANAGER or observation.author_id == principal.user_id


def staff_may_see_observation(
    principal: Principal, observation: Observation, children: Iterable[Child], setting: Setting
) -> bool:
    """Other staff see a published observation about a child they may see."""
    if staff_sees_without_children(principal, observation):
        return True
    return observation.status is ObservationStatus.PUBLISHED and any(
        staff_may_see_child(principal, c, setting) for c in children
    )


def require_may_edit_observation(principal: Principal, observation: Observation) -> None:
    """Forbidden unless the caller is a manager and the observation is a draft or submitted, or its
    author and it is a draft (staff only). The caller has already been allowed to see it."""
    require_staff(principal)
    if observation.status not in EDITABLE:
        raise Forbidden(NOT_EDITABLE)
    if principal.role is Role.MANAGER:
        return
    if observation.author_id != principal.user_id:
        raise Forbidden("Only the author or a manager can change this observation.")
    # What a manager approves must be what they read: once submitted, the author waits until a
    # manager publishes it or returns it for changes.
    if observation.status is ObservationStatus.SUBMITTED:
        raise Forbidden(WAITING_FOR_APPROVAL)
