"""Sealing authenticator secrets (S32), recovery-code hashing (S33) and TOTP steps, as pure code."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from shared.domain import totp
from shared.security import recovery
from shared.security.sealing import SealBroken, Sealer

KEY_1, KEY_2 = bytes(range(32)), bytes(range(1, 33))


def test_s32_a_sealed_secret_opens_only_for_its_owner_and_with_its_key_version() -> None:
    old = Sealer({"k-1": KEY_1}, "k-1")
    sealed = old.seal(b"JBSWY3DPEHPK3PXP", "acorns/u1/authenticator")
    assert sealed.startswith("k-1$") and "JBSWY3DPEHPK3PXP" not in sealed
    with pytest.raises(SealBroken):
        old.open(sealed, "acorns/u2/authenticator")  # copied to another account's row
    rotated = Sealer({"k-1": KEY_1, "k-2": KEY_2}, "k-2")
    assert rotated.open(sealed, "acorns/u1/authenticator") == b"JBSWY3DPEHPK3PXP"
    assert rotated.needs_reseal(sealed) and not rotated.needs_reseal(rotated.seal(b"x", "o"))
    tampered = sealed[:-3] + ("A" if sealed[-3] != "A" else "B") + sealed[-2:]
    with pytest.raises(SealBroken):
        rotated.open(tampered, "acorns/u1/authenticator")
    with pytest.raises(SealBroken):
        Sealer({"k-2": KEY_2}, "k-2").open(sealed, "acorns/u1/authenticator")  # the key is gone


def test_s32_a_sealing_key_must_be_256_bits() -> None:
    with pytest.raises(ValueError):
        Sealer({"k-1": b"short"}, "k-1")


def test_s33_recovery_codes_have_at_least_50_bits_and_match_however_they_are_typed() -> None:
    assert 12 * math.log2(len(recovery.ALPHABET)) >= 50
    keyed = recovery.RecoveryHasher({"p-1": KEY_1}, "p-1")
    code = recovery.new_code()
    stored = [keyed.hash(recovery.new_code()), keyed.hash(code)]
    assert code not in "".join(stored)
    assert keyed.match(stored, code.upper().replace("-", " ")) == stored[1]
    assert keyed.match(stored, recovery.new_code()) is None
    assert keyed.match(stored, "not a code") is None
    other_pepper = recovery.RecoveryHasher({"p-1": KEY_2}, "p-1")
    assert other_pepper.match(stored, code) is None


def test_s32_a_code_is_matched_to_its_step_within_one_step_either_way() -> None:
    secret = totp.new_secret()
    app = pyotp.TOTP(secret)
    now = datetime(2026, 12, 2, 10, 0, 15, tzinfo=UTC)
    step = totp.step_at(now)
    assert totp.matching_step(secret, app.at(now), now) == step
    assert totp.matching_step(secret, app.at(now - timedelta(seconds=30)), now) == step - 1
    assert totp.matching_step(secret, app.at(now + timedelta(seconds=30)), now) == step + 1
    assert totp.matching_step(secret, app.at(now - timedelta(seconds=60)), now) is None
    assert totp.matching_step(secret, "12345", now) is None
    assert totp.matching_step(secret, app.at(now)[:3] + " " + app.at(now)[3:], now) == step
    assert len(secret) == 32  # 160 bits of base32
    assert totp.provisioning_uri(secret, "maya@acorns.example").startswith(
        "otpauth://totp/Learning%20Journal"
    )
