"""Passkeys (S31): add, list, rename and remove them in My account, sign in with one in one step,
and prove yourself again with one (step-up, S35). Verified with py_webauthn.

Challenges are stateless: the server hands the browser the challenge and a signed, 5-minute
"attempt" token that names its purpose, the account and session it is bound to (none, for a
sign-in) and the SHA-256 of the challenge; nothing is stored until a ceremony is verified (S39).
Each challenge works once: a sign-in or step-up records its digest on the passkey that answered it
(in the ETag-guarded write that moves the counter on), a registration on a marker row.
Expected origin and RP ID come from the configured public base URL, never from the request.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from webauthn.helpers.structs import AuthenticationCredential

from shared.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    InvalidInput,
    NotFound,
    Unauthenticated,
)
from shared.domain.passkeys import (
    CHALLENGE_SECONDS,
    FRESH_SECONDS,
    MAX_CREDENTIAL_ID_BYTES,
    MAX_PASSKEYS,
    Passkey,
    clean_passkey_name,
    counter_regressed,
    credential_digest,
    read_user_handle,
    user_handle,
)
from shared.domain.people import Account, Principal
from shared.domain.throttle import KNOWN_DEVICES
from shared.mail import templates
from shared.security.randomness import new_secret
from shared.security.tokens import TokenKind
from shared.services import devices, recovery_codes, sign_in_reset, step_up
from shared.services.deps import Deps
from shared.services.signin import SignedIn, new_session, save_with_retry, signed_in, spend_verify

REGISTER, SIGN_IN, STEP_UP = "register", "sign-in", "step-up"
ANYONE = "-"  # the subject and setting of a sign-in attempt: nobody is known yet
REFUSED = "That passkey could not be used here. Try again, or sign in with your password and PIN."
EXPIRED = "This passkey request has expired or was already used. Please try again."
RP_NAME = "Learning Journal"
WRITE_ATTEMPTS = 10
# Bounds on what a browser may send us, well above any real authenticator's answer.
MAX_CREDENTIAL_JSON = 16 * 1024
# py_webauthn is imported where a ceremony needs it, not with this module: with its ASN.1 and
# OpenSSL stack it would add some 70 ms to every cold start of the app (bench/__main__.py,
# cold_start_vs_sdk_import), and most instances never see a passkey.


def _malformed() -> tuple[type[Exception], ...]:
    """What py_webauthn and its parsers raise for an answer that is not well formed or does not
    verify (evaluated only when something was raised, so py_webauthn is loaded by then)."""
    from webauthn.helpers.exceptions import WebAuthnException

    return (WebAuthnException, ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)


# One refusal for every change that needs a step-up, whichever method proved the last one.
StepUpRequired = step_up.StepUpRequired


@dataclass(frozen=True, repr=False)
class Ceremony:
    """What the browser needs for navigator.credentials: the options and the attempt to send back."""

    options: Mapping[str, Any]
    attempt: str
    expires_at: datetime


# -- the relying party ------------------------------------------------------------------------------


def relying_party(deps: Deps) -> tuple[str, str]:
    """The RP ID (the host of the public base URL) and the one origin a ceremony may come from."""
    host = urlsplit(deps.config.public_base_url).hostname or ""
    return host, deps.config.public_origin


def _challenge(
    deps: Deps, purpose: str, subject: str, setting: str, bind: str
) -> tuple[bytes, str, datetime]:
    challenge = secrets.token_bytes(32)
    attempt = deps.tokens.issue(
        TokenKind.PASSKEY_CHALLENGE, subject=subject, setting=setting, lifetime_seconds=CHALLENGE_SECONDS,
        claims={"purpose": purpose, "ch": _digest(challenge), "bind": bind},
    )  # fmt: skip
    return challenge, attempt, deps.clock.now() + timedelta(seconds=CHALLENGE_SECONDS)


def _digest(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


def _attempt(deps: Deps, attempt: object, purpose: str, subject: str, setting: str, bind: str) -> str:
    """The challenge digest of a live attempt of this purpose, bound to this account and session."""
    if not isinstance(attempt, str) or not attempt:
        raise Unauthenticated(EXPIRED)
    try:
        claims = deps.tokens.read(attempt, TokenKind.PASSKEY_CHALLENGE)
    except Unauthenticated:
        raise Unauthenticated(EXPIRED) from None
    if deps.clock.now() >= claims.expires_at:  # exactly 5 minutes: the token check allows skew
        raise Unauthenticated(EXPIRED)
    bound = (claims.extra["purpose"], claims.subject, claims.setting, claims.extra.get("bind", ""))
    if bound != (purpose, subject, setting, bind):
        raise Unauthenticated(EXPIRED)
    return claims.extra["ch"]


def _answered(client_data_json: bytes, challenge_digest: str) -> bytes:
    """The challenge the browser signed, if it is the one the attempt names; else Unauthenticated."""
    from webauthn.helpers import parse_client_data_json

    try:
        challenge = parse_client_data_json(client_data_json).challenge
    except _malformed():
        raise Unauthenticated(REFUSED) from None
    if not secrets.compare_digest(_digest(challenge), challenge_digest):
        raise Unauthenticated(EXPIRED)
    return challenge


def _options(options: object) -> Mapping[str, Any]:
    from webauthn import options_to_json

    parsed: dict[str, Any] = json.loads(options_to_json(options))  # type: ignore[arg-type]
    return parsed


def _account(deps: Deps, principal: Principal) -> Account:
    account = deps.accounts.get(principal.setting_id, principal.user_id)
    if account is None or not account.can_sign_in:
        raise Unauthenticated("You are signed out. Please sign in again.")
    return account


def _credential_json(credential: object) -> dict[str, Any]:
    if not isinstance(credential, dict) or len(json.dumps(credential)) > MAX_CREDENTIAL_JSON:
        raise InvalidInput("Send the passkey's answer as a JSON object.", field="credential")
    return credential


# -- registration -----------------------------------------------------------------------------------


def registration_options(deps: Deps, principal: Principal) -> Ceremony:
    """Options for adding a passkey: discoverable, user-verifying, none of the caller's own again."""
    from webauthn import generate_registration_options
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        PublicKeyCredentialDescriptor,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    account = _account(deps, principal)
    mine = deps.passkeys.of_user(principal.setting_id, principal.user_id)
    if len(mine) >= MAX_PASSKEYS:
        raise Conflict(f"You already have {MAX_PASSKEYS} passkeys. Remove one to add another.")
    rp_id, _ = relying_party(deps)
    challenge, attempt, expires = _challenge(
        deps, REGISTER, principal.user_id, principal.setting_id, principal.session_digest
    )
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_name=account.email,
        user_id=user_handle(account.setting_id, account.user_id),
        user_display_name=account.name,
        challenge=challenge,
        timeout=CHALLENGE_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in mine],
    )
    return Ceremony(_options(options), attempt, expires)


@dataclass(frozen=True, repr=False)
class Registered:
    passkey: Passkey
    recovery_codes: list[str]  # the new set when this is the account's first strong factor (S33)


def register(
    deps: Deps, principal: Principal, *, attempt: object, credential: object, name: object, device: str
) -> Registered:
    """Verify the browser's new credential and keep it; mail the owner (S36) and audit it (S29).

    A refused or expired answer is a 400, not a 401: the caller's session is still good.
    """
    try:
        return _register(deps, principal, attempt=attempt, credential=credential, name=name, device=device)
    except Unauthenticated as refused:
        raise InvalidInput(refused.message, field="credential") from None


def _register(
    deps: Deps, principal: Principal, *, attempt: object, credential: object, name: object, device: str
) -> Registered:
    from webauthn import verify_registration_response
    from webauthn.helpers import parse_registration_credential_json

    expected = _attempt(deps, attempt, REGISTER, principal.user_id, principal.setting_id,
                        principal.session_digest)  # fmt: skip
    label = clean_passkey_name(name, device)
    raw = _credential_json(credential)
    try:
        parsed = parse_registration_credential_json(raw)
        challenge = _answered(parsed.response.client_data_json, expected)
        rp_id, origin = relying_party(deps)
        verified = verify_registration_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=origin, require_user_verification=True,
        )  # fmt: skip
    except _malformed():
        deps.audit(principal.setting_id, principal.user_id, "passkey.register", principal.user_id, "failure")
        raise Unauthenticated(REFUSED) from None
    if len(verified.credential_id) > MAX_CREDENTIAL_ID_BYTES:
        raise Unauthenticated(REFUSED)
    now = deps.clock.now()
    try:
        deps.passkeys.spend(principal.setting_id, expected, now + timedelta(seconds=CHALLENGE_SECONDS))
    except Conflict:
        raise Unauthenticated(EXPIRED) from None
    if len(deps.passkeys.of_user(principal.setting_id, principal.user_id)) >= MAX_PASSKEYS:
        raise Conflict(f"You already have {MAX_PASSKEYS} passkeys. Remove one to add another.")
    account = _account(deps, principal)
    passkey = Passkey(
        setting_id=principal.setting_id,
        user_id=principal.user_id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=label,
        created_at=now,
        transports=_transports(parsed.response.transports),
    )
    deps.passkeys.add(passkey)  # Conflict: this credential is already registered
    codes = _list_on_account(deps, account)
    # Registering with user verification proves the person again, as a step-up would.
    deps.passkeys.mark_fresh(principal.setting_id, principal.user_id, principal.session_digest, now)
    deps.audit(principal.setting_id, principal.user_id, "passkey.register", passkey.public_id, "success")
    deps.outbox.send(
        templates.passkey_added(account.email, account.name, _setting_name(deps, account), label, device, now)
    )
    return Registered(passkey, codes)


def _list_on_account(deps: Deps, account: Account) -> list[str]:
    """Copy the account's passkeys from their table onto the account, where sign-in, step-up and
    the S34 policy read its factors; the recovery codes when the first strong factor arrives, and
    none left when the last one goes (S33).

    Always a copy of the passkey table as it is now, never an edit of the list, so a write lost
    between the two tables is mended by the next add or removal. The passkey row is written first
    and removed first: a crash between the two leaves the account asking for its strongest method.
    """
    codes: list[str] = []

    def copy(fresh: Account) -> None:
        was_strong = fresh.factors.strong
        fresh.factors.passkeys = [p.digest for p in deps.passkeys.of_user(fresh.setting_id, fresh.user_id)]
        if fresh.factors.strong and not was_strong:
            codes[:] = recovery_codes.fresh_set(deps, fresh.factors)
        elif not fresh.factors.strong:
            codes.clear()
            fresh.factors.recovery_codes = []

    save_with_retry(deps, account, copy)
    return codes


def _transports(found: object) -> list[str]:
    from webauthn.helpers.structs import AuthenticatorTransport

    known = {t.value for t in AuthenticatorTransport}
    values = [getattr(t, "value", t) for t in (found or [])] if isinstance(found, list) else []
    return [v for v in values if isinstance(v, str) and v in known]


def _setting_name(deps: Deps, account: Account) -> str:
    setting = deps.settings.get(account.setting_id)
    return setting.name if setting else account.setting_id


# -- assertions: sign-in and step-up ---------------------------------------------------------------


def sign_in_options(deps: Deps, client: str) -> Ceremony:
    """Options for a sign-in with any of this site's passkeys: nothing typed, nobody named yet.

    S10: each one spends from the asking client's per-minute budget of sign-in checks, before its
    challenge is written; an assertion needs a live challenge of its own and spends it, so a
    burst of passkey sign-ins from one client is bounded like a burst of passwords. There is no
    per-account count: a passkey has no secret to guess, and a count a stranger could raise with
    bad signatures would only let them lock the owner out.
    """
    from webauthn import generate_authentication_options
    from webauthn.helpers.structs import UserVerificationRequirement

    spend_verify(deps, client)
    rp_id, _ = relying_party(deps)
    challenge, attempt, expires = _challenge(deps, SIGN_IN, ANYONE, ANYONE, "")
    options = generate_authentication_options(
        rp_id=rp_id, challenge=challenge, timeout=CHALLENGE_SECONDS * 1000,
        user_verification=UserVerificationRequirement.REQUIRED,
    )  # fmt: skip
    return Ceremony(_options(options), attempt, expires)


def step_up_options(deps: Deps, principal: Principal) -> Ceremony:
    """Options for proving yourself again with one of your own passkeys, bound to this session."""
    from webauthn import generate_authentication_options
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor, UserVerificationRequirement

    mine = deps.passkeys.of_user(principal.setting_id, principal.user_id)
    if not mine:
        raise NotFound("You have no passkey yet. Confirm with your password instead.")
    rp_id, _ = relying_party(deps)
    challenge, attempt, expires = _challenge(
        deps, STEP_UP, principal.user_id, principal.setting_id, principal.session_digest
    )
    options = generate_authentication_options(
        rp_id=rp_id, challenge=challenge, timeout=CHALLENGE_SECONDS * 1000,
        allow_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in mine],
        user_verification=UserVerificationRequirement.REQUIRED,
    )  # fmt: skip
    return Ceremony(_options(options), attempt, expires)


def _parse_assertion(credential: object) -> AuthenticationCredential:
    from webauthn.helpers import parse_authentication_credential_json

    try:
        return parse_authentication_credential_json(_credential_json(credential))
    except _malformed():
        raise Unauthenticated(REFUSED) from None


def _use(deps: Deps, passkey: Passkey, parsed: AuthenticationCredential, expected: str) -> Passkey:
    """Verify an assertion against the passkey and spend its challenge on it; Unauthenticated if not.

    The counter is compared here rather than inside py_webauthn, after the signature is known to
    be good, so only a real authenticator reporting a regressed counter refuses the credential and
    mails its owner (a forged one is just a bad signature).
    """
    from webauthn import verify_authentication_response

    challenge = _answered(parsed.response.client_data_json, expected)
    rp_id, origin = relying_party(deps)
    current: Passkey | None = passkey
    for _ in range(WRITE_ATTEMPTS):
        if current is None:
            raise Unauthenticated(REFUSED)
        try:
            verified = verify_authentication_response(
                credential=parsed, expected_challenge=challenge, expected_rp_id=rp_id,
                expected_origin=origin, credential_public_key=current.public_key,
                credential_current_sign_count=0, require_user_verification=True,
            )  # fmt: skip
        except _malformed():
            deps.audit(current.setting_id, "anonymous", "passkey.use", current.user_id, "failure")
            raise Unauthenticated(REFUSED) from None
        now = deps.clock.now()
        if current.has_spent(expected):
            deps.audit(current.setting_id, "anonymous", "passkey.use", current.user_id, "replayed")
            raise Unauthenticated(EXPIRED)
        if counter_regressed(current.sign_count, verified.new_sign_count):
            _refuse_regressed(deps, current, now)
        current.sign_count = verified.new_sign_count
        current.last_used_at = now
        current.spend(expected, now)
        try:
            deps.passkeys.save(current)
            return current
        except ConcurrencyConflict:
            current = deps.passkeys.get(passkey.setting_id, passkey.user_id, passkey.digest)
        except NotFound:  # removed a moment ago
            raise Unauthenticated(REFUSED) from None
    raise ConcurrencyConflict("the passkey is busy; please try again")


def _refuse_regressed(deps: Deps, passkey: Passkey, now: datetime) -> None:
    """S31: a counter that went backwards means a copied key: refuse, audit and tell the owner."""
    deps.audit(passkey.setting_id, "anonymous", "passkey.use", passkey.user_id, "refused-counter",
               passkey.public_id)  # fmt: skip
    account = deps.accounts.get(passkey.setting_id, passkey.user_id)
    if account is not None:
        deps.outbox.send(
            templates.passkey_refused(
                account.email, account.name, _setting_name(deps, account), passkey.name, now
            )
        )
    raise Unauthenticated(REFUSED)


def sign_in(
    deps: Deps, *, attempt: object, credential: object, device: str, device_token: str | None
) -> SignedIn:
    """S31: a passkey with user verification is a whole multi-factor sign-in: start a session."""
    expected = _attempt(deps, attempt, SIGN_IN, ANYONE, ANYONE, "")
    parsed = _parse_assertion(credential)
    owner = read_user_handle(parsed.response.user_handle or b"")
    if owner is None or len(parsed.raw_id) > MAX_CREDENTIAL_ID_BYTES:
        raise Unauthenticated(REFUSED)
    setting_id, user_id = owner
    # A point read in the partition the handle names: a passkey of another setting is not there.
    passkey = deps.passkeys.get(setting_id, user_id, credential_digest(parsed.raw_id))
    if passkey is None:
        raise Unauthenticated(REFUSED)
    account = deps.accounts.get(setting_id, user_id)
    if account is None or not account.can_sign_in:
        raise Unauthenticated(REFUSED)
    if account.factors.reset_due(deps.clock.now()):  # S34: the passkeys were to go by now
        sign_in_reset.take_effect_if_due(deps, account, device)
        raise Unauthenticated(REFUSED)
    used = _use(deps, passkey, parsed, expected)
    return _start_session(deps, account, used, device, device_token)


def _start_session(
    deps: Deps, account: Account, passkey: Passkey, label: str, device_token: str | None
) -> SignedIn:
    now = deps.clock.now()
    known = devices.known_device(deps, account, device_token)
    device_id = known or new_secret(16)
    sid, session = new_session(deps, account, label)
    current: Account | None = account
    for _ in range(WRITE_ATTEMPTS):
        if current is None or not current.can_sign_in:
            raise Unauthenticated(REFUSED)
        current.remember_device(device_id, now, KNOWN_DEVICES)
        devices.label_device(current, device_id, label, now)
        try:
            deps.accounts.save(current, new_session=session)
            break
        except ConcurrencyConflict:
            current = deps.accounts.get(account.setting_id, account.user_id)
    else:
        raise ConcurrencyConflict("the account is busy; please try again")
    deps.audit(account.setting_id, account.user_id, "sign-in.passkey", account.user_id, "success",
               passkey.public_id)  # fmt: skip
    if known is None:
        devices.notice_new_device(deps, current, label, now)  # S36
    return signed_in(deps, current, sid, session, device_id)


def verify_for_step_up(deps: Deps, principal: Principal, *, attempt: object, credential: object) -> Passkey:
    """S35: check a passkey assertion of the caller's own, bound to their session; the passkey used.

    Step-up with any method can call this; it marks the session fresh for 5 minutes. A refused
    answer is a 400 (InvalidInput on "credential"): the caller's session is still good.
    """
    try:
        return _verify_for_step_up(deps, principal, attempt=attempt, credential=credential)
    except Unauthenticated as refused:
        raise InvalidInput(refused.message, field="credential") from None


def _verify_for_step_up(deps: Deps, principal: Principal, *, attempt: object, credential: object) -> Passkey:
    expected = _attempt(deps, attempt, STEP_UP, principal.user_id, principal.setting_id,
                        principal.session_digest)  # fmt: skip
    parsed = _parse_assertion(credential)
    if len(parsed.raw_id) > MAX_CREDENTIAL_ID_BYTES:
        raise Unauthenticated(REFUSED)
    passkey = deps.passkeys.get(principal.setting_id, principal.user_id, credential_digest(parsed.raw_id))
    if passkey is None:
        raise Unauthenticated(REFUSED)
    used = _use(deps, passkey, parsed, expected)
    now = deps.clock.now()
    deps.passkeys.mark_fresh(principal.setting_id, principal.user_id, principal.session_digest, now)
    deps.audit(principal.setting_id, principal.user_id, "step-up.passkey", principal.user_id, "success",
               used.public_id)  # fmt: skip
    return used


def fresh_until(deps: Deps, principal: Principal) -> datetime | None:
    """Until when the caller's last fresh verification counts, if it still does."""
    at = deps.passkeys.fresh_at(principal.setting_id, principal.user_id, principal.session_digest)
    if at is None:
        return None
    until = at + timedelta(seconds=FRESH_SECONDS)
    return until if deps.clock.now() < until else None


def require_fresh(deps: Deps, principal: Principal) -> None:
    """S35: a step-up of this session within the last 5 minutes, by any method."""
    step_up.require_recent_step_up(deps, principal)


# -- My account -------------------------------------------------------------------------------------


def list_passkeys(deps: Deps, principal: Principal) -> list[Passkey]:
    return list(deps.passkeys.of_user(principal.setting_id, principal.user_id))


def _mine(deps: Deps, principal: Principal, public_id: str) -> Passkey:
    """One of the caller's own passkeys; anyone else's is simply not found (S24)."""
    for passkey in deps.passkeys.of_user(principal.setting_id, principal.user_id):
        if passkey.public_id == public_id:
            return passkey
    raise NotFound("That passkey is not on your list.")


def rename(deps: Deps, principal: Principal, public_id: str, name: object) -> Passkey:
    passkey = _mine(deps, principal, public_id)
    passkey.name = clean_passkey_name(name, passkey.name)
    deps.passkeys.save(passkey)  # ConcurrencyConflict: used meanwhile, the client tries again
    deps.audit(principal.setting_id, principal.user_id, "passkey.rename", passkey.public_id, "success")
    return passkey


def remove(deps: Deps, principal: Principal, public_id: str, device: str) -> None:
    """Remove one of the caller's passkeys, after a fresh step-up (S35); mail the owner (S36)."""
    passkey = _mine(deps, principal, public_id)
    require_fresh(deps, principal)
    deps.passkeys.remove(principal.setting_id, principal.user_id, passkey.digest)
    account = _account(deps, principal)
    _list_on_account(deps, account)
    deps.audit(principal.setting_id, principal.user_id, "passkey.remove", passkey.public_id, "success")
    now = deps.clock.now()
    deps.outbox.send(
        templates.passkey_removed(
            account.email, account.name, _setting_name(deps, account), passkey.name, device, now
        )
    )


def erase_all(deps: Deps, setting_id: str, user_id: str) -> int:
    """Delete every passkey of an account being erased (the retention purge calls it first)."""
    mine = deps.passkeys.of_user(setting_id, user_id)
    for passkey in mine:
        deps.passkeys.remove(setting_id, user_id, passkey.digest)
    return len(mine)
