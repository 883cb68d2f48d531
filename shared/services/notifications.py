"""Notifications: events recorded where things happen, and each person's choices of how to hear.

Recording an event is one small write that never fails the action that raised it: a journal
entry published matters more than the e-mail about it, so a failed write is logged and dropped.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import quote

from shared.domain.errors import ConcurrencyConflict, Conflict, InvalidInput, Unauthenticated
from shared.domain.journal import Comment
from shared.domain.leaving import export_closes_at
from shared.domain.notifications import (
    EXPORT_WARNING,
    Event,
    EventKind,
    Mode,
    Preferences,
    clean_choices,
    kinds_for,
)
from shared.domain.observations import Observation
from shared.domain.people import Account, Principal, Role, Status
from shared.mail import templates
from shared.mail.message import Mail, PermanentFailure
from shared.security.tokens import TokenKind
from shared.services.deps import Deps
from shared.services.ports import LinkMail, LinkMailKind

log = logging.getLogger("journal")

# An unsubscribe link outlives the mail by far: people unsubscribe from old mail.
UNSUBSCRIBE_LIFETIME_SECONDS = 180 * 24 * 3600


def record(deps: Deps, event: Event) -> None:
    """Store the event; a failure is logged, never raised into the user's action."""
    try:
        deps.notifications.record(event)
    except Exception:  # any storage failure: the action that raised the event has succeeded
        log.warning("notification event %s not recorded in setting %s", event.kind.value, event.setting_id,
                    exc_info=True)  # fmt: skip


def entry_published(deps: Deps, actor: str, observation: Observation) -> None:
    record(deps, Event(observation.setting_id, EventKind.ENTRY, deps.clock.now(), actor,
                       observation.observation_id, tuple(observation.child_ids)))  # fmt: skip


def comment_added(deps: Deps, principal: Principal, observation: Observation, comment: Comment) -> None:
    record(deps, Event(observation.setting_id, EventKind.COMMENT, comment.created_at, principal.user_id,
                       comment.comment_id, tuple(observation.child_ids), observation.author_id,
                       by_parent=principal.role is Role.PARENT))  # fmt: skip


def moment_accepted(deps: Deps, actor: str, child_id: str, moment_id: str, setting_id: str) -> None:
    record(deps, Event(setting_id, EventKind.MOMENT, deps.clock.now(), actor, moment_id, (child_id,)))


def progress_shared(deps: Deps, actor: str, setting_id: str, child_id: str, report_id: str) -> None:
    """A two-year check or progress report was shared with the child's family."""
    record(deps, Event(setting_id, EventKind.PROGRESS, deps.clock.now(), actor, report_id, (child_id,)))


def observation_returned(deps: Deps, actor: str, observation: Observation) -> None:
    record(deps, Event(observation.setting_id, EventKind.RETURNED, deps.clock.now(), actor,
                       observation.observation_id, user_id=observation.author_id))  # fmt: skip


def awaiting_approval(deps: Deps, actor: str, observation: Observation) -> None:
    record(deps, Event(observation.setting_id, EventKind.AWAITING, deps.clock.now(), actor,
                       observation.observation_id))  # fmt: skip


def export_window_closing(
    deps: Deps, setting_id: str, child_id: str, closes: datetime, now: datetime
) -> None:
    """Tell managers once that a leaver's export window closes within 7 days.

    The nightly purge calls this for every leaver whose window is open; it records only on the
    one day that starts seven days before the window closes, so each leaver is one event.
    """
    if closes - EXPORT_WARNING <= now < closes - EXPORT_WARNING + timedelta(days=1):
        record(deps, Event(setting_id, EventKind.EXPORT_CLOSING, now, "system", child_id, (child_id,)))


def journal_closing(deps: Deps, setting_id: str, parent_id: str, child_id: str) -> None:
    """Queue the notice that a parent's child has left; the mail worker decides and sends it."""
    deps.link_mails.submit(LinkMail(LinkMailKind.JOURNAL_CLOSING, setting_id, parent_id, 0, child_id))


def deliver_journal_closing(deps: Deps, instruction: LinkMail, send: Callable[[Mail], None]) -> bool:
    """The mail worker's half: send the notice unless the parent can no longer hear of it (not
    active, turned it off, an undeliverable address) or the child is back; False when not sent.
    Its unsubscribe link is minted here, as it is sent, so no token rests on a queue (S39, S40)."""
    setting_id, child_id = instruction.setting_id, instruction.detail
    account = deps.accounts.get(setting_id, instruction.user_id)
    if account is None or account.role is not Role.PARENT or account.status is not Status.ACTIVE:
        return False
    prefs = deps.notifications.preferences(setting_id, account.user_id)
    off = prefs.mode(EventKind.JOURNAL_CLOSING, Role.PARENT) is Mode.OFF
    if off or prefs.undeliverable == address_digest(account.email):
        return False
    child, setting = deps.children.get(setting_id, child_id), deps.settings.get(setting_id)
    closes = export_closes_at(child, setting) if child and setting else None
    if child is None or setting is None or closes is None:  # restored (or gone) meanwhile
        return False
    link = unsubscribe_link(deps, prefs, EventKind.JOURNAL_CLOSING)
    first = account.name.split()[0] if account.name.split() else ""  # a surname is often the child's (S40)
    try:
        send(templates.journal_closing(account.email, first, setting.name, child.first_name, closes, link))
    except PermanentFailure:
        deps.notifications.mark_undeliverable(setting_id, account.user_id, address_digest(account.email))
        deps.audit(setting_id, "system", "notifications.bounce", account.user_id, "failure")
        return False
    return True


# -- choices --------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Choices:
    modes: Mapping[EventKind, Mode]
    undeliverable: bool


def my_choices(deps: Deps, principal: Principal) -> Choices:
    """The caller's choice for each event they can hear of (defaults where they never chose)."""
    prefs = deps.notifications.preferences(principal.setting_id, principal.user_id)
    return Choices(prefs.choices(principal.role), _undeliverable(deps, principal, prefs))


def change_choices(deps: Deps, principal: Principal, raw: object) -> Choices:
    """Change some of the caller's choices; the others stay as they were."""
    changes = clean_choices(raw, principal.role)
    for _ in range(3):  # a run moving a watermark or another tab may have written meanwhile
        prefs = deps.notifications.preferences(principal.setting_id, principal.user_id)
        try:
            saved = deps.notifications.save_preferences(replace(prefs, modes={**prefs.modes, **changes}))
        except ConcurrencyConflict:
            continue
        return Choices(saved.choices(principal.role), _undeliverable(deps, principal, saved))
    raise Conflict("Your notification settings changed meanwhile. Reload and try again.")


def _undeliverable(deps: Deps, principal: Principal, prefs: Preferences) -> bool:
    account = deps.accounts.get(principal.setting_id, principal.user_id)
    return account is not None and prefs.undeliverable == address_digest(account.email)


def undeliverable(deps: Deps, setting_id: str, accounts: Sequence[Account]) -> set[str]:
    """Which of these accounts' current addresses refused mail for good (one query of the setting)."""
    marks = {
        u: p.undeliverable
        for u, p in deps.notifications.all_preferences(setting_id).items()
        if p.undeliverable
    }
    return {a.user_id for a in accounts if a.user_id in marks and marks[a.user_id] == address_digest(a.email)}


def address_digest(email: str) -> str:
    """How the undeliverable address is remembered: a digest, so a changed address is deliverable."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


# -- one-click unsubscribe (S40, RFC 8058) ---------------------------------------------------------


def unsubscribe_link(deps: Deps, prefs: Preferences, kind: EventKind) -> str:
    """A signed link that turns off `kind` for this person, once, with no sign-in."""
    token = deps.tokens.issue(
        TokenKind.UNSUBSCRIBE,
        subject=prefs.user_id,
        setting=prefs.setting_id,
        lifetime_seconds=UNSUBSCRIBE_LIFETIME_SECONDS,
        claims={"kind": kind.value, "epoch": str(prefs.epoch)},
    )
    return f"{deps.config.public_base_url}/api/notifications/unsubscribe?token={quote(token)}"


@dataclass(frozen=True, repr=False)
class Unsubscribed:
    kind: EventKind
    setting_name: str


def check_unsubscribe(deps: Deps, token: object) -> Unsubscribed:
    """What a token would turn off; Unauthenticated when it is forged, expired or used."""
    prefs, kind = _read(deps, token)
    setting = deps.settings.get(prefs.setting_id)
    return Unsubscribed(kind, setting.name if setting else "")


def unsubscribe(deps: Deps, token: object) -> Unsubscribed:
    """Turn off the one kind the token names. Single use: the epoch it carries moves on."""
    prefs, kind = _read(deps, token)
    try:
        deps.notifications.save_preferences(
            replace(prefs, modes={**prefs.modes, kind: Mode.OFF}, epoch=prefs.epoch + 1)
        )
    except ConcurrencyConflict:
        raise Unauthenticated("This link has already been used.") from None
    deps.audit(prefs.setting_id, prefs.user_id, "notifications.unsubscribe", prefs.user_id, "success",
               f"kind={kind.value}")  # fmt: skip
    setting = deps.settings.get(prefs.setting_id)
    return Unsubscribed(kind, setting.name if setting else "")


def _read(deps: Deps, token: object) -> tuple[Preferences, EventKind]:
    if not isinstance(token, str) or not token or len(token) > 2048:
        raise InvalidInput("The unsubscribe link is incomplete.", field="token")
    claims = deps.tokens.read(token, TokenKind.UNSUBSCRIBE)
    refused = Unauthenticated("This unsubscribe link is not valid or has already been used.")
    try:
        kind = EventKind(claims.extra.get("kind", ""))
    except ValueError:
        raise refused from None
    prefs = deps.notifications.preferences(claims.setting, claims.subject)
    account = deps.accounts.get(claims.setting, claims.subject)
    if (
        account is None
        or kind not in kinds_for(account.role)
        or claims.extra.get("epoch") != str(prefs.epoch)
    ):
        raise refused
    return prefs, kind
