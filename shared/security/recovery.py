"""Recovery codes (S33): random, shown once, stored only as peppered hashes.

Each code has 12 characters from `secrets` in a 31-letter alphabet without look-alikes: 59 bits,
above S33's 50. A keyed hash (HMAC-SHA256 under the pepper ring, which lives outside Table
Storage) is enough here where passwords need Argon2: a code is random, not chosen by a person,
so there is no dictionary to try, and without the pepper a stolen table gives nothing to test
guesses against. It also keeps checking 10 stored codes cheap.

Stored format: {pepper version}${hex HMAC}.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from typing import Final

# No i, l, o, 0 or 1: nothing that reads as another character.
ALPHABET: Final = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS: Final = 3
GROUP_LENGTH: Final = 4
SEPARATOR: Final = "$"
_PURPOSE: Final = b"recovery-code"


def new_code() -> str:
    """One code, grouped for reading aloud: "k7qm-3xrp-vd9a"."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def normalise(code: object) -> str | None:
    """A code as typed (any case, with or without hyphens and spaces), or None if it cannot be one."""
    if not isinstance(code, str) or len(code) > 64:
        return None
    cleaned = "".join(c for c in code.lower() if c not in " -")
    if len(cleaned) != GROUPS * GROUP_LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


class RecoveryHasher:
    """Hashes recovery codes with the current pepper and checks them against any version."""

    def __init__(self, peppers: Mapping[str, bytes], current: str) -> None:
        if current not in peppers:
            raise ValueError("the current pepper names no pepper")
        # A key of its own, derived from each pepper, so these MACs never equal a password's.
        self._keys = {v: hmac.new(p, _PURPOSE, "sha256").digest() for v, p in peppers.items()}
        self._current = current

    def hash(self, code: str) -> str:
        cleaned = normalise(code)
        if cleaned is None:
            raise ValueError("not a recovery code")
        return self._current + SEPARATOR + self._mac(self._current, cleaned)

    def match(self, stored: list[str], code: object) -> str | None:
        """The stored hash this code matches, or None; every stored hash is compared."""
        cleaned = normalise(code)
        found = None
        for entry in stored:
            version, _, mac = entry.partition(SEPARATOR)
            if cleaned is None or version not in self._keys:
                continue
            if hmac.compare_digest(self._mac(version, cleaned), mac):
                found = entry
        return found

    def _mac(self, version: str, cleaned: str) -> str:
        return hmac.new(self._keys[version], cleaned.encode("ascii"), "sha256").hexdigest()
