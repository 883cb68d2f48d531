"""Signing in: a password step that yields a short PIN challenge, then a PIN step that starts a session."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn, Protocol, TypeVar

from shared.domain.errors import ConcurrencyConflict, InvalidInput, TooManyAttempts, Unauthenticated
from shared.domain.people import Account, Session, SignInProbe
from shared.domain.settings import clean_setting_ref
from shared.domain.throttle import (
    CHALLENGE_PIN_TRIES,
    CHALLENGE_SECONDS,
    DEVICE_COOKIE_SECONDS,
    KNOWN_DEVICES,
    LOCK_AT,
    PIN_LOCK_AT,
    PROBE_SECONDS,
    ClientBudget,
    next_until,
    refusal,
    wait_after,
)
from shared.mail import templates
from shared.security.randomness import digest, new_secret
from shared.security.tokens import Claims, TokenKind
from shared.services import devices
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
ANONYMOUS = "-"  # the counter of a challenge that no known device asked for
TOO_MANY = (
    "Too many attempts. Please wait a moment before trying again, or use 'Forgotten your password or PIN?'."
)
# S10: one budget of verifies per client address in this process (see ClientBudget for why).
_BUDGETS: dict[int, ClientBudget] = {}
_BUDGETS_LOCK = threading.Lock()


@dataclass(frozen=True, repr=False)
class Challenge:
    token: str
    expires_at: datetime


@dataclass(frozen=True, repr=False)
class SignedIn:
    token: str
    account: Account
    session: Session
    device_token: str = ""  # S10: the device cookie that keeps this browser out of the anonymous count


def start_sign_in(
    deps: Deps,
    *,
    setting: object,
    email: object,
    password: object,
    device_token: str | None = None,
    browser: str = "",
) -> Challenge:
    """Check the password; on success hand out a PIN challenge living 5 minutes (S11).

    The attempt is counted before the password is checked (S10), so of any burst on one account
    at most 5 are ever verified; a throttled attempt is refused with 429 unchecked and uncounted.
    """
    setting_id = clean_setting_ref(setting)
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        raise InvalidInput("Enter your e-mail address and password.", field="password")
    if len(password) > MAX_SECRET_INPUT or len(email) > 254:
        deps.hasher.verify_dummy("")
        raise Unauthenticated(GENERIC_FAILURE)

    address = email.strip().lower()
    account, probe = deps.accounts.find_for_sign_in(
        setting_id, address, probe_digest(deps, setting_id, address)
    )
    if account is None:
        _unknown_address(deps, setting_id, address, probe, password)
    device = _known_device(deps, account, device_token)
    account, reserved = reserve_attempt(deps, account, device, browser=browser)
    if not account.can_sign_in:
        deps.hasher.verify_dummy(password)  # S9: the same work and the same answers as a live account
        _refuse_after_check(deps, account, account.user_id, reserved)
    if not deps.hasher.verify(account.password_hash or "", password):
        _refuse_after_check(deps, account, account.user_id, reserved)
    if deps.hasher.needs_rehash(account.password_hash or ""):
        renew_hash(deps, account, password)
    # No write and no audit row here: the PIN step resets the counter in the write that starts the
    # session, and its audit row records the sign-in, so this step is two storage requests.
    now = deps.clock.now()
    token = deps.tokens.issue(
        TokenKind.PIN_CHALLENGE,
        subject=account.user_id,
        setting=setting_id,
        lifetime_seconds=CHALLENGE_SECONDS,
        claims={"epoch": str(account.challenge_epoch), "dev": device or ANONYMOUS, "n": str(reserved)},
    )
    return Challenge(token, now + timedelta(seconds=CHALLENGE_SECONDS))


def spend_verify(deps: Deps, client: str) -> None:
    """S10: one client address may cause only so many sign-in checks a minute (Argon2 verifies,
    passkey sign-in challenges) across the anonymous routes; beyond that, 429 before any work."""
    limit = deps.config.verifies_per_client_minute
    with _BUDGETS_LOCK:
        budget = _BUDGETS.setdefault(limit, ClientBudget(limit))
    # Real time, not the injected clock: this bounds CPU work per wall-clock minute.
    wait = budget.spend(client, time.monotonic())
    if wait:
        raise TooManyAttempts(TOO_MANY, retry_after=wait)


def probe_digest(deps: Deps, setting_id: str, email: str) -> str:
    """A keyed hash of an address, so a probe row never names it (S10). The key is derived from
    the current token-signing key: a rotation simply starts new rows, and old ones expire."""
    key = hmac.new(deps.config.jwt_keys[deps.config.jwt_current_kid], b"sign-in-probe", "sha256").digest()
    return hmac.new(key, f"{setting_id}\n{email}".encode(), "sha256").hexdigest()


def _unknown_address(
    deps: Deps, setting_id: str, email: str, probe: SignInProbe | None, password: str
) -> NoReturn:
    """Answer for an address with no account exactly as a live account would (S9, S10)."""
    if deps.settings.get(setting_id) is None:
        # Nothing is stored for a setting that does not exist: no probe row, no audit row in a
        # partition the caller chose and the purge would never visit.
        deps.hasher.verify_dummy(password)
        raise Unauthenticated(GENERIC_FAILURE)
    now = deps.clock.now()
    current = probe or SignInProbe(setting_id, probe_digest(deps, setting_id, email))

    def save(item: SignInProbe) -> None:
        item.expires_at = now + timedelta(seconds=PROBE_SECONDS)
        deps.accounts.save_probe(item)

    def reread() -> SignInProbe:
        return deps.accounts.get_probe(setting_id, current.digest) or SignInProbe(setting_id, current.digest)

    _, reserved = _reserve(deps, current, None, save, reread, locks=True)
    deps.hasher.verify_dummy(password)
    _refuse_after_check(deps, None, "unknown", reserved, setting_id=setting_id)


def _known_device(deps: Deps, account: Account, device_token: str | None) -> str | None:
    """The device id of a valid device cookie naming this account and a device it still knows."""
    if not device_token:
        return None
    try:
        claims = deps.tokens.read(device_token, TokenKind.DEVICE)
    except Unauthenticated:
        return None
    if claims.subject != account.user_id or claims.setting != account.setting_id:
        return None
    device = claims.extra["dev"]
    return device if account.known_device(device) else None


class _Counted(Protocol):
    def attempts(self, device: str | None) -> tuple[int, datetime | None]: ...

    def record_attempts(self, device: str | None, failures: int, until: datetime | None) -> None: ...


def reserve_attempt(
    deps: Deps, account: Account, device: str | None = None, *, browser: str = ""
) -> tuple[Account, int]:
    """Count one attempt on the account's counter (the device's, or the anonymous one) BEFORE its
    secret is checked (S10); TooManyAttempts (or the generic answer when locked) refuses it unchecked
    and uncounted. Returns the saved account and the count this attempt holds.

    Every check of a current password goes through here, so they all share one throttle.
    """

    def reread() -> Account:
        fresh = deps.accounts.get(account.setting_id, account.user_id)
        if fresh is None:
            raise Unauthenticated(GENERIC_FAILURE)
        return fresh

    saved, reserved = _reserve(deps, account, device, deps.accounts.save, reread, locks=device is None)
    if device is None and reserved == LOCK_AT and saved.can_sign_in:
        # Sent once: from here anonymous attempts are refused uncounted, so the count stays at 100.
        deps.audit(saved.setting_id, "anonymous", "sign-in.password", saved.user_id, "locked")
        deps.outbox.send(
            templates.sign_in_locked(
                saved.email,
                saved.name,
                _setting_name(deps, saved.setting_id),
                f"{deps.config.public_base_url}/forgot",
                browser,
                deps.clock.now(),
            )
        )
    return saved, reserved


C = TypeVar("C", bound=_Counted)


def _reserve(
    deps: Deps,
    item: C,
    device: str | None,
    save: Callable[[C], None],
    reread: Callable[[], C],
    *,
    locks: bool,
) -> tuple[C, int]:
    """Check the throttle and add one to the counter under the row's ETag; on a lost race re-read
    and check again, so parallel attempts are counted one after another and none is lost."""
    now = deps.clock.now()
    current = item
    for _ in range(MAX_WRITE_RETRIES):
        failures, until = current.attempts(device)
        wait = refusal(failures, until, now, locks=locks)
        if wait == 0:
            raise Unauthenticated(GENERIC_FAILURE)
        if wait is not None:
            raise TooManyAttempts(TOO_MANY, retry_after=wait)
        current.record_attempts(device, failures + 1, next_until(failures + 1, now))
        try:
            save(current)
            return current, failures + 1
        except ConcurrencyConflict:
            # A little jitter stops the losers of one race from colliding again in lockstep.
            time.sleep(secrets.randbelow(20) / 1000)
            current = reread()
    raise ConcurrencyConflict("the account is busy; please try again")


def _refuse_after_check(
    deps: Deps, account: Account | None, target: str, reserved: int, *, setting_id: str = ""
) -> NoReturn:
    """The answer to a checked, wrong attempt that holds count `reserved`: 401, or 429 from the 5th."""
    deps.audit(setting_id or (account.setting_id if account else ""), "anonymous", "sign-in.password", target,
               "throttled" if wait_after(reserved) else "failure")  # fmt: skip
    if reserved >= LOCK_AT:
        raise Unauthenticated(GENERIC_FAILURE)
    wait = wait_after(reserved)
    if wait:
        raise TooManyAttempts(TOO_MANY, retry_after=wait)
    raise Unauthenticated(GENERIC_FAILURE)


def check_current_password(
    deps: Deps, principal_account: Account, password: object, *, field: str
) -> Account:
    """Check a signed-in person's current password under the same counter and throttle as
    sign-in (S10), and clear the counter on success (the caller's save writes it)."""
    if not isinstance(password, str) or not password or len(password) > MAX_SECRET_INPUT:
        raise InvalidInput("Your current password is not right.", field=field)
    account, reserved = reserve_attempt(deps, principal_account)
    if not deps.hasher.verify(account.password_hash or "", password):
        deps.audit(account.setting_id, account.user_id, "password.check", account.user_id, "failure")
        wait = wait_after(reserved)
        if wait:
            raise TooManyAttempts(TOO_MANY, retry_after=wait)
        raise InvalidInput("Your current password is not right.", field=field)
    account.record_attempts(None, 0, None)
    return account


def renew_hash(deps: Deps, account: Account, password: str) -> None:
    """S7: store a fresh hash when the parameters or pepper are out of date (best effort)."""
    account.password_hash = deps.hasher.hash(password)
    with suppress(ConcurrencyConflict):
        deps.accounts.save(account)


def _setting_name(deps: Deps, setting_id: str) -> str:
    setting = deps.settings.get(setting_id)
    return setting.name if setting else setting_id


@dataclass(frozen=True, repr=False)
class PinChecked:
    """A right PIN on a live challenge: what a later step needs to finish the sign-in.

    `live` re-checks, at the moment of each write, that the account may still finish this attempt
    (its challenge epoch, status, PIN lock and S10 throttle), so every step stays single use.
    """

    account: Account
    slot: str | None  # the known device's id, or None for an anonymous attempt
    device: str  # how the browser describes itself (shown in the sessions list)
    live: Callable[[Account | None], Account]
    pin: str = ""  # for the S7 rehash when the session starts; empty after a later step


def complete_sign_in(deps: Deps, *, challenge: object, pin: object, device: str) -> SignedIn:
    """Check the PIN against a live challenge; on success start a new server-side session (S16).

    Only for an account with no strong factor: one that has an authenticator or passkey finishes
    its sign-in through shared.services.sign_in_steps, so password and PIN alone are refused.
    """
    checked = check_pin(deps, challenge=challenge, pin=pin, device=device)
    if checked.account.factors.strong:
        raise Unauthenticated(CHALLENGE_FAILURE)
    return start_session(deps, checked)


def check_pin(deps: Deps, *, challenge: object, pin: object, device: str) -> PinChecked:
    """Check the PIN against a live challenge (S11); wrong PINs are counted and refused here."""
    if not isinstance(challenge, str) or not challenge or len(challenge) > 4096:
        raise Unauthenticated(CHALLENGE_FAILURE)
    if not isinstance(pin, str) or not pin or len(pin) > MAX_SECRET_INPUT:
        raise InvalidInput("Enter your PIN.", field="pin")
    claims, live = read_challenge(deps, challenge, TokenKind.PIN_CHALLENGE)
    # The challenge names the known device's id (the S10 counter's slot); `device` stays the
    # browser's own description, which the sessions list and the new-device notice show.
    known = claims.extra.get("dev", ANONYMOUS)
    slot = None if known == ANONYMOUS else known
    account = live(deps.accounts.get(claims.setting, claims.subject))
    if not deps.hasher.verify(account.pin_hash or "", pin):
        _count_failed_pin(deps, account, live, device)
    return PinChecked(account, slot, device, live, pin)


def read_challenge(
    deps: Deps, challenge: str, kind: TokenKind
) -> tuple[Claims, Callable[[Account | None], Account]]:
    """A live challenge's claims and the check that the account may still finish its attempt:
    the challenge's epoch, the account's status and PIN lock, and the password step's S10
    throttle, applied again at every write so each step stays single use."""
    try:
        claims = deps.tokens.read(challenge, kind)
    except Unauthenticated:
        raise Unauthenticated(CHALLENGE_FAILURE) from None
    epoch = claims.extra["epoch"]  # a challenge token always carries it (TokenKind.required_extra)
    now = deps.clock.now()
    if now >= claims.expires_at:  # exactly 5 minutes: the token check allows 30 s of clock skew
        raise Unauthenticated(CHALLENGE_FAILURE)
    device = claims.extra.get("dev", ANONYMOUS)
    slot = None if device == ANONYMOUS else device
    reserved = int(claims.extra.get("n", "0") or 0)

    def live(candidate: Account | None) -> Account:
        if candidate is None or not candidate.can_sign_in or epoch != str(candidate.challenge_epoch):
            raise Unauthenticated(CHALLENGE_FAILURE)
        if candidate.pin_locked:
            raise Unauthenticated(PIN_LOCKED)
        # The password step's lock and throttle, checked again: attempts counted after this
        # challenge's own (a burst it was part of) stop it, as they would have stopped it there.
        failures, until = candidate.attempts(slot)
        if failures > reserved:
            wait = refusal(failures, until, now, locks=slot is None)
            if wait == 0:
                raise Unauthenticated(CHALLENGE_FAILURE)
            if wait is not None:
                raise TooManyAttempts(TOO_MANY, retry_after=wait)
        return candidate

    return claims, live


def start_session(
    deps: Deps,
    checked: PinChecked,
    *,
    change: Callable[[Account], None] | None = None,
    action: str = "sign-in.pin",
) -> SignedIn:
    """Start a new server-side session (S16) for a finished sign-in, in the same write that spends
    the challenge and resets the counters; `change` adds a later step's own changes to that write."""
    account, slot, device, live, pin = (
        checked.account,
        checked.slot,
        checked.device,
        checked.live,
        checked.pin,
    )
    now = deps.clock.now()
    device_id = slot or new_secret(16)
    sid, session = new_session(deps, account, device)

    def succeed(fresh: Account) -> None:
        live(fresh)  # the challenge must still be live at the moment of writing: single use
        if change is not None:
            change(fresh)  # before the epoch moves on, so the step's own checks see its challenge
        fresh.void_challenges()
        fresh.failed_pins = 0
        fresh.record_attempts(slot, 0, None)  # S10: a success resets the counter
        fresh.remember_device(device_id, now, KNOWN_DEVICES)
        devices.label_device(fresh, device_id, device, now)
        if pin and deps.hasher.needs_rehash(fresh.pin_hash or ""):
            fresh.pin_hash = deps.hasher.hash(pin)  # S7

    saved = save_with_retry(deps, account, succeed, new_session=session)
    deps.audit(account.setting_id, account.user_id, action, account.user_id, "success")
    if slot is None:
        devices.notice_new_device(deps, saved, device, now)  # S36
    return signed_in(deps, saved, sid, session, device_id)


def new_session(deps: Deps, account: Account, device: str) -> tuple[str, Session]:
    """A new server-side session (S16) for any way of signing in: its id, which only the browser
    keeps (in the session token), and the row, which holds only the id's digest (S39)."""
    now = deps.clock.now()
    sid = new_secret()
    return sid, Session(
        setting_id=account.setting_id,
        user_id=account.user_id,
        digest=digest(sid),
        started_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(seconds=deps.config.session_absolute_seconds),
        device=device,
    )


def signed_in(deps: Deps, account: Account, sid: str, session: Session, device_id: str) -> SignedIn:
    """The session's token and the browser's device cookie (S10), once the session row is written."""
    token = deps.tokens.issue(
        TokenKind.SESSION,
        subject=account.user_id,
        setting=account.setting_id,
        lifetime_seconds=deps.config.session_absolute_seconds,
        claims={"sid": sid},
    )
    device_token = deps.tokens.issue(
        TokenKind.DEVICE,
        subject=account.user_id,
        setting=account.setting_id,
        lifetime_seconds=DEVICE_COOKIE_SECONDS,
        claims={"dev": device_id},
    )
    return SignedIn(token, account, session, device_token)


def _count_failed_pin(
    deps: Deps, account: Account, live: Callable[[Account | None], Account], browser: str
) -> None:
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

    saved = save_with_retry(deps, account, fail)
    if result["locked"]:
        deps.audit(account.setting_id, "anonymous", "sign-in.pin", account.user_id, "locked")
        setting = deps.settings.get(account.setting_id)
        deps.outbox.send(
            templates.pin_locked(
                saved.email,
                saved.name,
                setting.name if setting else account.setting_id,
                f"{deps.config.public_base_url}/forgot",
                browser,
                deps.clock.now(),
            )
        )
        raise Unauthenticated(PIN_LOCKED)
    deps.audit(account.setting_id, "anonymous", "sign-in.pin", account.user_id, "failure")
    if result["dead"]:
        raise Unauthenticated(CHALLENGE_FAILURE)
    raise Unauthenticated("That PIN is not right. Please try again.")


def save_with_retry(
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
