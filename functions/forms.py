"""Request input read into typed values at the edge: the one place that knows a body's JSON keys
and the headers a use case needs. Services take what these return, and check the values
themselves (lengths, dates, who may do it), so a caller's role is still refused before a value.

A value of the wrong JSON type, or a key a request does not take, is a 400 in the one error shape,
naming the key as the field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import azure.functions as func

from shared.domain.errors import InvalidInput


def expected_version(req: func.HttpRequest) -> str | None:
    """The ETag the caller read, from If-Match; None when the request names no version."""
    raw = req.headers.get("If-Match")
    return raw.strip() if raw else None


class Body:
    """A JSON object's fields, each read by its key into a typed value."""

    def __init__(self, fields: Mapping[str, Any], *, known: Collection[str] | None = None,
                 unknown: str = "{} is not a field here.") -> None:  # fmt: skip
        if known is not None:
            extra = sorted(set(fields) - set(known))
            if extra:
                raise InvalidInput(unknown.format(extra[0]), field=extra[0])
        self._fields = fields

    def has(self, key: str) -> bool:
        return key in self._fields

    def text(self, key: str) -> str | None:
        """Text, or None when the key is missing or null."""
        value = self._fields.get(key)
        if value is None or isinstance(value, str):
            return value
        raise InvalidInput("Send this as text.", field=key)

    def texts(self, key: str) -> list[str] | None:
        """A list of texts, or None when the key is missing or null."""
        value = self._fields.get(key)
        if value is None:
            return None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        raise InvalidInput("Send this as a list of texts.", field=key)

    def changed_text(self, key: str) -> str | None:
        """For a change: None when the key is missing (unchanged); null is the empty text."""
        return (self.text(key) or "") if key in self._fields else None

    def changed_texts(self, key: str) -> list[str] | None:
        """For a change: None when the key is missing (unchanged); null is the empty list."""
        return (self.texts(key) or []) if key in self._fields else None

    def changed_flag(self, key: str) -> bool | None:
        """For a change: None when the key is missing (unchanged); anything but true or false is a 400."""
        if key not in self._fields:
            return None
        value = self._fields[key]
        if not isinstance(value, bool):
            raise InvalidInput("Send this as true or false.", field=key)
        return value

    def flag(self, key: str) -> bool | None:
        """true or false, or None when the key is missing or null."""
        value = self._fields.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise InvalidInput("Send this as true or false.", field=key)

    def number(self, key: str) -> int | None:
        """A whole number, or None when the key is missing or null."""
        value = self._fields.get(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise InvalidInput("Send this as a whole number.", field=key)
