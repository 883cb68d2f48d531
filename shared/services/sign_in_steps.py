"""The steps after a right PIN: an authenticator code (S32), or enrolment when the setting
requires strong sign-in and the account has no strong factor yet (S34).

Each step has its own challenge kind, living 5 minutes, bound to the account's challenge epoch
like the PIN challenge (S11): the write that starts a session moves the epoch on, so a challenge
is used once. A password + PIN without a strong factor still signs in where nothing is required.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.domain.errors import Forbidden, Unauthenticated
from shared.domain.factors import Method
from shared.domain.people import Account
from shared.domain.strong_sign_in import EnrolmentDue, enrolment_due
from shared.domain.throttle import CHALLENGE_SECONDS
from shared.security.tokens import TokenKind
from shared.services import authenticator, sign_in_reset
from shared.services.deps import Deps
from shared.services.signin import (
    ANONYMOUS,
    CHALLENGE_FAILURE,
    PinChecked,
    SignedIn,
    check_pin,
    read_challenge,
    save_with_retry,
    start_session,
)

RECOVERY_CODE = "recoveryCode"
ENROLMENT_REQUIRED = (
    "Your setting asks you to set up strong sign-in before you carry on. It takes a minute with an "
    "authenticator app on your phone."
)


class EnrolmentRequired(Forbidden):
    """The grace to add a strong factor has passed: only enrolment can finish this sign-in (S34)."""

    code = "enrolment_required"


@dataclass(frozen=True, repr=False)
class NextStep:
    """What the sign-in needs next: "code" or "enrol", with its challenge; for "code", the ways
    the person can finish (a passkey finishes through its own sign-in, which needs no code)."""

    kind: str
    token: str
    expires_at: datetime
    enrol_by: datetime | None = None
    can_skip: bool = False
    methods: tuple[str, ...] = ()


def after_pin(deps: Deps, *, challenge: object, pin: object, device: str) -> SignedIn | NextStep:
    """Check the PIN; then start the session, or hand out the code or enrolment step."""
    checked = check_pin(deps, challenge=challenge, pin=pin, device=device)
    account = sign_in_reset.take_effect_if_due(deps, checked.account, device)
    checked = replace(checked, account=account)
    if account.factors.strong:
        return _next(deps, checked, TokenKind.CODE_CHALLENGE, None)
    due = _due(deps, account)
    if due is None:
        return start_session(deps, checked)
    return _next(deps, checked, TokenKind.ENROL_CHALLENGE, due)


def _due(deps: Deps, account: Account) -> EnrolmentDue | None:
    if not account.role.is_staff:  # parents may opt in and are never required: no setting read
        return None
    setting = deps.settings.get(account.setting_id)
    return enrolment_due(setting, account.role, account.factors, deps.clock.now()) if setting else None


def _next(deps: Deps, checked: PinChecked, kind: TokenKind, due: EnrolmentDue | None) -> NextStep:
    """Spend the PIN challenge and issue the next step's, in one write that also starts this
    attempt's count of codes and, the first time enrolment is asked, its grace."""
    now = deps.clock.now()

    def advance(fresh: Account) -> None:
        checked.live(fresh)
        fresh.void_challenges()
        fresh.failed_pins = 0
        fresh.record_attempts(checked.slot, 0, None)  # S10: password and PIN were right
        fresh.factors.code_tries = 0
        if due is not None and fresh.factors.enrol_asked_at is None:
            fresh.factors.enrol_asked_at = now

    saved = save_with_retry(deps, checked.account, advance)
    deps.audit(saved.setting_id, saved.user_id, "sign-in.pin", saved.user_id, "success", kind.value)
    token = deps.tokens.issue(
        kind,
        subject=saved.user_id,
        setting=saved.setting_id,
        lifetime_seconds=CHALLENGE_SECONDS,
        # "n": the S10 counter was reset by this write; attempts counted after it stop this step.
        # "ua": the browser's own description (not a secret), for the session and the S36 notice.
        claims={
            "epoch": str(saved.challenge_epoch),
            "dev": checked.slot or ANONYMOUS,
            "n": "0",
            "ua": checked.device[:80],
        },
    )
    expires = now + timedelta(seconds=CHALLENGE_SECONDS)
    if kind is TokenKind.CODE_CHALLENGE:
        strong = tuple(m.value for m in saved.factors.methods() if m is not Method.PASSWORD)
        return NextStep("code", token, expires, methods=(*strong, RECOVERY_CODE))
    if due is None:
        return NextStep("enrol", token, expires)
    return NextStep("enrol", token, expires, enrol_by=due.enrol_by, can_skip=not due.overdue)


def _checked(deps: Deps, challenge: object, kind: TokenKind) -> PinChecked:
    """The account behind a live code or enrolment challenge, as a finished PIN step."""
    if not isinstance(challenge, str) or not challenge or len(challenge) > 4096:
        raise Unauthenticated(CHALLENGE_FAILURE)
    claims, live = read_challenge(deps, challenge, kind)
    known = claims.extra.get("dev", ANONYMOUS)
    account = live(deps.accounts.get(claims.setting, claims.subject))
    return PinChecked(
        account, None if known == ANONYMOUS else known, claims.extra.get("ua") or ANONYMOUS, live
    )


def complete_with_code(deps: Deps, *, challenge: object, code: object, recovery_code: object) -> SignedIn:
    """The third step: an authenticator code, or a recovery code in its place (S32, S33)."""
    checked = _checked(deps, challenge, TokenKind.CODE_CHALLENGE)
    proof = authenticator.check_code(
        deps,
        checked.account,
        code=code,
        recovery_code=recovery_code,
        live=checked.live,
        device=checked.device,
    )
    counted = PinChecked(proof.account, checked.slot, checked.device, checked.live)
    done = start_session(deps, counted, change=proof.spend, action="sign-in.code")
    authenticator.spent(deps, done.account, proof, device=checked.device)
    return done


def begin_enrolment(deps: Deps, *, challenge: object) -> authenticator.Enrolment:
    """Enrolment inside a sign-in: the challenge proves password and PIN a moment ago."""
    checked = _checked(deps, challenge, TokenKind.ENROL_CHALLENGE)
    return authenticator.begin(deps, checked.account)


def confirm_enrolment(deps: Deps, *, challenge: object, code: object) -> tuple[SignedIn, list[str]]:
    """Confirm the app with one code and start the session; returns it and the recovery codes."""
    checked = _checked(deps, challenge, TokenKind.ENROL_CHALLENGE)
    proof = authenticator.check_enrolment(deps, checked.account, code, live=checked.live)
    counted = PinChecked(proof.account, checked.slot, checked.device, checked.live)
    done = start_session(deps, counted, change=proof.spend, action="sign-in.enrol")
    authenticator.enrolled(deps, done.account, device=checked.device)
    return done, list(proof.new_codes)


def skip_enrolment(deps: Deps, *, challenge: object) -> SignedIn:
    """ "Later": allowed while the grace lasts; after it, only enrolment finishes the sign-in."""
    checked = _checked(deps, challenge, TokenKind.ENROL_CHALLENGE)
    due = _due(deps, checked.account)
    if due is not None and due.overdue:
        raise EnrolmentRequired(ENROLMENT_REQUIRED)
    return start_session(deps, checked, action="sign-in.pin")
