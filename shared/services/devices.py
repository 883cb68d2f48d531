"""Trusted devices (S10, S36): the browsers that have signed in to an account, a notice by e-mail
when a new one does, and the "this wasn't me" link in that notice that signs out everywhere.

A browser is known by the random device id in its signed device cookie; the account keeps the
ids of its recent browsers with a short description of each, never the full User-Agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from shared.domain.errors import ConcurrencyConflict, NotFound, Unauthenticated
from shared.domain.people import Account, Principal
from shared.mail import templates
from shared.security.randomness import digest
from shared.security.tokens import TokenKind
from shared.services.deps import Deps
from shared.services.links import Send
from shared.services.ports import LinkMail, LinkMailKind

# A notice can sit unread over a long weekend and still work.
NOT_ME_SECONDS = 7 * 24 * 60 * 60
NOT_ME_PAGE = "not-me"
INVALID_NOT_ME = "This link is not valid any more. Sign in and choose 'Sign out everywhere' in My account."
WRITE_ATTEMPTS = 10


@dataclass(frozen=True, repr=False)
class DeviceView:
    """One known browser as its owner sees it in My account."""

    public_id: str
    label: str
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    current: bool


def public_id(device_id: str) -> str:
    """What a screen names a device by: a digest, so the cookie's device id never leaves the server."""
    return digest(device_id)[:16]


def known_device(deps: Deps, account: Account, device_token: str | None) -> str | None:
    """The device id of a valid device cookie naming this account and a device it still knows."""
    device = cookie_device(deps, device_token, account.setting_id, account.user_id)
    return device if device and account.known_device(device) else None


def cookie_device(deps: Deps, device_token: str | None, setting_id: str, user_id: str) -> str | None:
    """The device id a device cookie names, if it is valid and belongs to this account."""
    if not device_token:
        return None
    try:
        claims = deps.tokens.read(device_token, TokenKind.DEVICE)
    except Unauthenticated:
        return None
    if claims.subject != user_id or claims.setting != setting_id:
        return None
    return claims.extra["dev"]


def label_device(account: Account, device_id: str, label: str, now: datetime) -> None:
    """Give a remembered device its description and first sign-in time (after `remember_device`)."""
    known = account.known_device(device_id)
    if known is None:
        return
    known.label = label[:80]
    if known.first_seen_at is None:
        known.first_seen_at = now


def notice_new_device(deps: Deps, account: Account, label: str, now: datetime) -> None:
    """S36: queue the new-device notice; the mail worker mints its "this wasn't me" link (S39)."""
    deps.link_mails.submit(
        LinkMail(LinkMailKind.NEW_DEVICE, account.setting_id, account.user_id, int(now.timestamp()), label)
    )


def deliver_new_device_mail(deps: Deps, instruction: LinkMail, send: Send) -> bool:
    """Mint the notice's link and send it; False (nothing sent) when the account can no longer sign in."""
    account = deps.accounts.get(instruction.setting_id, instruction.user_id)
    if account is None or not account.can_sign_in:
        deps.audit(instruction.setting_id, "system", "mail.new-device", instruction.user_id, "stale")
        return False
    token = deps.tokens.issue(
        TokenKind.NOT_ME, subject=account.user_id, setting=account.setting_id,
        lifetime_seconds=NOT_ME_SECONDS, claims={"at": str(instruction.epoch)},
    )  # fmt: skip
    setting = deps.settings.get(account.setting_id)
    when = datetime.fromtimestamp(instruction.epoch, UTC)
    link = f"{deps.config.public_base_url}/{NOT_ME_PAGE}#{token}"  # S14: never from a Host header
    send(
        templates.new_device_sign_in(
            account.email, account.name, setting.name if setting else account.setting_id,
            instruction.detail, when, link,
        )
    )  # fmt: skip
    deps.audit(account.setting_id, "system", "mail.new-device", account.user_id, "success")
    return True


def sign_out_everywhere_from_link(deps: Deps, token: object) -> int:
    """The "this wasn't me" link: end every session and PIN challenge and forget every device."""
    if not isinstance(token, str) or not token or len(token) > 4096:
        raise Unauthenticated(INVALID_NOT_ME)
    try:
        claims = deps.tokens.read(token, TokenKind.NOT_ME)
    except Unauthenticated:
        raise Unauthenticated(INVALID_NOT_ME) from None
    for _ in range(WRITE_ATTEMPTS):
        account = deps.accounts.get(claims.setting, claims.subject)
        if account is None:
            raise Unauthenticated(INVALID_NOT_ME)
        ending = len(deps.accounts.sessions(account.setting_id, account.user_id))
        account.void_challenges()
        # The intruder's browser was remembered when it signed in: no browser keeps a head start.
        account.devices = []
        try:
            deps.accounts.save(account, end_sessions=True)
        except ConcurrencyConflict:
            continue
        deps.audit(account.setting_id, "link", "sign-out.not-me", account.user_id, "success", f"{ending}")
        return ending
    raise ConcurrencyConflict("the account is busy; please try again")


def list_devices(deps: Deps, principal: Principal, device_token: str | None) -> list[DeviceView]:
    """The caller's known browsers, most recently used first; this browser marked."""
    account = deps.accounts.get(principal.setting_id, principal.user_id)
    if account is None:
        raise Unauthenticated("You are signed out. Please sign in again.")
    here = cookie_device(deps, device_token, account.setting_id, account.user_id)
    return [
        DeviceView(
            public_id(d.device_id), d.label or "A browser", d.first_seen_at, d.seen_at, d.device_id == here
        )
        for d in account.devices
    ]


def forget_device(deps: Deps, principal: Principal, device: str) -> None:
    """Forget one of the caller's browsers: its next sign-in counts as a new device again."""
    for _ in range(WRITE_ATTEMPTS):
        account = deps.accounts.get(principal.setting_id, principal.user_id)
        if account is None:
            raise Unauthenticated("You are signed out. Please sign in again.")
        keep = [d for d in account.devices if public_id(d.device_id) != device]
        if len(keep) == len(account.devices):
            raise NotFound("That device is not on your list.")
        account.devices = keep
        try:
            deps.accounts.save(account)
        except ConcurrencyConflict:
            continue
        deps.audit(principal.setting_id, principal.user_id, "device.forget", principal.user_id, "success")
        return
    raise ConcurrencyConflict("the account is busy; please try again")
