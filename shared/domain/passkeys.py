"""Passkeys (WebAuthn credentials) as the journal keeps them, and the pure rules about them (S31).

Only public material is kept: the credential id, its COSE public key and its signature counter.
A passkey is named by its owner, and remembers when it was last used.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.domain.errors import InvalidInput

# S31: a ceremony's challenge lives 5 minutes.
CHALLENGE_SECONDS = 5 * 60
# S35: a passkey or password verification counts as fresh for 5 minutes.
FRESH_SECONDS = 5 * 60
# Enough for a phone, a laptop and a security key or two; a bound keeps a user's list one page.
MAX_PASSKEYS = 10
NAME_MAX = 60
# Credential ids are at most 1023 bytes (WebAuthn Level 3, 5.1); anything longer is not one.
MAX_CREDENTIAL_ID_BYTES = 1023


def credential_digest(credential_id: bytes) -> str:
    """What keys a passkey's row: the SHA-256 of its credential id, so any id fits a table key."""
    return hashlib.sha256(credential_id).hexdigest()


def user_handle(setting_id: str, user_id: str) -> bytes:
    """The WebAuthn user handle of an account: its setting and user ids, both opaque server ids.

    An authenticator hands it back with every discoverable assertion, so a passkey sign-in knows
    which setting's partition to read before anyone types anything. A forged handle only sends the
    lookup to a partition that holds no row for the credential. A slug (at most 40 characters,
    never changed) and a user id (21) fit WebAuthn's 64-byte limit.
    """
    return f"{setting_id}~{user_id}".encode()


def read_user_handle(handle: bytes) -> tuple[str, str] | None:
    """The (setting, user) a user handle names, or None when it is not one of ours."""
    try:
        text = handle.decode("ascii")
    except UnicodeDecodeError:
        return None
    setting_id, sep, user_id = text.partition("~")
    if not sep or not setting_id or not user_id or "~" in user_id or len(text) > 64:
        return None
    return setting_id, user_id


def clean_passkey_name(name: object, fallback: str) -> str:
    """A passkey's name as its owner typed it, trimmed; empty means the device's own description."""
    if name is None or name == "":
        return fallback[:NAME_MAX]
    if not isinstance(name, str):
        raise InvalidInput("Give the passkey a name.", field="name")
    cleaned = " ".join(name.split())
    if not cleaned:
        return fallback[:NAME_MAX]
    if len(cleaned) > NAME_MAX or any(ord(c) < 32 for c in cleaned):
        raise InvalidInput(f"A passkey name is at most {NAME_MAX} characters.", field="name")
    return cleaned


@dataclass(repr=False)
class Passkey:
    """One registered credential of one account."""

    setting_id: str
    user_id: str
    credential_id: bytes
    public_key: bytes
    sign_count: int
    name: str
    created_at: datetime
    last_used_at: datetime | None = None
    transports: list[str] = field(default_factory=list)
    # Digests of the challenges this credential has answered, each with when it expires anyway:
    # an assertion replayed with its challenge finds it here (S31: single use).
    spent: dict[str, datetime] = field(default_factory=dict)
    etag: str | None = None

    @property
    def digest(self) -> str:
        return credential_digest(self.credential_id)

    @property
    def public_id(self) -> str:
        """What the owner's screen names the passkey by (a digest of public data: no secret)."""
        return self.digest[:32]

    def has_spent(self, challenge_digest: str) -> bool:
        return challenge_digest in self.spent

    def spend(self, challenge_digest: str, now: datetime) -> None:
        """Record an answered challenge, forgetting those that have expired on their own."""
        self.spent = {d: until for d, until in self.spent.items() if until > now}
        self.spent[challenge_digest] = now + timedelta(seconds=CHALLENGE_SECONDS)


def counter_regressed(stored: int, reported: int) -> bool:
    """True when an authenticator's signature counter did not move forward (a cloned key).

    Authenticators that keep no counter report 0 every time (WebAuthn Level 3, 6.1.1); only a
    counter that was once above zero and now fails to grow is a sign of a clone.
    """
    return (stored > 0 or reported > 0) and reported <= stored
