"""Sessions: checked on every request against storage, idle after 30 minutes, ended on demand (S16-S18)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from shared.domain.errors import ConcurrencyConflict, NotFound, Unauthenticated
from shared.domain.people import Principal, Session
from shared.security.randomness import digest
from shared.security.tokens import TokenKind
from shared.services.deps import Deps

SIGNED_OUT = "You are signed out. Please sign in again."
# S17: the last-activity write happens at most once a minute, so the idle cut-off is 29-30 min.
TOUCH_EVERY = timedelta(minutes=1)


def authenticate(deps: Deps, token: str | None) -> Principal:
    """The signed-in person behind a session cookie, with role and status read from storage now."""
    if not token or len(token) > 4096:
        raise Unauthenticated(SIGNED_OUT)
    claims = deps.tokens.read(token, TokenKind.SESSION)
    sid = claims.extra.get("sid", "")
    account, session, links = deps.accounts.get_with_session(claims.setting, claims.subject, digest(sid))
    if account is None or session is None or not account.can_sign_in:
        raise Unauthenticated(SIGNED_OUT)
    now = deps.clock.now()
    idle = timedelta(seconds=deps.config.session_idle_seconds)
    if now >= session.last_seen_at + idle or now >= session.expires_at:
        deps.accounts.end_session(session.setting_id, session.user_id, session.digest)
        deps.audit(account.setting_id, account.user_id, "session.expire", account.user_id, "success")
        raise Unauthenticated("You were signed out after a period of inactivity. Please sign in again.")
    last_seen = session.last_seen_at
    if now - last_seen >= TOUCH_EVERY:
        try:
            deps.accounts.touch_session(session, now)
        except NotFound:  # signed out in another tab a moment ago
            raise Unauthenticated(SIGNED_OUT) from None
        last_seen = now
    return Principal(
        setting_id=account.setting_id,
        user_id=account.user_id,
        name=account.name,
        email=account.email,
        role=account.role,
        session_digest=session.digest,
        idle_expires_at=min(last_seen + idle, session.expires_at),
        absolute_expires_at=session.expires_at,
        links=tuple(links),
        stepped_up_at=session.stepped_up_at,
    )


def sign_out(deps: Deps, principal: Principal) -> None:
    deps.accounts.end_session(principal.setting_id, principal.user_id, principal.session_digest)
    deps.audit(principal.setting_id, principal.user_id, "sign-out", principal.user_id, "success")


def sign_out_everywhere(deps: Deps, principal: Principal) -> int:
    """End every session of the caller and every outstanding PIN challenge (S11, S18)."""
    for _ in range(10):
        account = deps.accounts.get(principal.setting_id, principal.user_id)
        if account is None:
            break
        account.void_challenges()
        try:
            deps.accounts.save(account)
            break
        except ConcurrencyConflict:
            continue
    ended = deps.accounts.end_sessions(principal.setting_id, principal.user_id)
    deps.audit(principal.setting_id, principal.user_id, "sign-out.everywhere", principal.user_id, "success")
    return ended


def list_sessions(deps: Deps, principal: Principal) -> Sequence[Session]:
    sessions = deps.accounts.sessions(principal.setting_id, principal.user_id)
    return sorted(sessions, key=lambda s: s.last_seen_at, reverse=True)


def end_session(deps: Deps, principal: Principal, public_id: str) -> None:
    """End one of the caller's own sessions; someone else's id is simply not found (S24)."""
    for session in deps.accounts.sessions(principal.setting_id, principal.user_id):
        if session.public_id == public_id:
            deps.accounts.end_session(session.setting_id, session.user_id, session.digest)
            deps.audit(
                principal.setting_id, principal.user_id, "sign-out.device", principal.user_id, "success"
            )
            return
    raise NotFound("That session has already ended.")
