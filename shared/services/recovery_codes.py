"""Recovery codes (S33): 10 single-use codes, shown once, kept only as peppered hashes."""

from __future__ import annotations

from shared.domain.errors import Conflict
from shared.domain.factors import RECOVERY_CODE_COUNT, Factors
from shared.domain.people import Account, Principal
from shared.security.recovery import RecoveryHasher, new_code
from shared.services.deps import Deps
from shared.services.signin import save_with_retry
from shared.services.step_up import require_recent_step_up


def hasher(deps: Deps) -> RecoveryHasher:
    return RecoveryHasher(deps.config.peppers, deps.config.pepper_current)


def fresh_set(deps: Deps, factors: Factors) -> list[str]:
    """Replace the account's codes with a new set (voiding the old) and return the new codes."""
    codes = [new_code() for _ in range(RECOVERY_CODE_COUNT)]
    keyed = hasher(deps)
    factors.recovery_codes = [keyed.hash(code) for code in codes]
    return codes


def regenerate(deps: Deps, principal: Principal) -> list[str]:
    """A new set of codes after a step-up; every code of the old set stops working."""
    require_recent_step_up(deps, principal)
    account = deps.accounts.get(principal.setting_id, principal.user_id)
    if account is None or not account.factors.strong:
        raise Conflict("Recovery codes come with strong sign-in: add an authenticator app or passkey first.")
    codes: list[str] = []

    def renew(fresh: Account) -> None:
        codes[:] = fresh_set(deps, fresh.factors)

    save_with_retry(deps, account, renew)
    deps.audit(principal.setting_id, principal.user_id, "recovery-codes.regenerate", principal.user_id,
               "success")  # fmt: skip
    return codes
