""" "Lost my phone": a manager-approved reset of someone's strong sign-in (S34).

A manager never reads, sets or removes another person's factor. What they can do, after their own
step-up (S35), is approve a reset: the owner is e-mailed at once, and nothing changes for 24 hours,
so an owner who did not ask can cancel it from My account (the manager can cancel it too). After
that, the owner's next sign-in with password and PIN takes every strong factor and recovery code
away, in the same ETag-guarded write that reads it, and the setting's policy leads them to enrol
again. Each step is in the audit log. Asking reveals nothing about the person's factors: the
answer is the same whether they have any or not.
"""

from __future__ import annotations

from datetime import datetime

from shared.domain.access import require_manager
from shared.domain.errors import Conflict, InvalidInput
from shared.domain.factors import SignInReset
from shared.domain.people import Account, Principal, Status
from shared.mail import factor_notices
from shared.services import membership
from shared.services.deps import Deps
from shared.services.signin import save_with_retry
from shared.services.step_up import require_recent_step_up

PERSON = "That person"
EVERYONE = membership.STAFF | membership.PARENTS


def ask(deps: Deps, principal: Principal, user_id: object) -> SignInReset:
    """A manager approves a reset of a person's strong sign-in; when it will take effect."""
    require_manager(principal)
    account = membership.member(deps, principal, user_id, EVERYONE, PERSON)  # 404 first (S24)
    if account.user_id == principal.user_id:
        raise InvalidInput(
            "You cannot reset your own strong sign-in. Sign in with a recovery code, or ask another "
            "manager of your setting."
        )
    if account.status is Status.DEACTIVATED:
        raise Conflict("This account is deactivated: there is nothing to reset.")
    require_recent_step_up(deps, principal)  # S35: a change to someone's factors
    reset = SignInReset(deps.clock.now(), principal.user_id, principal.name)

    def approve(fresh: Account) -> None:
        if fresh.factors.reset is None:  # asking again keeps the first clock running
            fresh.factors.reset = reset

    saved = save_with_retry(deps, account, approve)
    pending = saved.factors.reset or reset
    deps.audit(principal.setting_id, principal.user_id, "sign-in-reset.ask", account.user_id, "success")
    deps.outbox.send(
        factor_notices.sign_in_reset_asked(
            saved.email, saved.name, _setting_name(deps, saved), pending.asked_by_name,
            pending.takes_effect_at, pending.asked_at,
        )
    )  # fmt: skip
    return pending


def cancel(deps: Deps, principal: Principal, user_id: object) -> None:
    """A manager withdraws a reset of a person of their setting."""
    require_manager(principal)
    account = membership.member(deps, principal, user_id, EVERYONE, PERSON)
    _cancel(deps, principal, account)


def cancel_own(deps: Deps, principal: Principal) -> None:
    """The owner stops a reset they did not ask for. No step-up: it only keeps what they have."""
    account = deps.accounts.get(principal.setting_id, principal.user_id)
    if account is None:
        raise Conflict("There is no reset of your strong sign-in to cancel.")
    _cancel(deps, principal, account)


def _cancel(deps: Deps, principal: Principal, account: Account) -> None:
    if account.factors.reset is None:
        raise Conflict("There is no reset of strong sign-in to cancel.")

    def withdraw(fresh: Account) -> None:
        fresh.factors.reset = None

    saved = save_with_retry(deps, account, withdraw)
    deps.audit(principal.setting_id, principal.user_id, "sign-in-reset.cancel", account.user_id, "success")
    deps.outbox.send(
        factor_notices.sign_in_reset_cancelled(
            saved.email, saved.name, _setting_name(deps, saved), principal.name, deps.clock.now()
        )
    )


def take_effect_if_due(deps: Deps, account: Account, device: str) -> Account:
    """At sign-in: carry out a due reset before the factors are asked for; the account as it is now.

    The passkey rows go before the write that clears the reset, so a crash between the two leaves
    the reset due, and the next sign-in finishes it.
    """
    now = deps.clock.now()
    if not account.factors.reset_due(now):
        return account
    for passkey in deps.passkeys.of_user(account.setting_id, account.user_id):
        deps.passkeys.remove(account.setting_id, account.user_id, passkey.digest)

    def take_away(fresh: Account) -> None:
        if fresh.factors.reset_due(now):
            fresh.factors.take_away()

    saved = save_with_retry(deps, account, take_away)
    deps.audit(saved.setting_id, saved.user_id, "sign-in-reset.done", saved.user_id, "success")
    deps.outbox.send(
        factor_notices.sign_in_reset_done(saved.email, saved.name, _setting_name(deps, saved), device, now)
    )
    return saved


def takes_effect_at(account: Account) -> datetime | None:
    return account.factors.reset.takes_effect_at if account.factors.reset else None


def _setting_name(deps: Deps, account: Account) -> str:
    setting = deps.settings.get(account.setting_id)
    return setting.name if setting else account.setting_id
