"""Setting and changing passwords and PINs: activation, reset links and changes (S1-S4, S12-S15).

Nobody but the account's owner ever chooses or sees a password or PIN; administrators can only
send a link.
"""

from __future__ import annotations

from datetime import timedelta

from shared.domain.errors import ConcurrencyConflict, InvalidInput, Unauthenticated
from shared.domain.passwords import check_password
from shared.domain.people import Account, LinkKind, Principal, Status, normalise_email
from shared.domain.pins import check_pin
from shared.domain.settings import clean_setting_ref
from shared.domain.throttle import RESET_MAILS_PER_HOUR
from shared.mail import templates
from shared.services.deps import Deps
from shared.services.links import INVALID_LINK, account_for_link, arm_link
from shared.services.signin import check_current_password
from shared.services.step_up import require_recent_step_up


def _personal_words(deps: Deps, account: Account) -> list[str]:
    setting = deps.settings.get(account.setting_id)
    return [account.name, account.email, setting.name if setting else account.setting_id]


def _setting_name(deps: Deps, setting_id: str) -> str:
    setting = deps.settings.get(setting_id)
    return setting.name if setting else setting_id


def _new_password(deps: Deps, account: Account, password: object, *, field: str = "password") -> str:
    if not isinstance(password, str):
        raise InvalidInput("Choose a password.", field=field)
    personal = _personal_words(deps, account)
    try:
        check_password(password, min_length=deps.config.password_min_length, personal=personal)
        # Asked only for a password the offline rules accept, so nothing about a refused one leaves
        # the app; no answer (None) leaves the decision to the offline lists (S2).
        breached = deps.breaches.is_breached(password)
        if breached:
            check_password(
                password, min_length=deps.config.password_min_length, personal=personal, breached=True
            )
    except InvalidInput as error:
        raise InvalidInput(error.message, field=field) from None
    return password


def _new_pin(pin: object, *, field: str = "pin") -> str:
    if not isinstance(pin, str):
        raise InvalidInput("Choose a PIN of 6 to 8 digits.", field=field)
    try:
        check_pin(pin)
    except InvalidInput as error:
        raise InvalidInput(error.message, field=field) from None
    return pin


def activate(deps: Deps, *, token: object, password: object, pin: object) -> Account:
    """First-time activation from an invitation: set password and PIN; sign-in follows."""
    account = account_for_link(deps, token, LinkKind.ACTIVATION)
    if account.status is not Status.INVITED:
        raise Unauthenticated(INVALID_LINK)
    password_text = _new_password(deps, account, password)
    pin_text = _new_pin(pin)
    account.password_hash = deps.hasher.hash(password_text)
    account.pin_hash = deps.hasher.hash(pin_text)
    account.status = Status.ACTIVE
    account.void_links()
    _consume(deps, account)
    deps.audit(account.setting_id, account.user_id, "account.activate", account.user_id, "success")
    return account


def request_reset(deps: Deps, *, setting: object, email: object) -> None:
    """Queue a reset request. The same answer and the same work whether or not the account exists (S12)."""
    deps.resets.submit(clean_setting_ref(setting), normalise_email(email))


def process_reset_request(deps: Deps, setting_id: str, email: str) -> None:
    """The background half of a reset request: mail a link if the account exists and may have one."""
    account = deps.accounts.find_by_email(setting_id, email)
    if account is None and deps.settings.get(setting_id) is None:
        # A setting that does not exist has no audit log of its own: writing one would let anyone
        # fill partitions of their choosing that the purge never visits (S10).
        return
    if account is None or account.status is not Status.ACTIVE:
        deps.audit(
            setting_id, "anonymous", "reset.request", account.user_id if account else "unknown", "ignored"
        )
        return
    now = deps.clock.now()
    recent = [t for t in account.reset_mails if t > now - timedelta(hours=1)]
    if len(recent) >= RESET_MAILS_PER_HOUR:
        deps.audit(setting_id, "anonymous", "reset.request", account.user_id, "throttled")
        return
    account.reset_mails = [*recent, now]
    instruction = arm_link(account, LinkKind.RESET)  # a newer link voids the older ones (S13)
    deps.accounts.save(account)
    # The reset mail goes to the account's current address: a pending e-mail change is not
    # in effect until the new address confirms it (S38).
    deps.link_mails.submit(instruction)
    deps.audit(setting_id, "anonymous", "reset.request", account.user_id, "success")


def confirm_reset(
    deps: Deps, *, token: object, password: object, pin: object = None, device: str = ""
) -> Account:
    """Set a new password (and PIN, if given) from a reset link; every session ends (S15, S18)."""
    account = account_for_link(deps, token, LinkKind.RESET)
    password_text = _new_password(deps, account, password)
    pin_text = _new_pin(pin) if pin not in (None, "") else None
    account.password_hash = deps.hasher.hash(password_text)
    if pin_text is not None:
        account.pin_hash = deps.hasher.hash(pin_text)
    # Using a reset link is what unlocks a locked sign-in or PIN (S10, S11).
    account.failed_logins = 0
    account.throttled_until = None
    account.failed_pins = 0
    account.pin_locked = False
    account.factors.unlock()  # S32: and the authenticator's code lock, without removing it
    account.void_challenges()
    account.void_links()
    _consume(deps, account, end_sessions=True)
    deps.outbox.send(
        templates.password_changed(
            account.email, account.name, _setting_name(deps, account.setting_id), device, deps.clock.now()
        )
    )
    deps.audit(account.setting_id, account.user_id, "reset.confirm", account.user_id, "success")
    return account


def _consume(deps: Deps, account: Account, *, end_sessions: bool = False) -> None:
    """Save under the ETag read with the link: of two racing uses, exactly one succeeds (S13)."""
    try:
        deps.accounts.save(account, end_sessions=end_sessions)
    except ConcurrencyConflict:
        raise Unauthenticated(INVALID_LINK) from None


def change_password(
    deps: Deps, principal: Principal, *, current: object, new: object, device: str = ""
) -> None:
    """Change a password; needs a step-up (S35) and the current one (S3). Other sessions and open
    links end."""
    require_recent_step_up(deps, principal)
    account = _verified(deps, principal, current, field="currentPassword")
    account.password_hash = deps.hasher.hash(_new_password(deps, account, new, field="newPassword"))
    account.void_links()
    account.void_challenges()  # S11: a challenge issued under the old password dies with it
    deps.accounts.save(account)
    deps.accounts.end_sessions(account.setting_id, account.user_id, keep=principal.session_digest)
    deps.outbox.send(
        templates.password_changed(
            account.email, account.name, _setting_name(deps, account.setting_id), device, deps.clock.now()
        )
    )
    deps.audit(account.setting_id, account.user_id, "password.change", account.user_id, "success")


def change_pin(
    deps: Deps, principal: Principal, *, password: object, new_pin: object, device: str = ""
) -> None:
    """Change a PIN; needs a step-up (S35) and the password."""
    require_recent_step_up(deps, principal)
    account = _verified(deps, principal, password, field="password")
    account.pin_hash = deps.hasher.hash(_new_pin(new_pin, field="newPin"))
    account.failed_pins = 0
    deps.accounts.save(account)
    deps.outbox.send(
        templates.pin_changed(
            account.email, account.name, _setting_name(deps, account.setting_id), device, deps.clock.now()
        )
    )
    deps.audit(account.setting_id, account.user_id, "pin.change", account.user_id, "success")


def _verified(deps: Deps, principal: Principal, password: object, *, field: str) -> Account:
    """The caller's account once its current password is checked under the sign-in throttle (S10)."""
    account = deps.accounts.get(principal.setting_id, principal.user_id)
    if account is None:
        raise Unauthenticated("You are signed out. Please sign in again.")
    return check_current_password(deps, account, password, field=field)
