"""Signing in: a password step that yields a short PIN challenge, then a PIN step that starts a session."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.errors import ConcurrencyConflict, InvalidInput, TooManyAttempts, Unauthenticated
from shared.domain.people import Account, Session
from shared.domain.settings import clean_setting_ref
from shared.domain.throttle import (
    CHALLENGE_PIN_TRIES,
    CHALLENGE_SECONDS,
    LOCK_AT,
    PIN_LOCK_AT,
    wait_after,
)
from shared.mail import templates
from shared.security.randomness import digest, new_secret
from shared.security.tokens import TokenKind
from shared.services.deps import Deps

# S9: one answer for every reason a password step fails, so nobody learns which accounts exist.
GENERIC_FAILURE = "That e-mail address and password do not match an account at this setting."
CHALLENGE_FAILURE = "This sign-in has expired. Please enter your e-mail address and password again."
PIN_LOCKED = (
    "Your PIN is locked after too many wrong tries. Use 'Forgotten your password or PIN?' to set a new one."
)
# Beyond any real password (S1 allows 128 characters); longer input fails without hashing it.
MAX_SECRET_INPUT = 1024
MAX_WRITE_RETRIES = 100


@dataclass(frozen=True)
class Challenge:
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class SignedIn:
    token: str
    account: Account
    session: Session


def start_sign_in(deps: Deps, *, setting: object, email: object, password: object) -> Challenge:
    """Check the password; on success hand out a PIN challenge living 5 minutes (S11)."""
    setting_id = clean_setting_ref(setting)
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        raise InvalidInput("Enter your e-mail address and password.", field="password")
    if len(password) > MAX_SECRET_INPUT or len(email) > 254:
        deps.hasher.verify_dummy("")
        raise Unauthenticated(GENERIC_FAILURE)

    account = deps.accounts.find_by_email(setting_id, email.strip().lower())
    if account is None or not account.can_sign_in or account.failed_logins >= LOCK_AT:
        # S9: the same Argon2 work as a real check, so timing does not reveal the account.
        deps.hasher.verify_dummy(password)
        target = account.user_id if account else "unknown"
        deps.audit(setting_id, "anonymous", "sign-in.password", target, "refused")
        raise Unauthenticated(GENERIC_FAILURE)

    now = deps.clock.now()
    if account.throttled_until and account.throttled_until > now:
        # Refused without checking the password, and counted, so guessing while throttled
        # gets nowhere and only lengthens the wait (S10).
        _count_failed_password(deps, account)
    if not deps.hasher.verify(account.password_hash or "", password):
        _count_failed_password(deps, account)

    def succeed(fresh: Account) -> None:
        fresh.failed_logins = 0  # S10: a success resets the counter
        fresh.throttled_until = None
        if deps.hasher.needs_rehash(fresh.password_hash or ""):
            fresh.password_hash = deps.hasher.hash(password)  # S7

    # The challenge is a signed token naming the account's challenge epoch, so a successful
    # password step writes only when there is a failure count to reset or a hash to renew.
    stale_hash = deps.hasher.needs_rehash(account.password_hash or "")
    if account.failed_logins or account.throttled_until or stale_hash:
        account = _save_with_retry(deps, account, succeed)
    deps.audit(setting_id, account.user_id, "sign-in.password", account.user_id, "success")
    token = deps.tokens.issue(
        TokenKind.PIN_CHALLENGE,
        subject=account.user_id,
        setting=setting_id,
        lifetime_seconds=CHALLENGE_SECONDS,
        claims={"epoch": str(account.challenge_epoch)},
    )
    return Challenge(token, now + timedelta(seconds=CHALLENGE_SECONDS))


def _count_failed_password(deps: Deps, account: Account) -> None:
    """Add one to the account's failure counter without losing a concurrent failure (S10); raise."""
    now = deps.clock.now()
    result: dict[str, int] = {}

    def fail(fresh: Account) -> None:
        fresh.failed_logins += 1
        wait = wait_after(fresh.failed_logins)
        fresh.throttled_until = now + timedelta(seconds=wait) if wait else None
        result["failures"] = fresh.failed_logins
        result["wait"] = wait

    _save_with_retry(deps, account, fail)
    failures, wait = result["failures"], result["wait"]
    outcome = "locked" if failures >= LOCK_AT else ("throttled" if wait else "failure")
    deps.audit(account.setting_id, "anonymous", "sign-in.password", account.user_id, outcome)
    if failures >= LOCK_AT:
        raise Unauthenticated(GENERIC_FAILURE)
    if wait:
        raise TooManyAttempts(
            "Too many attempts. Please wait a moment before trying again, "
            "or use 'Forgotten your password or PIN?'.",
            retry_after=wait,
        )
    raise Unauthenticated(GENERIC_FAILURE)


def complete_sign_in(deps: Deps, *, challenge: object, pin: object, device: str) -> SignedIn:
    """Check the PIN against a live challenge; on success start a new server-side session (S16)."""
    if not isinstance(challenge, str) or not challenge or len(challenge) > 4096:
        raise Unauthenticated(CHALLENGE_FAILURE)
    if not isinstance(pin, str) or not pin or len(pin) > MAX_SECRET_INPUT:
        raise InvalidInput("Enter your PIN.", field="pin")
    try:
        claims = deps.tokens.read(challenge, TokenKind.PIN_CHALLENGE)
    except Unauthenticated:
        raise Unauthenticated(CHALLENGE_FAILURE) from None
    epoch = claims.extra["epoch"]  # a challenge token always carries it (TokenKind.required_extra)
    now = deps.clock.now()
    if now >= claims.expires_at:  # exactly 5 minutes: the token check allows 30 s of clock skew
        raise Unauthenticated(CHALLENGE_FAILURE)
    account = deps.accounts.get(claims.setting, claims.subject)

    def live(candidate: Account | None) -> Account:
        if candidate is None or not candidate.can_sign_in or epoch != str(candidate.challenge_epoch):
            raise Unauthenticated(CHALLENGE_FAILURE)
        if candidate.pin_locked:
            raise Unauthenticated(PIN_LOCKED)
        return candidate

    account = live(account)
    if not deps.hasher.verify(account.pin_hash or "", pin):
        _count_failed_pin(deps, account, live)

    sid = new_secret()
    session = Session(
        setting_id=account.setting_id,
        user_id=account.user_id,
        digest=digest(sid),
        started_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(seconds=deps.config.session_absolute_seconds),
        device=device,
    )

    def succeed(fresh: Account) -> None:
        live(fresh)  # the challenge must still be live at the moment of writing: single use
        fresh.void_challenges()
        fresh.failed_pins = 0
        if deps.hasher.needs_rehash(fresh.pin_hash or ""):
            fresh.pin_hash = deps.hasher.hash(pin)  # S7

    saved = _save_with_retry(deps, account, succeed, new_session=session)
    deps.audit(account.setting_id, account.user_id, "sign-in.pin", account.user_id, "success")
    token = deps.tokens.issue(
        TokenKind.SESSION,
        subject=account.user_id,
        setting=account.setting_id,
        lifetime_seconds=deps.config.session_absolute_seconds,
        claims={"sid": sid},
    )
    return SignedIn(token, saved, session)


def _count_failed_pin(deps: Deps, account: Account, live: Callable[[Account | None], Account]) -> None:
    """Count a wrong PIN on the challenge and the account; lock the PIN at 10 in a row (S11); raise."""
    result: dict[str, bool] = {}

    def fail(fresh: Account) -> None:
        live(fresh)
        fresh.challenge_failures += 1
        fresh.failed_pins += 1
        result["locked"] = fresh.failed_pins >= PIN_LOCK_AT
        result["dead"] = fresh.challenge_failures >= CHALLENGE_PIN_TRIES or result["locked"]
        if result["dead"]:
            fresh.void_challenges()
        if result["locked"]:
            fresh.pin_locked = True

    saved = _save_with_retry(deps, account, fail)
    if result["locked"]:
        deps.audit(account.setting_id, "anonymous", "sign-in.pin", account.user_id, "locked")
        setting = deps.settings.get(account.setting_id)
        deps.outbox.send(
            templates.pin_locked(
                saved.email,
                saved.name,
                setting.name if setting else account.setting_id,
                f"{deps.config.public_base_url}/forgot",
            )
        )
        raise Unauthenticated(PIN_LOCKED)
    deps.audit(account.setting_id, "anonymous", "sign-in.pin", account.user_id, "failure")
    if result["dead"]:
        raise Unauthenticated(CHALLENGE_FAILURE)
    raise Unauthenticated("That PIN is not right. Please try again.")


def _save_with_retry(
    deps: Deps,
    account: Account,
    change: Callable[[Account], None],
    *,
    new_session: Session | None = None,
) -> Account:
    """Apply `change` and save under the account's ETag; on a lost race re-read and re-apply.

    This is what makes 50 parallel wrong passwords leave the counter at exactly 50 (S10).
    """
    current: Account | None = account
    for _ in range(MAX_WRITE_RETRIES):
        if current is None:
            raise Unauthenticated(GENERIC_FAILURE)
        change(current)
        try:
            deps.accounts.save(current, new_session=new_session)
            return current
        except ConcurrencyConflict:
            # A little jitter stops the losers of one race from colliding again in lockstep.
            time.sleep(secrets.randbelow(20) / 1000)
            current = deps.accounts.get(account.setting_id, account.user_id)
    raise ConcurrencyConflict("the account is busy; please try again")
