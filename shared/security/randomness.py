"""Random secrets for links and sessions, and the digests that are stored in their place (S8, S16).

A raw secret goes to the user (in a link or a cookie) and nowhere else; storage and logs only ever
hold `digest(secret)`, so a leaked table does not hand out working links or sessions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# S8 and S16: at least 128 bits from `secrets`.
MIN_SECRET_BYTES = 16


def new_secret(nbytes: int = 32) -> str:
    """A URL-safe random secret of `nbytes` bytes from `secrets`; refuses fewer than 128 bits."""
    if nbytes < MIN_SECRET_BYTES:
        raise ValueError(f"a secret needs at least {MIN_SECRET_BYTES} random bytes (128 bits)")
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    """The SHA-256 of the secret's UTF-8 bytes, as 64 lowercase hex characters: what storage holds."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same_digest(a: str, b: str) -> bool:
    """Compare two digests in constant time, so a lookup does not leak how many characters matched."""
    # Bytes rather than str: hmac.compare_digest raises TypeError on non-ASCII text.
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
