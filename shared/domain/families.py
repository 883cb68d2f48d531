"""Rules about parents and the people a manager administers."""

from __future__ import annotations

from shared.domain.errors import InvalidInput
from shared.domain.people import Role


def clean_staff_role(raw: object) -> Role:
    """A staff role chosen by a manager: parents are invited through the parents' routes."""
    if raw in (Role.MANAGER.value, Role.PRACTITIONER.value):
        return Role(str(raw))
    raise InvalidInput("Choose a role: manager or practitioner.", field="role")


def mask_email(address: str) -> str:
    """An address shown to someone who may not own it: enough to recognise, not enough to use.

    "jane.doe@example.com" becomes "j***@e***.com".
    """
    local, _, domain = address.partition("@")
    host, dot, tld = domain.rpartition(".")
    if not dot:
        host, tld = domain, ""
    return f"{local[:1]}***@{host[:1]}***{dot}{tld}"
