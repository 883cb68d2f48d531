"""Encryption at rest for secrets the server must read back (authenticator-app secrets, S32).

AES-256-GCM from the `cryptography` package (an AEAD: a changed ciphertext fails to open instead
of decrypting to garbage). The key ring is held outside Table Storage (Key Vault in Azure, a
generated file under var/ locally) and each sealed value names its key version, so keys rotate:
new values use the current key, old ones open with the key they name.

Sealed format, as stored:

    {key version}${base64url(12-byte nonce + ciphertext + tag)}

The associated data binds a sealed value to its owner (setting, account and purpose), so a
ciphertext copied to another account's row does not open there.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES: Final = 32  # AES-256
NONCE_BYTES: Final = 12  # NIST SP 800-38D: 96-bit random nonces
KEY_VERSION = re.compile(r"[A-Za-z0-9._-]{1,64}")
SEPARATOR: Final = "$"


class SealBroken(Exception):
    """A sealed value did not open: unknown key version, changed bytes or another owner's value."""


class Sealer:
    """Seals and opens small secrets; one instance per process, safe to share between threads."""

    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if current not in keys:
            raise ValueError("the current sealing key names no key")
        for version, key in keys.items():
            if not KEY_VERSION.fullmatch(version):
                raise ValueError(f"sealing key version {version!r} must match {KEY_VERSION.pattern}")
            if len(key) < KEY_BYTES:
                raise ValueError(f"sealing key {version!r} is shorter than 256 bits")
        # The first 32 bytes: AES-256 takes exactly that many; the ring's keys may be longer.
        self._keys = {version: AESGCM(key[:KEY_BYTES]) for version, key in keys.items()}
        self._current = current

    @property
    def current(self) -> str:
        return self._current

    def seal(self, plaintext: bytes, owner: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self._current].encrypt(nonce, plaintext, owner.encode("utf-8"))
        return self._current + SEPARATOR + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, sealed: str, owner: str) -> bytes:
        version, sep, body = sealed.partition(SEPARATOR)
        aead = self._keys.get(version)
        if not sep or aead is None:
            raise SealBroken("unknown sealing key version")
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
            return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], owner.encode("utf-8"))
        except (InvalidTag, ValueError):
            raise SealBroken("the sealed value does not open") from None

    def needs_reseal(self, sealed: str) -> bool:
        """Whether this value was sealed with an older key (re-seal it on the next write)."""
        return not sealed.startswith(self._current + SEPARATOR)
