"""The authenticator app (S32): enrolment, confirmation, removal, and checking a code.

A code check is counted BEFORE it is verified, like a password (S10): the count is written under
the account's ETag, so parallel guesses are all counted and at most 5 are checked per sign-in
attempt. The success (the spent time-step, a spent recovery code, the counters reset) is applied
by the caller in its own write, also under the ETag, so a code is accepted once even when two
requests race with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from shared.domain import totp
from shared.domain.errors import Conflict, InvalidInput, JournalError, Unauthenticated
from shared.domain.factors import CODE_LOCK_AT, CODE_TRIES_PER_CHALLENGE, Authenticator
from shared.domain.people import Account, Principal
from shared.mail import factor_notices
from shared.media.qr import qr_svg
from shared.security.sealing import Sealer
from shared.services import recovery_codes
from shared.services.deps import Deps
from shared.services.signin import save_with_retry
from shared.services.step_up import require_recent_step_up

Live = Callable[[Account | None], Account]

WRONG_CODE = "That code is not right. Check the time on your phone and try the newest code."
USED_CODE = "That code has been used already. Please wait for the next one."
LOCKED = (
    "Sign-in with codes is locked after too many wrong codes. Use 'Forgotten your password or PIN?' "
    "to get a reset link; it unlocks them."
)
TOO_MANY_CODES = "Too many wrong codes. Please sign in again."
NO_CODES = "This account has no authenticator app or recovery codes."


@dataclass(frozen=True, repr=False)
class Enrolment:
    """What the person copies into their app: shown once, never stored in the clear."""

    secret: str
    uri: str
    qr_svg: str


@dataclass(repr=False)
class Proof:
    """A right code, not yet spent: `spend` applies it in the caller's write (and refuses a code
    spent meanwhile); `new_codes` are recovery codes the write created, to show once."""

    spend: Callable[[Account], None]
    account: Account  # as saved by the count, so the spending write starts from its ETag
    recovery_used: bool = False
    new_codes: list[str] = field(default_factory=list)


def sealer(deps: Deps) -> Sealer:
    return Sealer(deps.config.sealing_keys, deps.config.sealing_current)


def _owner(account: Account) -> str:
    # Bound into the ciphertext (AEAD associated data): a sealed secret opens for this account only.
    return f"{account.setting_id}/{account.user_id}/authenticator"


def begin(deps: Deps, account: Account) -> Enrolment:
    """Start enrolment with a fresh secret (replacing an unfinished one); the caller has checked
    that the person may (a step-up, or a live enrolment challenge)."""
    if account.factors.has_authenticator:
        raise Conflict("You already have an authenticator app. Remove it first to set up another.")
    secret = totp.new_secret()
    seal = sealer(deps)
    now = deps.clock.now()

    def start(fresh: Account) -> None:
        if fresh.factors.has_authenticator:
            raise Conflict("You already have an authenticator app. Remove it first to set up another.")
        fresh.factors.authenticator = Authenticator(seal.seal(secret.encode(), _owner(fresh)), added_at=now)

    save_with_retry(deps, account, start)
    deps.audit(account.setting_id, account.user_id, "factor.authenticator.begin", account.user_id, "success")
    uri = totp.provisioning_uri(secret, account.email)
    return Enrolment(secret, uri, qr_svg(uri))


def check_enrolment(deps: Deps, account: Account, code: object, *, live: Live | None = None) -> Proof:
    """Check the first code of an unfinished enrolment; the proof's spend confirms the app and,
    for a first strong factor, creates the recovery codes (S33)."""
    pending = account.factors.pending_authenticator
    if pending is None:
        raise Conflict("Start setting up the authenticator app first.")
    if live is not None:
        account = _count(deps, account, live, in_challenge=True)
    secret = sealer(deps).open(pending.sealed_secret, _owner(account)).decode()
    step = totp.matching_step(secret, str(code) if isinstance(code, str) else "", deps.clock.now())
    if step is None:
        if live is not None and account.factors.code_tries >= CODE_TRIES_PER_CHALLENGE:
            raise Unauthenticated(TOO_MANY_CODES)
        raise _wrong(WRONG_CODE, live is not None)
    proof = Proof(spend=lambda _: None, account=account)
    now = deps.clock.now()

    def spend(fresh: Account) -> None:
        if live is not None:
            live(fresh)
        app = fresh.factors.pending_authenticator
        if app is None or app.sealed_secret != pending.sealed_secret:
            raise Conflict("This set-up was replaced or finished meanwhile. Please start again.")
        first = not fresh.factors.strong
        app.confirmed, app.last_step, app.added_at = True, step, now
        fresh.factors.code_failures = fresh.factors.code_tries = 0
        proof.new_codes[:] = recovery_codes.fresh_set(deps, fresh.factors) if first else []

    proof.spend = spend
    return proof


def enrolled(deps: Deps, account: Account, *, device: str) -> None:
    """After the write that confirmed the app: the audit entry and the owner's notice (S36)."""
    deps.audit(account.setting_id, account.user_id, "factor.authenticator.add", account.user_id, "success")
    deps.outbox.send(
        factor_notices.authenticator_added(
            account.email, account.name, _setting_name(deps, account), device, deps.clock.now()
        )
    )


def check_code(
    deps: Deps,
    account: Account,
    *,
    code: object = None,
    recovery_code: object = None,
    live: Live | None = None,
    device: str,
) -> Proof:
    """Check an authenticator code (or, in its place, a recovery code) for sign-in (with `live`,
    the attempt's own checks) or step-up. Counted before it is checked; wrong ones raise."""
    in_challenge = live is not None
    account = _count(deps, account, live, in_challenge=in_challenge)
    factors = account.factors
    step: int | None = None
    matched: str | None = None
    if recovery_code not in (None, ""):
        matched = recovery_codes.hasher(deps).match(factors.recovery_codes, recovery_code)
        right = matched is not None
    else:
        app = factors.authenticator
        if app is None or not app.confirmed:
            raise _wrong(WRONG_CODE, in_challenge)
        secret = sealer(deps).open(app.sealed_secret, _owner(account)).decode()
        step = totp.matching_step(secret, code if isinstance(code, str) else "", deps.clock.now())
        right = step is not None and step > app.last_step
    if not right:
        _refuse(deps, account, in_challenge, used=step is not None, device=device)

    def spend(fresh: Account) -> None:
        if live is not None:
            live(fresh)
        if matched is not None:
            if matched not in fresh.factors.recovery_codes:
                raise _wrong(USED_CODE, in_challenge)
            fresh.factors.recovery_codes.remove(matched)
        elif step is not None:
            app = fresh.factors.authenticator
            if app is None or step <= app.last_step:  # spent by a racing request: once only
                raise _wrong(USED_CODE, in_challenge)
            app.last_step = step
        fresh.factors.code_failures = fresh.factors.code_tries = 0

    return Proof(spend, account, recovery_used=matched is not None)


def spent(deps: Deps, account: Account, proof: Proof, *, device: str) -> None:
    """After the write that spent a proof: tell the owner of a used recovery code (S33, S36)."""
    if proof.recovery_used:
        left = len(account.factors.recovery_codes)
        deps.audit(account.setting_id, account.user_id, "recovery-code.use", account.user_id, "success")
        deps.outbox.send(
            factor_notices.recovery_code_used(
                account.email, account.name, _setting_name(deps, account), left, device, deps.clock.now()
            )
        )


def _count(deps: Deps, account: Account, live: Live | None, *, in_challenge: bool) -> Account:
    """Count one code attempt before it is checked (S10's way): refused unchecked when codes are
    locked or the sign-in attempt has used its 5 tries."""

    def count(fresh: Account) -> None:
        if live is not None:
            live(fresh)
        factors = fresh.factors
        if not factors.strong and not factors.pending_authenticator:
            raise _wrong(NO_CODES, in_challenge)
        if factors.codes_locked:
            raise _wrong(LOCKED, in_challenge)
        if in_challenge and factors.code_tries >= CODE_TRIES_PER_CHALLENGE:
            raise Unauthenticated(TOO_MANY_CODES)
        factors.code_failures += 1
        if in_challenge:
            factors.code_tries += 1

    return save_with_retry(deps, account, count)


def _refuse(deps: Deps, account: Account, in_challenge: bool, *, used: bool, device: str) -> None:
    """The answer to a counted, wrong code; at the 10th in a row, lock codes and tell the owner."""
    factors = account.factors
    if factors.code_failures >= CODE_LOCK_AT:
        deps.audit(account.setting_id, "anonymous", "sign-in.code", account.user_id, "locked")
        deps.outbox.send(
            factor_notices.authenticator_locked(
                account.email,
                account.name,
                _setting_name(deps, account),
                f"{deps.config.public_base_url}/forgot",
                device,
                deps.clock.now(),
            )
        )
        raise _wrong(LOCKED, in_challenge)
    deps.audit(account.setting_id, account.user_id if not in_challenge else "anonymous", "sign-in.code"
               if in_challenge else "step-up.code", account.user_id, "failure")  # fmt: skip
    if in_challenge and factors.code_tries >= CODE_TRIES_PER_CHALLENGE:
        raise Unauthenticated(TOO_MANY_CODES)
    raise _wrong(USED_CODE if used else WRONG_CODE, in_challenge)


def _wrong(message: str, in_challenge: bool) -> JournalError:
    # At sign-in a wrong code is a 401 like a wrong PIN; in a signed-in dialog it is a 400 on the
    # field, so the client does not take it for a lost session.
    return Unauthenticated(message) if in_challenge else InvalidInput(message, field="code")


def remove(deps: Deps, principal: Principal, *, device: str) -> None:
    """Remove the caller's own authenticator after a step-up (nobody can remove another's, S34);
    recovery codes go with it unless a passkey remains."""
    require_recent_step_up(deps, principal)
    account = deps.accounts.get(principal.setting_id, principal.user_id)
    if account is None or account.factors.authenticator is None:
        raise Conflict("There is no authenticator app to remove.")
    was_enrolled = account.factors.has_authenticator

    def drop(fresh: Account) -> None:
        fresh.factors.authenticator = None
        if not fresh.factors.passkeys:
            fresh.factors.recovery_codes = []

    save_with_retry(deps, account, drop)
    if was_enrolled:
        deps.audit(principal.setting_id, principal.user_id, "factor.authenticator.remove", principal.user_id,
                   "success")  # fmt: skip
        deps.outbox.send(factor_notices.authenticator_removed(account.email, account.name,
                         _setting_name(deps, account), device, deps.clock.now()))  # fmt: skip


def _setting_name(deps: Deps, account: Account) -> str:
    setting = deps.settings.get(account.setting_id)
    return setting.name if setting else account.setting_id
