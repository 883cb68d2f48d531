"""Accounts as a manager administers them: finding one in the caller's own setting, deactivating
and reactivating it, and never leaving a setting without an active manager (S18, S24)."""

from __future__ import annotations

from collections.abc import Callable, Collection

from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.identifiers import clean_id
from shared.domain.people import Account, Principal, Role, Status
from shared.domain.settings import Setting
from shared.services.deps import Deps

STAFF = frozenset({Role.MANAGER, Role.PRACTITIONER})
PARENTS = frozenset({Role.PARENT})
LAST_MANAGER = (
    "A setting needs at least one active manager. Make someone else a manager before you "
    "demote or deactivate this one."
)
# Each retry re-reads and re-counts; more than a few lost races in a row means heavy contention.
_ATTEMPTS = 5


def setting_of(deps: Deps, principal: Principal) -> Setting:
    """The caller's setting; its id comes only from the session (S23)."""
    setting = deps.settings.get(principal.setting_id)
    if setting is None:
        raise NotFound("Your setting was not found.")
    return setting


def member(deps: Deps, principal: Principal, user_id: object, roles: Collection[Role], what: str) -> Account:
    """An account of the caller's setting with one of `roles`; anything else is simply not found (S24)."""
    account = deps.accounts.get(principal.setting_id, clean_id(user_id, what=what))
    if account is None or account.role not in roles:
        raise NotFound(f"{what} was not found.")
    return account


def _is_active_manager(account: Account) -> bool:
    return account.role is Role.MANAGER and account.status is Status.ACTIVE


def change_account(
    deps: Deps,
    principal: Principal,
    user_id: str,
    roles: Collection[Role],
    what: str,
    change: Callable[[Account], None],
    *,
    end_sessions: bool = False,
) -> Account:
    """Read, change and save an account; refuse a change that would leave no active manager.

    A change that takes away an active manager is saved together with the setting's manager guard
    row, under the guard's ETag read before counting, so two managers demoting each other at the
    same moment cannot both succeed: the loser re-counts and gets the Conflict.
    """
    for _ in range(_ATTEMPTS):
        guard = deps.accounts.manager_guard(principal.setting_id)
        account = member(deps, principal, user_id, roles, what)
        was_manager = _is_active_manager(account)
        change(account)
        try:
            if was_manager and not _is_active_manager(account):
                others = [
                    a
                    for a in deps.accounts.in_setting(principal.setting_id)
                    if _is_active_manager(a) and a.user_id != account.user_id
                ]
                if not others:
                    # S29: a refused permission change is recorded too, so attempts are visible.
                    deps.audit(principal.setting_id, principal.user_id, "account.last-manager",
                               account.user_id, "refused")  # fmt: skip
                    raise Conflict(LAST_MANAGER)
                deps.accounts.save_guarded(account, guard, end_sessions=end_sessions)
            else:
                deps.accounts.save(account, end_sessions=end_sessions)
        except ConcurrencyConflict:
            continue
        return account
    raise ConcurrencyConflict("Others are changing this account right now. Please try again.")


def deactivate(
    deps: Deps, principal: Principal, user_id: object, roles: Collection[Role], what: str
) -> Account:
    """Deactivate an account: its links die and every session ends in the same write (S13, S18)."""
    uid = clean_id(user_id, what=what)
    now = deps.clock.now()
    account = change_account(
        deps, principal, uid, roles, what, lambda a: a.deactivate(now), end_sessions=True
    )
    deps.audit(principal.setting_id, principal.user_id, "account.deactivate", account.user_id, "success")
    return account


def _reactivated(account: Account) -> None:
    if account.status is Status.DEACTIVATED:
        # Someone who never activated goes back to waiting for an invitation link.
        account.status = Status.ACTIVE if account.password_hash else Status.INVITED
        account.deactivated_at = None


def reactivate(
    deps: Deps, principal: Principal, user_id: object, roles: Collection[Role], what: str
) -> Account:
    """Let a deactivated account sign in again (or, if it never activated, be invited again)."""
    uid = clean_id(user_id, what=what)
    account = change_account(deps, principal, uid, roles, what, _reactivated)
    deps.audit(principal.setting_id, principal.user_id, "account.reactivate", account.user_id, "success")
    return account
