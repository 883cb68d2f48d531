"""Signed tokens refuse every forgery and swap that RFC 8725 describes (S21, S22).

Attack tokens are signed with the real key wherever the attack allows it, so the only thing that
can refuse them is the check under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.clock import FrozenClock
from shared.domain.errors import Unauthenticated
from shared.security.tokens import GENERIC_MESSAGE, Claims, TokenKind, TokenService

ISSUER = "https://journal.example.org"
KEY = secrets.token_bytes(32)
KID = "k-2026"
ALL_KINDS = list(TokenKind)
HEADER = {"alg": "HS256", "typ": "JWT", "kid": KID}
DROP = object()  # marks a claim that payload_for leaves out


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def service(clock: FrozenClock) -> TokenService:
    return TokenService({KID: KEY}, KID, ISSUER, clock)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def segment(value: dict[str, Any]) -> str:
    return b64(json.dumps(value, separators=(",", ":")).encode())


def forge(header: dict[str, Any], payload: dict[str, Any], key: bytes | None = KEY) -> str:
    """A token put together by hand, HMAC-SHA256 signed with `key` (no signature if None)."""
    signing_input = f"{segment(header)}.{segment(payload)}"
    if key is None:
        return f"{signing_input}."
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def payload_for(clock: FrozenClock, *, kind: TokenKind = TokenKind.SESSION, **changes: Any) -> dict[str, Any]:
    now = int(clock.now().timestamp())
    payload: dict[str, Any] = {
        "iss": ISSUER,
        "aud": kind.audience,
        "sub": "user-1",
        "typ": kind.typ,
        "stg": "setting-1",
        "iat": now,
        "exp": now + 600,
        "jti": "jti-1",
        "sid": "session-1",
    }
    payload.update(changes)
    return {name: value for name, value in payload.items() if value is not DROP}


def refused(service: TokenService, token: str, kind: TokenKind = TokenKind.SESSION) -> bool:
    with pytest.raises(Unauthenticated) as caught:
        service.read(token, kind)
    assert caught.value.message == GENERIC_MESSAGE
    return True


def session(service: TokenService, **kwargs: Any) -> str:
    return service.issue(
        TokenKind.SESSION,
        subject="user-1",
        setting="setting-1",
        lifetime_seconds=600,
        claims={"sid": "session-1", **kwargs},
    )


# The happy paths, and proof that the hand-made tokens below are otherwise acceptable.


def test_a_session_token_reads_back_its_claims(service: TokenService, clock: FrozenClock) -> None:
    claims = service.read(session(service, nonce="n-1"), TokenKind.SESSION)
    assert claims == Claims(
        subject="user-1",
        setting="setting-1",
        jti=claims.jti,
        issued_at=clock.now(),
        expires_at=clock.now() + timedelta(seconds=600),
        extra={"sid": "session-1", "nonce": "n-1"},
    )
    assert claims.issued_at.tzinfo is not None
    assert len(base64.urlsafe_b64decode(claims.jti + "==")) >= 16


def test_the_header_names_the_current_key_and_hs256(service: TokenService) -> None:
    assert jwt.get_unverified_header(session(service)) == {"alg": "HS256", "typ": "JWT", "kid": KID}


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_each_kind_reads_back_as_itself(service: TokenService, kind: TokenKind) -> None:
    claims = {"sid": "s-1", "epoch": "0", "dev": "d-1", "purpose": "sign-in", "ch": "c" * 64}
    token = service.issue(kind, subject="user-1", setting="setting-1", lifetime_seconds=60, claims=claims)
    payload = jwt.decode(token, options={"verify_signature": False})
    assert (payload["typ"], payload["aud"]) == (kind.typ, kind.audience)
    assert service.read(token, kind).subject == "user-1"


def test_s11_a_challenge_must_name_the_epoch_it_was_issued_in(
    service: TokenService, clock: FrozenClock
) -> None:
    challenge = TokenKind.PIN_CHALLENGE
    assert (
        service.read(forge(HEADER, payload_for(clock, kind=challenge, epoch="3")), challenge).extra["epoch"]
        == "3"
    )
    assert refused(service, forge(HEADER, payload_for(clock, kind=challenge)), challenge)


def test_a_hand_signed_token_with_every_claim_is_accepted(service: TokenService, clock: FrozenClock) -> None:
    assert service.read(forge(HEADER, payload_for(clock)), TokenKind.SESSION).subject == "user-1"


def test_each_kind_has_its_own_typ_and_audience() -> None:
    assert len({kind.typ for kind in TokenKind}) == len(TokenKind)
    assert len({kind.audience for kind in TokenKind}) == len(TokenKind)


# S21: construction and issuing.


def test_s21_keys_shorter_than_256_bits_are_refused(clock: FrozenClock) -> None:
    with pytest.raises(ValueError, match="256 bits"):
        TokenService({KID: b"k" * 31}, KID, ISSUER, clock)
    with pytest.raises(ValueError, match="256 bits"):
        TokenService({KID: KEY, "old": b"short"}, KID, ISSUER, clock)
    with pytest.raises(ValueError, match="current"):
        TokenService({KID: KEY}, "other", ISSUER, clock)


@pytest.mark.parametrize("name", ["iss", "aud", "sub", "typ", "iat", "exp", "nbf", "jti", "stg"])
def test_s21_reserved_claims_cannot_be_overridden(service: TokenService, name: str) -> None:
    with pytest.raises(ValueError, match="reserved"):
        session(service, **{name: "x"})


def test_s21_a_session_cannot_be_issued_without_a_session_id(service: TokenService) -> None:
    with pytest.raises(ValueError, match="sid"):
        service.issue(TokenKind.SESSION, subject="user-1", setting="setting-1", lifetime_seconds=60)


# S21 / S22: algorithm attacks.


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_s22_alg_none_is_refused(service: TokenService, clock: FrozenClock, alg: str) -> None:
    assert refused(service, forge({**HEADER, "alg": alg}, payload_for(clock), key=None))


def test_s22_hs256_header_without_a_signature_is_refused(service: TokenService, clock: FrozenClock) -> None:
    assert refused(service, forge(HEADER, payload_for(clock), key=None))


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_s22_hs512_signed_with_the_real_key_is_refused(service: TokenService, clock: FrozenClock) -> None:
    token = jwt.encode(payload_for(clock), KEY, algorithm="HS512", headers={"kid": KID})
    # A genuine HS512 signature under our key: only the algorithm can refuse it.
    jwt.decode(token, KEY, algorithms=["HS512"], options={"verify_exp": False, "verify_aud": False})
    assert refused(service, token)


def test_s22_rs256_tokens_are_refused(service: TokenService, clock: FrozenClock) -> None:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(payload_for(clock), private_key, algorithm="RS256", headers={"kid": KID})
    assert refused(service, token)


def test_s22_rs256_header_over_an_hmac_with_the_real_key_is_refused(
    service: TokenService, clock: FrozenClock
) -> None:
    # The classic confusion run the other way round: the header claims RS256 while the signature is
    # HMAC-SHA256 under our key. A verifier that took the algorithm from the header would be lost.
    assert refused(service, forge({**HEADER, "alg": "RS256"}, payload_for(clock)))


def test_s22_hs256_signed_with_a_public_key_as_secret_is_refused(
    service: TokenService, clock: FrozenClock
) -> None:
    public_pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert refused(service, forge(HEADER, payload_for(clock), key=public_pem))


# S22: header parameters that ask the verifier to trust the token.


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("jwk", {"kty": "oct", "k": b64(KEY)}),
        ("jku", "https://attacker.example/jwks.json"),
        ("x5u", "https://attacker.example/cert.pem"),
        ("x5c", ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"]),
        ("crit", ["exp"]),
        ("b64", False),
    ],
)
def test_s22_embedded_key_headers_are_refused(
    service: TokenService, clock: FrozenClock, name: str, value: Any
) -> None:
    assert refused(service, forge({**HEADER, name: value}, payload_for(clock)))


@pytest.mark.parametrize("kid", ["k-unknown", "../../../../dev/null", "", 0, None, "K-2026"])
def test_s21_kid_not_in_the_allow_list_is_refused(
    service: TokenService, clock: FrozenClock, kid: Any
) -> None:
    assert refused(service, forge({**HEADER, "kid": kid}, payload_for(clock)))


def test_s21_a_token_without_a_kid_is_refused(service: TokenService, clock: FrozenClock) -> None:
    assert refused(service, forge({"alg": "HS256", "typ": "JWT"}, payload_for(clock)))


# S22: issuer and audience.


def test_s22_wrong_issuer_is_refused(service: TokenService, clock: FrozenClock) -> None:
    other = TokenService({KID: KEY}, KID, "https://attacker.example", clock)
    assert refused(service, session(other))


@pytest.mark.parametrize("iss", [ISSUER[:-1], "https://journal", "", ISSUER + "/", ISSUER.upper()])
def test_s22_issuer_prefix_is_refused(service: TokenService, clock: FrozenClock, iss: str) -> None:
    # CVE-2024-53861: PyJWT 2.10.0 compared the issuer with `in`, so any substring passed.
    assert refused(service, forge(HEADER, payload_for(clock, iss=iss)))


def test_s22_issuer_prefix_from_a_real_service_is_refused(service: TokenService, clock: FrozenClock) -> None:
    assert refused(service, session(TokenService({KID: KEY}, KID, ISSUER[:-1], clock)))


def test_s22_issuer_list_is_refused(service: TokenService, clock: FrozenClock) -> None:
    assert refused(service, forge(HEADER, payload_for(clock, iss=[ISSUER])))


@pytest.mark.parametrize(
    "aud",
    ["journal:other", "journal:sessions", "journal:sessio", ["journal:session"], ["journal:session", "x"]],
)
def test_s22_wrong_audience_is_refused(service: TokenService, clock: FrozenClock, aud: Any) -> None:
    assert refused(service, forge(HEADER, payload_for(clock, aud=aud)))


# S22: one kind never passes for another.


def issue(service: TokenService, kind: TokenKind) -> str:
    # Every kind carries every required claim here, so only typ and audience can tell them apart.
    claims = {"sid": "session-1", "epoch": "0", "dev": "device-1", "purpose": "sign-in", "ch": "c" * 64}
    return service.issue(kind, subject="user-1", setting="setting-1", lifetime_seconds=300, claims=claims)


def test_s22_challenge_used_as_session_is_refused(service: TokenService) -> None:
    assert refused(service, issue(service, TokenKind.PIN_CHALLENGE), TokenKind.SESSION)


def test_s22_reset_used_as_session_is_refused(service: TokenService) -> None:
    assert refused(service, issue(service, TokenKind.RESET), TokenKind.SESSION)


def test_s22_session_used_as_reset_is_refused(service: TokenService) -> None:
    assert refused(service, issue(service, TokenKind.SESSION), TokenKind.RESET)


def test_s22_activation_used_as_reset_is_refused(service: TokenService) -> None:
    assert refused(service, issue(service, TokenKind.ACTIVATION), TokenKind.RESET)


@pytest.mark.parametrize("presented", ALL_KINDS)
@pytest.mark.parametrize("expected", ALL_KINDS)
def test_s22_no_kind_is_accepted_as_another(
    service: TokenService, presented: TokenKind, expected: TokenKind
) -> None:
    token = issue(service, presented)
    if presented is expected:
        assert service.read(token, expected).subject == "user-1"
    else:
        assert refused(service, token, expected)


def test_s22_typ_and_audience_are_each_checked(service: TokenService, clock: FrozenClock) -> None:
    session_aud_challenge_typ = payload_for(clock, typ=TokenKind.PIN_CHALLENGE.typ)
    challenge_aud_session_typ = payload_for(clock, aud=TokenKind.PIN_CHALLENGE.audience)
    assert refused(service, forge(HEADER, session_aud_challenge_typ))
    assert refused(service, forge(HEADER, challenge_aud_session_typ))


# S22: integrity.


def test_s22_tampered_payload_is_refused(service: TokenService) -> None:
    token = session(service)
    header, body, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["sub"] = "user-2"
    tampered = f"{header}.{segment(payload)}.{signature}"
    assert refused(service, tampered)


def test_s22_a_token_signed_with_another_key_is_refused(service: TokenService, clock: FrozenClock) -> None:
    assert refused(service, forge(HEADER, payload_for(clock), key=secrets.token_bytes(32)))


@pytest.mark.parametrize("garbage", ["", "a.b", "a.b.c", "...", "x" * 5000, "eyJhbGciOiJIUzI1NiJ9"])
def test_garbage_is_refused_with_the_same_answer(service: TokenService, garbage: str) -> None:
    assert refused(service, garbage)


# S21: required claims and their types.


@pytest.mark.parametrize("claim", ["exp", "iat", "iss", "aud", "sub", "typ", "stg", "jti", "sid"])
def test_s21_missing_required_claim_is_refused(service: TokenService, clock: FrozenClock, claim: str) -> None:
    without: dict[str, Any] = {claim: DROP}
    assert refused(service, forge(HEADER, payload_for(clock, **without)))


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("sub", 123),
        ("sub", ["user-1"]),
        ("sub", ""),
        ("stg", 7),
        ("sid", 5),
        ("jti", 1),
        ("exp", "9999999999"),
        ("exp", 1.0e10),
        ("exp", True),
        ("iat", "0"),
        ("nonce", 5),
    ],
)
def test_s21_claims_of_the_wrong_type_are_refused(
    service: TokenService, clock: FrozenClock, claim: str, value: Any
) -> None:
    assert refused(service, forge(HEADER, payload_for(clock, **{claim: value})))


# S21: time, from the frozen clock, with 30 s leeway.


def test_s21_expired_beyond_leeway_is_refused(service: TokenService, clock: FrozenClock) -> None:
    token = session(service)  # lives 600 s
    clock.advance(seconds=600 + 29)
    assert service.read(token, TokenKind.SESSION).subject == "user-1"
    clock.advance(seconds=2)  # 31 s late
    assert refused(service, token)


def test_s21_issued_in_the_future_beyond_leeway_is_refused(service: TokenService, clock: FrozenClock) -> None:
    ahead = FrozenClock(clock.now() + timedelta(seconds=29))
    assert service.read(session(TokenService({KID: KEY}, KID, ISSUER, ahead)), TokenKind.SESSION)
    ahead.advance(seconds=2)  # 31 s ahead of the reader
    assert refused(service, session(TokenService({KID: KEY}, KID, ISSUER, ahead)))


def test_s21_not_before_in_the_future_is_refused(service: TokenService, clock: FrozenClock) -> None:
    now = int(clock.now().timestamp())
    assert service.read(forge(HEADER, payload_for(clock, nbf=now + 29)), TokenKind.SESSION)
    assert refused(service, forge(HEADER, payload_for(clock, nbf=now + 31)))


def test_s21_a_token_expiring_before_it_was_issued_is_refused(
    service: TokenService, clock: FrozenClock
) -> None:
    now = int(clock.now().timestamp())
    assert refused(service, forge(HEADER, payload_for(clock, iat=now, exp=now)))


def test_s21_time_comes_from_the_injected_clock_not_the_system(service: TokenService) -> None:
    # The same token is valid for one injected clock and expired for another, whatever the system
    # clock says.
    token = session(service)
    assert service.read(token, TokenKind.SESSION)
    far_future = TokenService({KID: KEY}, KID, ISSUER, FrozenClock(datetime(2099, 1, 1, tzinfo=UTC)))
    assert refused(far_future, token)


# S21: key rotation.


def test_s21_rotated_key_still_valid_and_removed_key_invalid(clock: FrozenClock) -> None:
    new_key = secrets.token_bytes(32)
    before = TokenService({"k-1": KEY}, "k-1", ISSUER, clock)
    during = TokenService({"k-1": KEY, "k-2": new_key}, "k-2", ISSUER, clock)
    after = TokenService({"k-2": new_key}, "k-2", ISSUER, clock)

    old_token = session(before)
    new_token = session(during)
    assert jwt.get_unverified_header(new_token)["kid"] == "k-2"
    assert during.read(old_token, TokenKind.SESSION).subject == "user-1"
    assert after.read(new_token, TokenKind.SESSION).subject == "user-1"
    assert refused(after, old_token)


def test_s21_a_kid_cannot_borrow_another_keys_signature(clock: FrozenClock) -> None:
    ring = TokenService({"k-1": KEY, "k-2": secrets.token_bytes(32)}, "k-1", ISSUER, clock)
    assert refused(ring, forge({**HEADER, "kid": "k-2"}, payload_for(clock)))


def test_s10_a_device_token_must_name_its_device_and_is_no_session(service: TokenService) -> None:
    with pytest.raises(ValueError, match="dev"):
        service.issue(TokenKind.DEVICE, subject="user-1", setting="setting-1", lifetime_seconds=60)
    device = service.issue(
        TokenKind.DEVICE, subject="user-1", setting="setting-1", lifetime_seconds=60, claims={"dev": "d-1"}
    )
    assert service.read(device, TokenKind.DEVICE).extra["dev"] == "d-1"
    assert refused(service, device, TokenKind.SESSION)
    assert refused(service, device, TokenKind.PIN_CHALLENGE)
