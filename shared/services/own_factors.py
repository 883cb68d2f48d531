"""A signed-in person's own strong sign-in, from My account: what they have, and changing it.

Every change needs a step-up first (S35), and each works only on the caller's own account:
there is no way to name someone else's, so no manager can read, set or remove another person's
factor (S34).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain.errors import Unauthenticated
from shared.domain.factors import Method, SignInReset
from shared.domain.people import Account, Principal
from shared.domain.strong_sign_in import enrolment_due, required_of
from shared.services import authenticator
from shared.services.deps import Deps
from shared.services.signin import save_with_retry
from shared.services.step_up import require_recent_step_up


@dataclass(frozen=True, repr=False)
class FactorsView:
    authenticator: bool
    authenticator_added_at: datetime | None
    codes_locked: bool
    recovery_codes_left: int
    passkeys: int
    step_up_method: Method
    required: bool
    enrol_by: datetime | None
    reset: SignInReset | None  # a manager-approved reset waiting to take effect (S34)


def view(deps: Deps, principal: Principal) -> FactorsView:
    account = _own(deps, principal)
    factors = account.factors
    setting = deps.settings.get(account.setting_id)
    required = setting is not None and required_of(setting, account.role)
    due = enrolment_due(setting, account.role, factors, deps.clock.now()) if setting else None
    app = factors.authenticator
    return FactorsView(
        authenticator=factors.has_authenticator,
        authenticator_added_at=app.added_at if app and app.confirmed else None,
        codes_locked=factors.codes_locked,
        recovery_codes_left=len(factors.recovery_codes),
        passkeys=len(factors.passkeys),
        step_up_method=factors.strongest(),
        required=required,
        enrol_by=due.enrol_by if due else None,
        reset=factors.reset,
    )


def begin_authenticator(deps: Deps, principal: Principal) -> authenticator.Enrolment:
    require_recent_step_up(deps, principal)
    return authenticator.begin(deps, _own(deps, principal))


def confirm_authenticator(deps: Deps, principal: Principal, code: object, *, device: str) -> list[str]:
    """Finish enrolment with one code; returns the recovery codes when this is the first strong
    factor (shown once), else an empty list."""
    require_recent_step_up(deps, principal)
    account = _own(deps, principal)
    proof = authenticator.check_enrolment(deps, account, code)
    saved = save_with_retry(deps, proof.account, proof.spend)
    authenticator.enrolled(deps, saved, device=device)
    return list(proof.new_codes)


def _own(deps: Deps, principal: Principal) -> Account:
    account = deps.accounts.get(principal.setting_id, principal.user_id)
    if account is None or not account.can_sign_in:
        raise Unauthenticated("You are signed out. Please sign in again.")
    return account
