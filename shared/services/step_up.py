"""Step-up (S35): a fresh proof, with the strongest method the user has, before a sensitive change.

A step-up is recorded on the session and lasts 5 minutes. Verifiers are looked up by method name,
so another method (passkeys) adds itself with `register_verifier` without changing this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from shared.domain.factors import Method
from shared.domain.people import Account, Principal
from shared.services.deps import Deps

STEP_UP_SECONDS = 5 * 60
STEP_UP_NEEDED = "Please confirm it is you first: this change needs a fresh check."


class StepUpRequired(Forbidden):
    """The change needs a step-up on this session within the last 5 minutes (S35)."""

    code = "step_up_required"


# Checks a proof for the account; raises a domain error when it is wrong; returns the account as
# it must be saved (counters reset, a code step spent) or None when the verifier saved it itself.
Verifier = Callable[[Deps, Account, Mapping[str, object]], None]
_VERIFIERS: dict[str, Verifier] = {}


def register_verifier(method: Method | str, verifier: Verifier) -> None:
    """Let `method` prove a step-up (the password and authenticator verifiers register below)."""
    _VERIFIERS[str(method)] = verifier


def require_recent_step_up(deps: Deps, principal: Principal) -> None:
    """Raise StepUpRequired unless this session stepped up within the last 5 minutes: through
    POST /api/account/step-up (recorded on the session) or with a passkey (recorded by the
    passkey store, shared.services.passkeys)."""
    if _recent(deps, principal.stepped_up_at):
        return
    if _recent(
        deps, deps.passkeys.fresh_at(principal.setting_id, principal.user_id, principal.session_digest)
    ):
        return
    raise StepUpRequired(STEP_UP_NEEDED)


def _recent(deps: Deps, at: datetime | None) -> bool:
    return at is not None and deps.clock.now() < at + timedelta(seconds=STEP_UP_SECONDS)


def method_for(deps: Deps, principal: Principal) -> Method:
    """The method a step-up asks this person for: the strongest they have."""
    return _account(deps, principal).factors.strongest()


def step_up(deps: Deps, principal: Principal, *, method: object, proof: Mapping[str, object]) -> datetime:
    """Check a proof by the strongest method the account has; record it on the session.

    Returns when the step-up stops counting. A weaker method than the account's strongest is
    refused, so a stolen password never stands in for the authenticator.
    """
    account = _account(deps, principal)
    if account.factors.reset_due(deps.clock.now()):
        # The factors a manager's reset is taking away (a lost phone, S34) prove nothing now, from
        # a session opened before the reset took effect as from any other.
        deps.audit(account.setting_id, account.user_id, "step-up", account.user_id, "failure", "reset-due")
        raise Conflict(RESET_DUE)
    strongest = account.factors.strongest()
    verifier = _VERIFIERS.get(strongest.value)
    if method != strongest.value or verifier is None:  # an unloaded method refuses rather than passes
        raise weaker_method(strongest)
    try:
        verifier(deps, account, proof)
    except (InvalidInput, Unauthenticated):
        deps.audit(
            account.setting_id, account.user_id, "step-up", account.user_id, "failure", strongest.value
        )
        raise
    now = deps.clock.now()
    try:
        deps.accounts.record_step_up(principal.setting_id, principal.user_id, principal.session_digest, now)
    except NotFound:
        raise Unauthenticated("You are signed out. Please sign in again.") from None
    deps.audit(account.setting_id, account.user_id, "step-up", account.user_id, "success", strongest.value)
    return now + timedelta(seconds=STEP_UP_SECONDS)


RESET_DUE = (
    "Your strong sign-in has been reset. Sign out, then sign in with your password and PIN to set "
    "it up again."
)


def weaker_method(strongest: Method) -> InvalidInput:
    """The refusal of a proof by anything but the account's strongest method."""
    return InvalidInput(f"Confirm it is you with your {_NAMES[strongest]}.", field="method")


_NAMES = {
    Method.PASSKEY: "passkey (or, if you have lost it, a recovery code)",
    Method.AUTHENTICATOR: "authenticator app code (or a recovery code)",
    Method.PASSWORD: "password",
}


def _account(deps: Deps, principal: Principal) -> Account:
    account = deps.accounts.get(principal.setting_id, principal.user_id)
    if account is None or not account.can_sign_in:
        raise Unauthenticated("You are signed out. Please sign in again.")
    return account
