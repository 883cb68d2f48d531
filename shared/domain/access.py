"""Who may do what (S24). Pure rules: callers pass what they read from storage this request."""

from __future__ import annotations

from shared.domain.errors import Forbidden
from shared.domain.people import Principal, Role

NOT_FOR_YOUR_ROLE = "Your account cannot do that."


def require_manager(principal: Principal) -> None:
    if principal.role is not Role.MANAGER:
        raise Forbidden(NOT_FOR_YOUR_ROLE)


def require_staff(principal: Principal) -> None:
    if not principal.role.is_staff:
        raise Forbidden(NOT_FOR_YOUR_ROLE)
