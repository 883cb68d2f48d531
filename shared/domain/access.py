"""Who may do what (S24). Pure rules: callers pass what they read from storage this request."""

from __future__ import annotations

from shared.domain.children import Child, ChildStatus
from shared.domain.errors import Forbidden
from shared.domain.people import Principal, Role
from shared.domain.settings import Setting

NOT_FOR_YOUR_ROLE = "Your account cannot do that."


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
