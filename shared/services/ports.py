"""The ports the services use. Storage adapters implement them; unit tests use in-memory fakes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.domain.children import Child, ParentLink
from shared.domain.people import Account, Session
from shared.domain.settings import Setting
from shared.mail.message import Mail


class SettingRepository(Protocol):
    def add(self, setting: Setting) -> None:
        """Store a new setting; Conflict when its id is taken."""

    def get(self, setting_id: str) -> Setting | None: ...

    def save(self, setting: Setting) -> None: ...

    def remove(self, setting_id: str) -> None: ...


class AccountRepository(Protocol):
    def add(self, account: Account) -> None:
        """Store a new account and its e-mail index together; Conflict when the e-mail is taken."""

    def get(self, setting_id: str, user_id: str) -> Account | None: ...

    def find_by_email(self, setting_id: str, email: str) -> Account | None: ...

    def save(
        self, account: Account, *, end_sessions: bool = False, new_session: Session | None = None
    ) -> None:
        """Write the account if nobody changed it since it was read (ConcurrencyConflict if they did).

        In the same atomic step, optionally end all of its sessions or start a new one.
        """

    def get_with_session(
        self, setting_id: str, user_id: str, digest: str
    ) -> tuple[Account | None, Session | None]:
        """The account and one of its sessions, in one round trip."""

    def touch_session(self, session: Session, at: datetime) -> None:
        """Record activity; NotFound when the session has ended meanwhile."""

    def sessions(self, setting_id: str, user_id: str) -> Sequence[Session]: ...

    def end_session(self, setting_id: str, user_id: str, digest: str) -> None: ...

    def end_sessions(self, setting_id: str, user_id: str, *, keep: str | None = None) -> int:
        """End every session of the account except `keep`; returns how many ended."""


class ChildRepository(Protocol):
    def add(self, child: Child) -> None: ...

    def get(self, setting_id: str, child_id: str) -> Child | None: ...

    def list(self, setting_id: str) -> Sequence[Child]: ...

    def save(self, child: Child) -> None:
        """Write if unchanged since read (ConcurrencyConflict otherwise)."""


class LinkRepository(Protocol):
    """Which parents may see which children; both directions, written together."""

    def link(self, link: ParentLink) -> None: ...

    def unlink(self, setting_id: str, parent_id: str, child_id: str) -> None: ...

    def children_of(self, setting_id: str, parent_id: str) -> Sequence[ParentLink]: ...

    def parents_of(self, setting_id: str, child_id: str) -> Sequence[ParentLink]: ...

    def is_linked(self, setting_id: str, parent_id: str, child_id: str) -> bool: ...


@dataclass(frozen=True)
class AuditEvent:
    """One line of the append-only audit log (S29). Never a secret, token or photo in it."""

    at: datetime
    setting_id: str
    actor: str  # a user id, "platform", "system" or "anonymous"
    action: str  # e.g. "sign-in.password", "reset.confirm"
    target: str  # a user id, child id or setting id; never an e-mail or a name
    outcome: str  # "success", "failure", "throttled", "locked", ...


class AuditLog(Protocol):
    def record(self, event: AuditEvent) -> None: ...


class MailOutbox(Protocol):
    def send(self, mail: Mail) -> None:
        """Queue a mail; it is sent later by the mail function, never inside a request (S12)."""


class ResetRequests(Protocol):
    def submit(self, setting_id: str, email: str) -> None:
        """Queue a password reset request for the background worker."""
