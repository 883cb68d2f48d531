"""Peppered Argon2id for passwords and PINs (S5, S6, S7, S9).

A secret is NFKC-normalised, HMAC-SHA256'd with the current pepper (a key held outside Table
Storage), and the base64 of that MAC is hashed with argon2-cffi's Argon2id. Without the pepper a
stolen table cannot be attacked with plain Argon2 guesses.

Record format, as stored:

    {pepper_version}${argon2id encoded hash}
    e.g.  local-1$$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>

The separator is the first "$". Pepper versions may not contain "$" (checked at construction),
and the encoded hash always starts with "$argon2id$", so a record splits exactly one way.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
import threading
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from argon2 import Parameters, PasswordHasher, Type, extract_parameters, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from shared.security.randomness import new_secret

SEPARATOR: Final = "$"
ARGON2ID_PREFIX: Final = "$argon2id$"

# S6: the pepper is an HMAC key, held to the same 256-bit floor as the JWT keys (config.MIN_KEY_BYTES).
MIN_PEPPER_BYTES: Final = 32
PEPPER_VERSION = re.compile(r"[A-Za-z0-9._-]{1,64}")

# S5 / OWASP Password Storage: never below m=19456 KiB, t=2, p=1.
FLOOR = {"memory_cost": 19456, "time_cost": 2, "parallelism": 1}

PROFILES: Mapping[str, Parameters] = MappingProxyType(
    {
        # RFC 9106 section 4, second recommended option: m=64 MiB, t=3, p=4.
        "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,
        "owasp-minimum": Parameters(
            type=Type.ID,
            version=19,
            salt_len=16,
            hash_len=32,
            time_cost=2,
            memory_cost=19456,
            parallelism=1,
        ),
        # Cheap enough for unit tests; config.load_config refuses it outside local development.
        "test": Parameters(
            type=Type.ID,
            version=19,
            salt_len=16,
            hash_len=32,
            time_cost=1,
            memory_cost=8,
            parallelism=1,
        ),
    }
)
CHEAP_PROFILES = frozenset({"test"})


class SecretHasher:
    """Hashes and checks passwords and PINs; one instance per process, safe to share between threads."""

    def __init__(self, peppers: Mapping[str, bytes], current_pepper: str, profile: str) -> None:
        if not peppers:
            raise ValueError("at least one pepper is required")
        for version, pepper in peppers.items():
            if not PEPPER_VERSION.fullmatch(version):
                raise ValueError(f"pepper version {version!r} must match {PEPPER_VERSION.pattern}")
            if len(pepper) < MIN_PEPPER_BYTES:
                raise ValueError(f"pepper {version!r} is shorter than {MIN_PEPPER_BYTES * 8} bits")
        if current_pepper not in peppers:
            raise ValueError("the current pepper version names no pepper")
        if profile not in PROFILES:
            raise ValueError(f"unknown Argon2 profile {profile!r}")
        parameters = PROFILES[profile]
        if parameters.type is not Type.ID:
            raise ValueError("only Argon2id is allowed (S5)")
        if profile not in CHEAP_PROFILES and _below_floor(parameters):
            raise ValueError(f"Argon2 profile {profile!r} is below m=19456, t=2, p=1 (S5)")
        self._peppers = dict(peppers)
        self._current_pepper = current_pepper
        self._profile = profile
        self._hasher = PasswordHasher.from_parameters(parameters)
        self._dummy_record: str | None = None
        self._dummy_lock = threading.Lock()

    @property
    def profile(self) -> str:
        return self._profile

    def parameters(self) -> dict[str, int]:
        """The Argon2 cost of a new hash: memory in KiB (m), iterations (t), lanes (p)."""
        return {
            "m": self._hasher.memory_cost,
            "t": self._hasher.time_cost,
            "p": self._hasher.parallelism,
        }

    def hash(self, secret: str) -> str:
        """A new record for `secret` under the current pepper and parameters."""
        peppered = self._pepper(self._peppers[self._current_pepper], secret)
        return f"{self._current_pepper}{SEPARATOR}{self._hasher.hash(peppered)}"

    def verify(self, record: str, secret: str) -> bool:
        """True only if `secret` matches `record`; any failure (mismatch, bad record) is False."""
        parsed = _split(record)
        pepper = None if parsed is None else self._peppers.get(parsed[0])
        if parsed is None or pepper is None:
            # An unknown pepper version or a damaged record must not answer faster than a wrong
            # password would, or the timing would single out those accounts (S9).
            self.verify_dummy(secret)
            return False
        try:
            return self._hasher.verify(parsed[1], self._pepper(pepper, secret))
        except (VerificationError, InvalidHashError, UnicodeEncodeError):
            return False

    def needs_rehash(self, record: str) -> bool:
        """True when the record's pepper version or Argon2 parameters are not the current ones (S7)."""
        parsed = _split(record)
        if parsed is None or parsed[0] != self._current_pepper:
            return True
        try:
            return self._hasher.check_needs_rehash(parsed[1])
        except InvalidHashError:
            return True

    def verify_dummy(self, secret: str) -> None:
        """Spend one full Argon2 verify, as for a real account, so unknown emails take as long (S9)."""
        with contextlib.suppress(VerificationError, InvalidHashError, UnicodeEncodeError):
            self._hasher.verify(self._dummy(), self._pepper(self._peppers[self._current_pepper], secret))

    def _dummy(self) -> str:
        if self._dummy_record is None:
            with self._dummy_lock:
                if self._dummy_record is None:
                    self._dummy_record = self._hasher.hash(new_secret())
        return self._dummy_record

    @staticmethod
    def _pepper(pepper: bytes, secret: str) -> str:
        # NFKC only (S1): no case folding or trimming, so the secret is otherwise checked as typed.
        # A lone surrogate cannot be encoded and raises UnicodeEncodeError (a ValueError).
        normalised = unicodedata.normalize("NFKC", secret).encode("utf-8")
        mac = hmac.new(pepper, normalised, hashlib.sha256).digest()
        return base64.b64encode(mac).decode("ascii")


def _split(record: str) -> tuple[str, str] | None:
    """(pepper version, encoded Argon2id hash), or None if the record is not in our format."""
    version, separator, encoded = record.partition(SEPARATOR)
    if not separator or not PEPPER_VERSION.fullmatch(version) or not encoded.startswith(ARGON2ID_PREFIX):
        return None
    try:
        extract_parameters(encoded)
    except InvalidHashError:
        return None
    return version, encoded


def _below_floor(parameters: Parameters) -> bool:
    return any(getattr(parameters, name) < minimum for name, minimum in FLOOR.items())
