"""Signed tokens for sessions, PIN challenges, device cookies, reset and activation links (S21, S22).

HS256 only, with keys of at least 256 bits picked by key id from an allow-list so they can rotate.
Every kind of token has its own `typ` claim and its own audience, and `read` accepts only the kind
it is asked for, so a PIN challenge or a reset token never works as a session.

Time is checked here against the injected clock (PyJWT would read the system clock), with the
same 30 s leeway for exp, iat and nbf.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final

import jwt

from shared.clock import Clock
from shared.domain.errors import Unauthenticated
from shared.security.randomness import new_secret

ALGORITHM: Final = "HS256"
# RFC 7518 3.2 and S21: HMAC keys of at least 256 bits.
MIN_KEY_BYTES: Final = 32
# S21: at most 30 s.
LEEWAY_SECONDS: Final = 30
# Tokens travel in cookies, headers and links; anything longer is not ours and is not parsed.
MAX_TOKEN_CHARS: Final = 4096
# The only header parameters we ever write. Anything else (jwk, jku, x5u, x5c, crit, b64, ...)
# asks the verifier to trust something from the token itself, so it is refused outright.
ALLOWED_HEADER: Final = frozenset({"alg", "kid", "typ"})
# 9999-12-31T23:59:59Z: datetime cannot represent anything later.
MAX_NUMERIC_DATE: Final = 253402300799
RESERVED_CLAIMS: Final = frozenset({"iss", "aud", "sub", "typ", "iat", "exp", "nbf", "jti", "stg"})
REQUIRED_CLAIMS: Final = ("exp", "iat", "iss", "aud", "sub", "typ", "stg", "jti")
# One answer for every failure: the caller learns nothing about which check refused the token.
GENERIC_MESSAGE: Final = "The sign-in or link is not valid. Please start again."


class TokenKind(enum.Enum):
    """What a token is for; each kind has its own typ claim and audience."""

    SESSION = "session"
    PIN_CHALLENGE = "pin-challenge"
    RESET = "reset"
    ACTIVATION = "activation"
    # S10: a browser that completed sign-in; names the account and a random device id.
    DEVICE = "device"
    EMAIL_CONFIRM = "email-confirm"
    EMAIL_OBJECT = "email-object"
    # S40: a notification mail's one-click unsubscribe; names one event kind and the epoch of
    # the person's preferences, so it changes only that choice, and only once.
    UNSUBSCRIBE = "unsubscribe"
    # S32, S34: the step after a right PIN, for an account with an authenticator (a code) or
    # one that must enrol first; like a PIN challenge it names the account's challenge epoch.
    CODE_CHALLENGE = "code-challenge"
    ENROL_CHALLENGE = "enrol-challenge"
    # S31: a WebAuthn ceremony's challenge, held by the browser that asked for it (never stored).
    PASSKEY_CHALLENGE = "passkey-challenge"
    # S36: the "this wasn't me" link of a new-device notice; it can only sign out everywhere.
    NOT_ME = "not-me"

    @property
    def typ(self) -> str:
        return self.value

    @property
    def audience(self) -> str:
        return f"journal:{self.value}"

    @property
    def required_extra(self) -> tuple[str, ...]:
        """Claims beyond the common ones that this kind must carry (S21: sid for sessions; a PIN
        challenge names the account's challenge epoch it was issued in, S11)."""
        return _EXTRA_CLAIMS.get(self, ())


_EXTRA_CLAIMS = {
    TokenKind.SESSION: ("sid",),
    TokenKind.PIN_CHALLENGE: ("epoch",),
    TokenKind.DEVICE: ("dev",),
    TokenKind.UNSUBSCRIBE: ("epoch",),  # and the kind it turns off, checked by its reader
    TokenKind.CODE_CHALLENGE: ("epoch",),
    TokenKind.ENROL_CHALLENGE: ("epoch",),
    TokenKind.PASSKEY_CHALLENGE: ("purpose", "ch"),
}


@dataclass(frozen=True, repr=False)
class Claims:
    """The verified content of a token."""

    subject: str
    setting: str
    jti: str
    issued_at: datetime
    expires_at: datetime
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


class _Refused(Exception):
    """A check of ours failed; turned into Unauthenticated at the edge of `read`."""


class TokenService:
    """Issues and reads HS256 tokens with a rotating key ring and an injected clock."""

    def __init__(self, keys: Mapping[str, bytes], current_kid: str, issuer: str, clock: Clock) -> None:
        if not keys:
            raise ValueError("at least one signing key is required")
        for kid, key in keys.items():
            if not kid:
                raise ValueError("key ids must not be empty")
            if len(key) < MIN_KEY_BYTES:
                raise ValueError(f"key {kid!r} is shorter than {MIN_KEY_BYTES * 8} bits (S21)")
        if current_kid not in keys:
            raise ValueError("the current key id names no key")
        if not issuer:
            raise ValueError("an issuer is required")
        self._keys = dict(keys)
        self._current_kid = current_kid
        self._issuer = issuer
        self._clock = clock

    def issue(
        self,
        kind: TokenKind,
        *,
        subject: str,
        setting: str,
        lifetime_seconds: int,
        claims: Mapping[str, str] | None = None,
    ) -> str:
        """A token of `kind` for `subject` in `setting`, valid for `lifetime_seconds` from now."""
        extra = dict(claims or {})
        clash = RESERVED_CLAIMS.intersection(extra)
        if clash:
            raise ValueError(f"reserved claims cannot be set: {sorted(clash)}")
        if not all(isinstance(value, str) for value in extra.values()):
            raise ValueError("extra claims must be strings")
        missing = [name for name in kind.required_extra if not extra.get(name)]
        if missing:
            raise ValueError(f"a {kind.value} token needs {missing}")
        if not subject or not setting:
            raise ValueError("subject and setting are required")
        if lifetime_seconds <= 0:
            raise ValueError("lifetime_seconds must be positive")
        issued_at = int(self._clock.now().timestamp())
        payload: dict[str, Any] = {
            **extra,
            "iss": self._issuer,
            "aud": kind.audience,
            "sub": subject,
            "typ": kind.typ,
            "stg": setting,
            "iat": issued_at,
            "exp": issued_at + lifetime_seconds,
            "jti": new_secret(16),
        }
        return jwt.encode(
            payload,
            self._keys[self._current_kid],
            algorithm=ALGORITHM,
            headers={"kid": self._current_kid, "typ": "JWT"},
        )

    def read(self, token: str, kind: TokenKind) -> Claims:
        """The claims of a valid, unexpired token of exactly this kind; Unauthenticated otherwise."""
        try:
            return self._read(token, kind)
        except (_Refused, jwt.PyJWTError):
            raise Unauthenticated(GENERIC_MESSAGE) from None

    def _read(self, token: str, kind: TokenKind) -> Claims:
        if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
            raise _Refused
        # The unverified header is used for one thing only: choosing a key from our own ring.
        # The algorithm is fixed below and no key material is ever taken from the token.
        header = jwt.get_unverified_header(token)
        if not ALLOWED_HEADER.issuperset(header) or header.get("alg") != ALGORITHM:
            raise _Refused
        if header.get("typ", "JWT") != "JWT":
            raise _Refused
        kid = header.get("kid")
        if not isinstance(kid, str) or kid not in self._keys:
            raise _Refused
        payload = jwt.decode(
            token,
            self._keys[kid],
            algorithms=[ALGORITHM],
            audience=kind.audience,
            issuer=self._issuer,
            options={
                "require": [*REQUIRED_CLAIMS, *kind.required_extra],
                "verify_signature": True,
                "verify_aud": True,
                "strict_aud": True,
                "verify_iss": True,
                "verify_sub": True,
                "verify_jti": True,
                # Time is checked below against the injected clock, not the system clock.
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "enforce_minimum_key_length": True,
            },
        )
        return self._check(payload, kind)

    def _check(self, payload: dict[str, Any], kind: TokenKind) -> Claims:
        # Belt and braces over PyJWT: exact matches, so an issuer prefix (CVE-2024-53861) or an
        # audience list can never slip through, whatever the library version.
        if payload.get("iss") != self._issuer or payload.get("aud") != kind.audience:
            raise _Refused
        if payload.get("typ") != kind.typ:
            raise _Refused
        strings = ("sub", "stg", "jti", *kind.required_extra)
        if not all(isinstance(payload.get(name), str) and payload[name] for name in strings):
            raise _Refused
        extra = {name: value for name, value in payload.items() if name not in RESERVED_CLAIMS}
        if not all(isinstance(value, str) for value in extra.values()):
            raise _Refused

        now = self._clock.now().timestamp()
        issued_at, expires_at = _seconds(payload["iat"]), _seconds(payload["exp"])
        if expires_at <= issued_at:
            raise _Refused
        if now >= expires_at + LEEWAY_SECONDS:
            raise _Refused
        if issued_at > now + LEEWAY_SECONDS:
            raise _Refused
        if "nbf" in payload and _seconds(payload["nbf"]) > now + LEEWAY_SECONDS:
            raise _Refused

        return Claims(
            subject=payload["sub"],
            setting=payload["stg"],
            jti=payload["jti"],
            issued_at=datetime.fromtimestamp(issued_at, UTC),
            expires_at=datetime.fromtimestamp(expires_at, UTC),
            extra=MappingProxyType(extra),
        )


def _seconds(value: object) -> int:
    """A NumericDate as whole seconds between 1970 and 9999; bools, floats and strings are refused."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NUMERIC_DATE:
        raise _Refused
    return value
