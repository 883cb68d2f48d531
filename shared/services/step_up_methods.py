"""The methods a step-up accepts (S35), registered by name with shared.services.step_up.

The composition root imports this module once; the passkey method registers itself the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.domain.errors import InvalidInput
from shared.domain.factors import Method
from shared.domain.people import Account
from shared.services import authenticator
from shared.services.deps import Deps
from shared.services.signin import check_current_password, save_with_retry
from shared.services.step_up import register_verifier


def by_password(deps: Deps, account: Account, proof: Mapping[str, object]) -> None:
    """The current password, under the sign-in counter and throttle (S10)."""
    checked = check_current_password(deps, account, proof.get("password"), field="password")
    deps.accounts.save(checked)


def by_code(deps: Deps, account: Account, proof: Mapping[str, object]) -> None:
    """An authenticator code or a recovery code, each accepted once (S32, S33); the proof's
    `device` (the browser asking) goes into the owner's notices (S36)."""
    device = str(proof.get("device") or "")
    checked = authenticator.check_code(
        deps, account, code=proof.get("code"), recovery_code=proof.get("recoveryCode"), device=device
    )
    fresh = save_with_retry(deps, checked.account, checked.spend)
    authenticator.spent(deps, fresh, checked, device=device)


def by_recovery_code(deps: Deps, account: Account, proof: Mapping[str, object]) -> None:
    """A passkey owner's proof without the passkey: a recovery code (S33), never the password
    nor an authenticator code, which are weaker than the passkey they would stand in for. The
    passkey itself proves a step-up through its own ceremony (shared.services.passkeys)."""
    if proof.get("recoveryCode") in (None, ""):
        raise InvalidInput("Use your passkey, or a recovery code if you have lost it.", field="recoveryCode")
    by_code(deps, account, {"recoveryCode": proof["recoveryCode"], "device": proof.get("device")})


register_verifier(Method.PASSKEY, by_recovery_code)
register_verifier(Method.PASSWORD, by_password)
register_verifier(Method.AUTHENTICATOR, by_code)
