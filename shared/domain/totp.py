"""Authenticator-app codes (RFC 6238 via pyotp): 6 digits, 30-second steps, one step of drift (S32).

A code is matched to the step it belongs to, so the caller can refuse any step not newer than the
last one accepted: a code (or an older one) is then accepted once only, even within its window.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
from datetime import datetime
from urllib.parse import quote

import pyotp

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # S32: one step either way
SECRET_BYTES = 20  # RFC 4226 recommends 160 bits, the HMAC-SHA1 block size the apps expect
ISSUER = "Learning Journal"
_CODE = re.compile(r"\d{6}")


def new_secret() -> str:
    """A fresh base32 secret of 160 bits from `secrets`."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def step_at(at: datetime) -> int:
    return int(at.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    """The code of one step (tests and the demo compute codes with this or with pyotp)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The step within one step of `at` whose code this is, or None. Compared in constant time."""
    cleaned = normalise_code(code)
    if cleaned is None:
        return None
    now = step_at(at)
    found = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, step), cleaned):
            found = step  # no early exit: every candidate is computed
    return found


def normalise_code(code: object) -> str | None:
    """Six digits as typed, allowing spaces a user copies from the app ("123 456")."""
    if not isinstance(code, str) or len(code) > 16:
        return None
    cleaned = code.replace(" ", "").replace("-", "")
    return cleaned if _CODE.fullmatch(cleaned) else None


def provisioning_uri(secret: str, account_label: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an app reads from the QR code (Google's Key Uri Format)."""
    label = quote(f"{issuer}:{account_label}", safe="")
    return (
        f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer, safe='')}"
        f"&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )
