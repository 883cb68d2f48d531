"""People's and children's display names, as every form takes them."""

from __future__ import annotations

from shared.domain.errors import InvalidInput

MAX_NAME = 100


def clean_name(raw: object, *, field_name: str = "name") -> str:
    """A person's display name: required, trimmed, at most 100 characters, no control characters."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput("Enter a name.", field=field_name)
    name = " ".join(raw.split())
    if len(name) > MAX_NAME:
        raise InvalidInput(f"A name can be at most {MAX_NAME} characters.", field=field_name)
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InvalidInput("A name cannot contain control characters.", field=field_name)
    return name
