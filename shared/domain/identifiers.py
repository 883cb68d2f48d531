"""Ids that arrive in a URL, checked for shape before they reach a table key (S23, S25).

Table keys refuse / \\ # ? and control characters, and our own keys use "~" as a separator, so an
id is a short run of letters, digits, "-" or "_". A malformed id is simply not found: the caller
learns nothing about which ids exist (S24).
"""

from __future__ import annotations

import re
import secrets
from typing import TypeGuard

from shared.domain.errors import NotFound

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def clean_id(raw: object, *, what: str = "That record", message: str | None = None) -> str:
    """An id safe to use in a table key; NotFound (`message`, or "`what` was not found.") when it
    cannot be one, the same answer as for a well-formed id that names nothing."""
    if not isinstance(raw, str) or not _ID.fullmatch(raw):
        raise NotFound(message or f"{what} was not found.")
    return raw


def is_id(raw: object) -> TypeGuard[str]:
    return isinstance(raw, str) and _ID.fullmatch(raw) is not None


def new_child_id() -> str:
    return "c" + secrets.token_hex(10)
