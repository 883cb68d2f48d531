"""Peppered Argon2id records and random secrets (S5, S6, S7, S8, S9)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading

import pytest
from argon2 import Parameters, PasswordHasher, Type
from argon2.exceptions import VerifyMismatchError

from shared.security import hashing
from shared.security.hashing import SecretHasher
from shared.security.randomness import digest, new_secret, same_digest

PEPPERS = {"p-1": secrets.token_bytes(32), "p-2": secrets.token_bytes(32)}
PASSWORD = "correct horse battery staple"


def cheap(current: str = "p-1") -> SecretHasher:
    return SecretHasher(PEPPERS, current, "test")


def argon2_costs(record: str) -> tuple[int, int, int]:
    match = re.search(r"\$m=(\d+),t=(\d+),p=(\d+)\$", record)
    assert match is not None, record
    m, t, p = (int(group) for group in match.groups())
    return m, t, p


def test_a_password_verifies_against_its_own_record_only() -> None:
    hasher = cheap()
    record = hasher.hash(PASSWORD)
    assert hasher.verify(record, PASSWORD)
    assert not hasher.verify(record, PASSWORD + "!")
    assert not hasher.verify(record, PASSWORD.upper())


def test_two_hashes_of_one_password_differ_because_of_the_salt() -> None:
    hasher = cheap()
    assert hasher.hash(PASSWORD) != hasher.hash(PASSWORD)


def test_s1_nfkc_equivalent_spellings_verify_and_nothing_else_is_folded() -> None:
    hasher = cheap()
    record = hasher.hash("caf\u00e9 au lait \ufb01ne")  # precomposed é and the "fi" ligature
    assert hasher.verify(record, "cafe\u0301 au lait fine")  # e + combining acute, plain "fi"
    assert not hasher.verify(record, "CAF\u00c9 AU LAIT FINE")
    assert not hasher.verify(record, " caf\u00e9 au lait fine")


def test_s5_stored_hash_is_argon2id_with_rfc9106_low_memory_parameters() -> None:
    hasher = SecretHasher(PEPPERS, "p-1", "rfc9106-low-memory")
    record = hasher.hash(PASSWORD)
    _, inner = record.split("$", 1)
    assert inner.startswith("$argon2id$v=19$")
    assert argon2_costs(record) == (65536, 3, 4)
    assert hasher.parameters() == {"m": 65536, "t": 3, "p": 4}
    assert hasher.verify(record, PASSWORD)


def test_s5_owasp_minimum_profile_is_exactly_the_floor() -> None:
    assert SecretHasher(PEPPERS, "p-1", "owasp-minimum").parameters() == {"m": 19456, "t": 2, "p": 1}


@pytest.mark.parametrize(
    ("memory_cost", "time_cost", "parallelism"),
    [(19455, 2, 1), (19456, 1, 1), (65536, 1, 4), (8, 1, 1)],
)
def test_s5_profiles_below_the_floor_are_refused(
    monkeypatch: pytest.MonkeyPatch, memory_cost: int, time_cost: int, parallelism: int
) -> None:
    weak = Parameters(
        type=Type.ID,
        version=19,
        salt_len=16,
        hash_len=32,
        time_cost=time_cost,
        memory_cost=memory_cost,
        parallelism=parallelism,
    )
    monkeypatch.setattr(hashing, "PROFILES", {**hashing.PROFILES, "weak": weak})
    with pytest.raises(ValueError, match="S5"):
        SecretHasher(PEPPERS, "p-1", "weak")


def test_s5_argon2i_and_argon2d_profiles_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    rfc = hashing.PROFILES["rfc9106-low-memory"]
    for other in (Type.I, Type.D):
        monkeypatch.setattr(
            hashing,
            "PROFILES",
            {"other": Parameters(other, 19, 16, 32, rfc.time_cost, rfc.memory_cost, rfc.parallelism)},
        )
        with pytest.raises(ValueError, match="Argon2id"):
            SecretHasher(PEPPERS, "p-1", "other")


def test_s5_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        SecretHasher(PEPPERS, "p-1", "fast")


def test_s6_the_record_names_the_pepper_version() -> None:
    assert cheap("p-1").hash(PASSWORD).startswith("p-1$$argon2id$")
    assert cheap("p-2").hash(PASSWORD).startswith("p-2$$argon2id$")


def test_s6_the_same_password_under_another_pepper_does_not_verify() -> None:
    record = cheap("p-1").hash(PASSWORD)
    _, inner = record.split("$", 1)
    relabelled = f"p-2${inner}"
    assert cheap().verify(record, PASSWORD)
    assert not cheap().verify(relabelled, PASSWORD)
    stolen_pepper_elsewhere = SecretHasher({"p-1": secrets.token_bytes(32)}, "p-1", "test")
    assert not stolen_pepper_elsewhere.verify(record, PASSWORD)


def test_s6_a_record_without_the_pepper_cannot_be_cracked_with_plain_argon2() -> None:
    record = cheap().hash(PASSWORD)
    _, inner = record.split("$", 1)
    with pytest.raises(VerifyMismatchError):
        PasswordHasher().verify(inner, PASSWORD)


def test_s6_a_pepper_shorter_than_256_bits_or_a_dollar_in_its_version_is_refused() -> None:
    with pytest.raises(ValueError, match="shorter"):
        SecretHasher({"p-1": b"x" * 31}, "p-1", "test")
    with pytest.raises(ValueError, match="pepper version"):
        SecretHasher({"p$1": b"x" * 32}, "p$1", "test")
    with pytest.raises(ValueError, match="current"):
        SecretHasher(PEPPERS, "p-3", "test")


@pytest.mark.parametrize(
    "record",
    [
        "",
        "p-1",
        "p-1$",
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
        "p-3$$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
        "p-1$$argon2id$garbage",
        "p-1$$2b$12$abcdefghijklmnopqrstuv",
        "p-1$plaintext",
    ],
)
def test_a_malformed_or_unknown_record_is_false_never_an_exception(record: str) -> None:
    hasher = cheap()
    assert hasher.verify(record, PASSWORD) is False
    assert hasher.needs_rehash(record)


def test_an_argon2i_record_is_not_accepted_even_with_the_right_pepper() -> None:
    hasher = cheap()
    peppered = SecretHasher._pepper(PEPPERS["p-1"], PASSWORD)
    argon2i = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.I).hash(peppered)
    assert not hasher.verify(f"p-1${argon2i}", PASSWORD)
    assert hasher.verify(f"p-1${PasswordHasher(1, 8, 1).hash(peppered)}", PASSWORD)


def test_a_lone_surrogate_is_false_on_verify() -> None:
    hasher = cheap()
    assert not hasher.verify(hasher.hash(PASSWORD), "\ud800")
    hasher.verify_dummy("\ud800")


def test_s7_a_current_record_needs_no_rehash() -> None:
    hasher = cheap()
    assert not hasher.needs_rehash(hasher.hash(PASSWORD))


def test_s7_outdated_parameters_need_rehash() -> None:
    hasher = cheap()
    peppered = SecretHasher._pepper(PEPPERS["p-1"], PASSWORD)
    older = f"p-1${PasswordHasher(time_cost=1, memory_cost=16, parallelism=1).hash(peppered)}"
    assert hasher.verify(older, PASSWORD)
    assert hasher.needs_rehash(older)
    assert not hasher.needs_rehash(hasher.hash(PASSWORD))


def test_s7_old_pepper_version_needs_rehash() -> None:
    old = cheap("p-1").hash(PASSWORD)
    rotated = cheap("p-2")
    assert rotated.verify(old, PASSWORD)
    assert rotated.needs_rehash(old)
    fresh = rotated.hash(PASSWORD)
    assert fresh.startswith("p-2$")
    assert not rotated.needs_rehash(fresh)


def test_s9_dummy_verify_runs_argon2_once_per_call_and_hashes_once_across_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hasher = cheap()
    calls = {"hash": 0, "verify": 0}
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify
    lock = threading.Lock()

    def counting_hash(self: PasswordHasher, secret: str | bytes, *, salt: bytes | None = None) -> str:
        with lock:
            calls["hash"] += 1
        return real_hash(self, secret, salt=salt)

    def counting_verify(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        with lock:
            calls["verify"] += 1
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "hash", counting_hash)
    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    threads = [threading.Thread(target=hasher.verify_dummy, args=(PASSWORD,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == {"hash": 1, "verify": 8}


def test_s9_unknown_pepper_still_spends_one_argon2_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    hasher = cheap()
    record = f"p-9{cheap().hash(PASSWORD)[3:]}"
    spent: list[str] = []
    monkeypatch.setattr(hasher, "verify_dummy", spent.append)
    assert not hasher.verify(record, PASSWORD)
    assert spent == [PASSWORD]


def test_s8_secrets_have_at_least_128_bits() -> None:
    secret = new_secret()
    assert len(base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))) == 32
    smallest = new_secret(16)
    assert len(base64.urlsafe_b64decode(smallest + "=" * (-len(smallest) % 4))) == 16
    assert len({new_secret(16) for _ in range(1000)}) == 1000
    with pytest.raises(ValueError, match="128 bits"):
        new_secret(15)


def test_s8_digest_is_sha256_of_the_raw_secret() -> None:
    secret = new_secret()
    stored = digest(secret)
    assert stored == hashlib.sha256(secret.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    assert secret not in stored
    assert same_digest(stored, digest(secret))
    assert not same_digest(stored, digest(new_secret()))
    assert not same_digest(stored, "\u00e9")
