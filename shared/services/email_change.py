"""Changing an account's e-mail address: it changes only when the new address confirms (S38).

A manager (for staff or parents) or the owner (in My account) asks for a new address. The
account keeps its old address meanwhile, so reset links still go there. Two mails go out, each
with a link minted by the mail worker (S39): the new address gets a confirm link, the old one an
object link that cancels the change and signs the account out everywhere. Confirming moves the
address, ends every session and voids outstanding reset and activation links, in one write. A
second request replaces the first (its links die with it). Every step is audited (S29).

Confirming also needs the account's current password when it has one: a manager who points a
parent's account at an address of their own controls that inbox, so the confirm link alone would
not stop them; only the owner knows the password. Too many wrong passwords cancel the change.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from shared.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    InvalidInput,
    JournalError,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
)
from shared.domain.families import mask_email
from shared.domain.people import Account, EmailChange, LinkKind, Principal, Role, Status, normalise_email
from shared.mail import templates
from shared.security.randomness import digest, same_digest
from shared.security.tokens import TokenKind
from shared.services import membership
from shared.services.deps import Deps
from shared.services.links import INVALID_LINK, MINT_ATTEMPTS, Send, arm_link, link_url, mint
from shared.services.ports import LinkMail, LinkMailKind
from shared.services.signin import check_current_password
from shared.services.step_up import require_recent_step_up

# Long enough to reach a second inbox, short enough that a forgotten request does not linger.
CHANGE_LINK_SECONDS = 24 * 3600
_TOKEN = {
    LinkMailKind.EMAIL_CONFIRM: TokenKind.EMAIL_CONFIRM,
    LinkMailKind.EMAIL_OBJECT: TokenKind.EMAIL_OBJECT,
}
# Client pages outside /admin (the Functions host owns it), so they survive a reload.
_PAGE = {LinkMailKind.EMAIL_CONFIRM: "email-confirm", LinkMailKind.EMAIL_OBJECT: "email-object"}
# Wrong passwords at the confirm step before the change is cancelled (the S10 threshold).
CONFIRM_PASSWORD_ATTEMPTS = 5
SAME_ADDRESS = "That is already the address of this account."
TAKEN = "Someone in this setting already uses that e-mail address."


# Saves tried before a busy account is reported as a conflict.
SAVE_ATTEMPTS = 5


def request_for_member(
    deps: Deps, principal: Principal, user_id: object, roles: Collection[Role], what: str, email: object
) -> Account:
    """A manager asks to change the address of someone in their setting (the caller checks the role)."""
    account = membership.member(deps, principal, user_id, roles, what)
    return _request(deps, principal.user_id, account, email)


def request_own(deps: Deps, principal: Principal, *, email: object, password: object) -> Account:
    """The owner asks to change their own address, after a step-up (S35); the current password
    proves it is them."""
    require_recent_step_up(deps, principal)
    account = deps.accounts.get(principal.setting_id, principal.user_id)
    if account is None:
        raise Unauthenticated("You are signed out. Please sign in again.")
    # The same counter and throttle as sign-in (S10); _request's save clears it on success.
    account = check_current_password(deps, account, password, field="password")
    return _request(deps, principal.user_id, account, email)


def _request(deps: Deps, actor: str, account: Account, raw_email: object) -> Account:
    email = normalise_email(raw_email)
    if email == account.email:
        raise InvalidInput(SAME_ADDRESS, field="email")
    if account.status is Status.DEACTIVATED:
        raise Conflict("A deactivated account's address cannot be changed.")
    owner = deps.accounts.find_by_email(account.setting_id, email)
    if owner is not None:
        raise Conflict(TAKEN, field="email")
    account = _save_pending(deps, account, email, actor)
    for kind in (LinkMailKind.EMAIL_CONFIRM, LinkMailKind.EMAIL_OBJECT):
        deps.link_mails.submit(LinkMail(kind, account.setting_id, account.user_id, account.link_epoch))
    deps.audit(account.setting_id, actor, "email-change.request", account.user_id, "success",
               "self" if actor == account.user_id else "manager")  # fmt: skip
    return account


def _save_pending(deps: Deps, account: Account, email: str, actor: str) -> Account:
    """Store the pending change. A mail worker minting an earlier request's links writes the same
    row, so a lost ETag race reads the account again and applies the change to what it finds."""
    for _ in range(SAVE_ATTEMPTS):
        # A new request takes a new epoch: the instructions and links of an earlier one are dead.
        account.email_change = EmailChange(email, actor, deps.clock.now(), account.next_link_epoch())
        try:
            deps.accounts.save(account)
            return account
        except ConcurrencyConflict:
            fresh = deps.accounts.get(account.setting_id, account.user_id)
            if fresh is None:
                raise NotFound("We could not find that person.") from None
            account = fresh
    raise ConcurrencyConflict("The account is busy; please try again.")


def deliver_change_mail(deps: Deps, instruction: LinkMail, send: Send) -> bool:
    """Mint the confirm or object link of the pending change and mail it; False if stale.

    The confirm and object mails of one request are minted at the same moment by two workers
    writing the same account row: the loser of the ETag race reads again and tries again.
    """
    for _ in range(MINT_ATTEMPTS):
        try:
            return _deliver_change_mail(deps, instruction, send)
        except ConcurrencyConflict:
            continue
    raise ConcurrencyConflict("The account kept changing; the queue will try again.")


def _deliver_change_mail(deps: Deps, instruction: LinkMail, send: Send) -> bool:
    account = deps.accounts.get(instruction.setting_id, instruction.user_id)
    change = account.email_change if account else None
    if account is None or change is None or change.epoch != instruction.epoch:
        deps.audit(instruction.setting_id, "system", f"{instruction.kind.value}.mail", instruction.user_id,
                   "stale")  # fmt: skip
        return False
    token, nonce_digest = mint(deps, _TOKEN[instruction.kind], account, CHANGE_LINK_SECONDS, change.epoch)
    expires = deps.clock.now() + timedelta(seconds=CHANGE_LINK_SECONDS)
    if instruction.kind is LinkMailKind.EMAIL_CONFIRM:
        change.confirm_digest, change.confirm_expires = nonce_digest, expires
    else:
        change.object_digest, change.object_expires = nonce_digest, expires
    deps.accounts.save(account)  # ConcurrencyConflict: read again and mint anew
    setting = deps.settings.get(account.setting_id)
    name = setting.name if setting else account.setting_id
    url = link_url(deps, _PAGE[instruction.kind], token)
    hours = CHANGE_LINK_SECONDS // 3600
    if instruction.kind is LinkMailKind.EMAIL_CONFIRM:
        send(templates.email_change_confirm(change.new_email, account.name, name, url, hours))
    else:
        masked = mask_email(change.new_email)
        send(templates.email_change_requested(account.email, account.name, name, masked, url, hours))
    deps.audit(account.setting_id, "system", f"{instruction.kind.value}.mail", account.user_id, "success")
    return True


def _pending(deps: Deps, token: object, kind: LinkMailKind) -> tuple[Account, EmailChange]:
    """The account and its pending change that a live confirm or object link names."""
    if not isinstance(token, str) or not token or len(token) > 4096:
        raise Unauthenticated(INVALID_LINK)
    try:
        claims = deps.tokens.read(token, _TOKEN[kind])
    except Unauthenticated:
        raise Unauthenticated(INVALID_LINK) from None
    account = deps.accounts.get(claims.setting, claims.subject)
    change = account.email_change if account else None
    if account is None or change is None or str(change.epoch) != claims.extra.get("epoch"):
        raise Unauthenticated(INVALID_LINK)
    if kind is LinkMailKind.EMAIL_CONFIRM:
        stored, expires = change.confirm_digest, change.confirm_expires
    else:
        stored, expires = change.object_digest, change.object_expires
    nonce = claims.extra.get("nonce", "")
    if (
        stored is None
        or expires is None
        or expires <= deps.clock.now()
        or not same_digest(digest(nonce), stored)
    ):
        raise Unauthenticated(INVALID_LINK)
    return account, change


def confirm(deps: Deps, *, token: object, password: object = None, device: str = "") -> Account:
    """Move the account to its confirmed new address; every session ends, open links die (S13, S38).

    An account with a password must give it: the owner proves it is them, not only the inbox.
    """
    account, change = _pending(deps, token, LinkMailKind.EMAIL_CONFIRM)
    if account.password_hash is not None:
        account = _check_owner(deps, account, password)
        change = account.email_change or change
    old_email = account.email
    account.email = change.new_email
    account.email_change = None
    account.void_links()
    account.void_challenges()
    # Someone still invited needs a working activation link, now at the confirmed address.
    invitation = arm_link(account, LinkKind.ACTIVATION) if account.status is Status.INVITED else None
    try:
        deps.accounts.change_email(account, old_email, end_sessions=True)
    except ConcurrencyConflict:  # of two racing uses, exactly one succeeds
        raise Unauthenticated(INVALID_LINK) from None
    except Conflict:
        deps.audit(account.setting_id, account.user_id, "email-change.confirm", account.user_id, "refused")
        raise
    setting = deps.settings.get(account.setting_id)
    name = setting.name if setting else account.setting_id
    deps.outbox.send(
        templates.email_changed(
            old_email, account.name, name, mask_email(account.email), device, deps.clock.now()
        )
    )
    if invitation is not None:
        deps.link_mails.submit(invitation)
    deps.audit(account.setting_id, account.user_id, "email-change.confirm", account.user_id, "success")
    return account


def _check_owner(deps: Deps, account: Account, password: object) -> Account:
    """The account once its password is checked under the sign-in counter and throttle (S10);
    wrong passwords also count against this change, which ends after five."""
    try:
        return check_current_password(deps, account, password, field="password")
    except (InvalidInput, TooManyAttempts) as refused:
        failure: JournalError = refused
    fresh = deps.accounts.get(account.setting_id, account.user_id)
    if fresh is None or fresh.email_change is None:
        raise Unauthenticated(INVALID_LINK)
    fresh.email_change.wrong_passwords += 1
    cancelled = fresh.email_change.wrong_passwords >= CONFIRM_PASSWORD_ATTEMPTS
    if cancelled:
        fresh.email_change = None
    try:
        deps.accounts.save(fresh)
    except ConcurrencyConflict:
        raise Unauthenticated(INVALID_LINK) from None
    deps.audit(account.setting_id, account.user_id, "email-change.confirm", account.user_id,
               "refused" if cancelled else "failure", "wrong password")  # fmt: skip
    if cancelled:
        raise Unauthenticated(INVALID_LINK)
    raise failure


def object_to(deps: Deps, *, token: object) -> Account:
    """Cancel the pending change from the old address and sign the account out everywhere."""
    account, _ = _pending(deps, token, LinkMailKind.EMAIL_OBJECT)
    account.email_change = None
    account.void_challenges()
    try:
        deps.accounts.save(account, end_sessions=True)
    except ConcurrencyConflict:
        raise Unauthenticated(INVALID_LINK) from None
    deps.audit(account.setting_id, account.user_id, "email-change.object", account.user_id, "success")
    return account
