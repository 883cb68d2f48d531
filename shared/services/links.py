"""One-time activation and reset links (S8, S13, S14).

A link carries a signed token whose nonce is stored only as SHA-256 on the account. Issuing a new
link overwrites the stored digest, so every older link dies; so does any change that calls
`Account.void_links`. Consuming a link is an ETag-guarded write, so of two racing uses exactly
one succeeds.
"""

from __future__ import annotations

from datetime import timedelta

from shared.domain.errors import Unauthenticated
from shared.domain.people import Account, LinkKind
from shared.security.randomness import digest, new_secret, same_digest
from shared.security.tokens import TokenKind
from shared.services.deps import Deps

_TOKEN_KIND = {LinkKind.ACTIVATION: TokenKind.ACTIVATION, LinkKind.RESET: TokenKind.RESET}
# Pages of the web client; the token travels in the fragment, which browsers never send to a
# server, so it cannot end up in access logs or a Referer header.
_PAGE = {LinkKind.ACTIVATION: "activate", LinkKind.RESET: "reset"}
INVALID_LINK = "This link has expired or has already been used. Please ask for a new one."


def lifetime(deps: Deps, kind: LinkKind) -> int:
    if kind is LinkKind.ACTIVATION:
        return deps.config.activation_link_seconds
    return deps.config.reset_link_seconds


def issue_link(deps: Deps, account: Account, kind: LinkKind) -> str:
    """Arm a new link on the account (the caller saves it) and return its URL.

    Built from the configured public base URL, never from the request's Host header (S14).
    """
    nonce = new_secret()
    seconds = lifetime(deps, kind)
    account.link_kind = kind
    account.link_digest = digest(nonce)
    account.link_expires = deps.clock.now() + timedelta(seconds=seconds)
    token = deps.tokens.issue(
        _TOKEN_KIND[kind],
        subject=account.user_id,
        setting=account.setting_id,
        lifetime_seconds=seconds,
        claims={"nonce": nonce},
    )
    return f"{deps.config.public_base_url}/{_PAGE[kind]}#{token}"


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
