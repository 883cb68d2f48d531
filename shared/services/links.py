"""One-time activation and reset links (S8, S13, S14, S39).

Asking for a link only arms it: the account records which kind is wanted under a new link
epoch, and a queued instruction names that epoch (ids only, no token). The mail worker mints the
token when it sends the mail (`deliver_link_mail`), storing only the SHA-256 of its nonce on the
account, so no raw token ever rests in a queue, a poison queue or a table. Arming a new link or
voiding links makes older instructions stale and older tokens dead. Consuming a link is an
ETag-guarded write, so of two racing uses exactly one succeeds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from shared.domain.errors import ConcurrencyConflict, Unauthenticated
from shared.domain.people import Account, LinkKind, Status
from shared.mail import templates
from shared.mail.message import Mail
from shared.security.randomness import digest, new_secret, same_digest
from shared.security.tokens import TokenKind
from shared.services.deps import Deps
from shared.services.ports import LinkMail, LinkMailKind

_TOKEN_KIND = {LinkKind.ACTIVATION: TokenKind.ACTIVATION, LinkKind.RESET: TokenKind.RESET}
_MAIL_KIND = {LinkKind.ACTIVATION: LinkMailKind.INVITATION, LinkKind.RESET: LinkMailKind.RESET}
# Pages of the web client; the token travels in the fragment, which browsers never send to a
# server, so it cannot end up in access logs or a Referer header.
_PAGE = {LinkKind.ACTIVATION: "activate", LinkKind.RESET: "reset"}
INVALID_LINK = "This link has expired or has already been used. Please ask for a new one."

Send = Callable[[Mail], None]
# Lost ETag races in a row (a sign-in, the other mail of the same request) before a mint gives up
# and leaves the retry to the queue.
MINT_ATTEMPTS = 5


def lifetime(deps: Deps, kind: LinkKind) -> int:
    if kind is LinkKind.ACTIVATION:
        return deps.config.activation_link_seconds
    return deps.config.reset_link_seconds


def arm_link(account: Account, kind: LinkKind) -> LinkMail:
    """Arm a new link on the account (the caller saves it, then queues the returned instruction)."""
    epoch = account.arm_link(kind)
    return LinkMail(_MAIL_KIND[kind], account.setting_id, account.user_id, epoch)


def link_url(deps: Deps, page: str, token: str) -> str:
    """Built from the configured public base URL, never from a request's Host header (S14)."""
    return f"{deps.config.public_base_url}/{page}#{token}"


def mint(deps: Deps, kind: TokenKind, account: Account, seconds: int, epoch: int) -> tuple[str, str]:
    """A new signed token and the SHA-256 of its nonce, the only part of it that is stored (S8)."""
    nonce = new_secret()
    token = deps.tokens.issue(
        kind, subject=account.user_id, setting=account.setting_id, lifetime_seconds=seconds,
        claims={"nonce": nonce, "epoch": str(epoch)},
    )  # fmt: skip
    return token, digest(nonce)


def deliver_link_mail(deps: Deps, instruction: LinkMail, send: Send) -> bool:
    """Mint the link an instruction asks for and send its mail; False if the instruction is stale.

    The token is saved (as a digest) before the mail is sent; a failed send raises so the queue
    retries, and the retry mints a fresh token that replaces the undelivered one.
    """
    for _ in range(MINT_ATTEMPTS):
        try:
            return _deliver_link_mail(deps, instruction, send)
        except ConcurrencyConflict:
            continue
    raise ConcurrencyConflict("The account kept changing; the queue will try again.")


def _deliver_link_mail(deps: Deps, instruction: LinkMail, send: Send) -> bool:
    kind = LinkKind.RESET if instruction.kind is LinkMailKind.RESET else LinkKind.ACTIVATION
    wanted = Status.ACTIVE if kind is LinkKind.RESET else Status.INVITED
    account = deps.accounts.get(instruction.setting_id, instruction.user_id)
    if (
        account is None
        or account.link_kind is not kind
        or account.link_armed != instruction.epoch
        or account.status is not wanted
    ):
        deps.audit(instruction.setting_id, "system", f"link.{kind.value}.mail", instruction.user_id, "stale")
        return False
    seconds = lifetime(deps, kind)
    token, nonce_digest = mint(deps, _TOKEN_KIND[kind], account, seconds, instruction.epoch)
    account.link_digest = nonce_digest
    account.link_expires = deps.clock.now() + timedelta(seconds=seconds)
    deps.accounts.save(account)  # ConcurrencyConflict: read again and mint anew
    setting = deps.settings.get(account.setting_id)
    setting_name = setting.name if setting else account.setting_id
    url = link_url(deps, _PAGE[kind], token)
    if kind is LinkKind.RESET:
        send(templates.password_reset(account.email, account.name, setting_name, url, seconds // 60))
    else:
        send(templates.invitation(account.email, account.name, setting_name, url, seconds // 3600))
    deps.audit(account.setting_id, "system", f"link.{kind.value}.mail", account.user_id, "success")
    return True


def account_for_link(deps: Deps, token: object, kind: LinkKind) -> Account:
    """The account a link belongs to, if the link is still the live one; otherwise Unauthenticated."""
    if not isinstance(token, str) or not token or len(token) > 4096:
        raise Unauthenticated(INVALID_LINK)
    try:
        claims = deps.tokens.read(token, _TOKEN_KIND[kind])
    except Unauthenticated:
        raise Unauthenticated(INVALID_LINK) from None
    account = deps.accounts.get(claims.setting, claims.subject)
    nonce = claims.extra.get("nonce", "")
    if (
        account is None
        or account.link_kind is not kind
        or account.link_digest is None
        or account.link_expires is None
        or account.link_expires <= deps.clock.now()
        or not same_digest(digest(nonce), account.link_digest)
    ):
        raise Unauthenticated(INVALID_LINK)
    return account
