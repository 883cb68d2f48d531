"""The AccountRepository port in memory: accounts, their e-mail index, sessions and manager guard.

Every method that the adapter runs as one transaction checks all of its conditions before it
changes anything, so a refused write leaves the store exactly as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from shared.domain.children import ParentLink
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.people import Account, Role, Session, SignInProbe
from shared.domain.redaction import NamedParent
from tests.fakes.children import MemoryLinks
from tests.fakes.rows import copied, new_etag

TAKEN = "Someone in this setting already uses that e-mail address."
CHANGED = "the record changed while it was being updated"


class MemoryAccounts:
    def __init__(self, links: MemoryLinks) -> None:
        self._lock = threading.RLock()
        self._links = links  # a parent's links are read with their session, as the adapter does
        self._accounts: dict[tuple[str, str], Account] = {}
        self._emails: dict[tuple[str, str], str] = {}  # (setting, e-mail) -> user id
        self._sessions: dict[tuple[str, str, str], Session] = {}  # (setting, user, digest)
        self._guards: dict[str, str] = {}  # setting -> ETag of its manager guard
        self._probes: dict[tuple[str, str], SignInProbe] = {}  # (setting, keyed hash of an address)

    def add(self, account: Account) -> None:
        with self._lock:
            key = (account.setting_id, account.user_id)
            if (account.setting_id, account.email) in self._emails or key in self._accounts:
                raise Conflict(TAKEN)
            self._emails[(account.setting_id, account.email)] = account.user_id
            self._accounts[key] = replace(copied(account), etag=new_etag())

    def get(self, setting_id: str, user_id: str) -> Account | None:
        with self._lock:
            found = self._accounts.get((setting_id, user_id))
            return copied(found) if found else None

    def find_by_email(self, setting_id: str, email: str) -> Account | None:
        with self._lock:
            user_id = self._emails.get((setting_id, email))
            return self.get(setting_id, user_id) if user_id is not None else None

    def find_for_sign_in(
        self, setting_id: str, email: str, probe_digest: str
    ) -> tuple[Account | None, SignInProbe | None]:
        with self._lock:
            account = self.find_by_email(setting_id, email)
            if account is not None or not probe_digest:
                return account, None
            return None, self.get_probe(setting_id, probe_digest)

    def get_probe(self, setting_id: str, digest: str) -> SignInProbe | None:
        with self._lock:
            found = self._probes.get((setting_id, digest))
            return copied(found) if found else None

    def save_probe(self, probe: SignInProbe) -> None:
        with self._lock:
            key = (probe.setting_id, probe.digest)
            current = self._probes.get(key)
            if (current.etag if current else None) != probe.etag:
                raise ConcurrencyConflict(CHANGED)
            probe.etag = new_etag()
            self._probes[key] = copied(probe)

    def save(
        self, account: Account, *, end_sessions: bool = False, new_session: Session | None = None
    ) -> None:
        with self._lock:
            self._check(account)
            if new_session is not None and self._session_key(new_session) in self._sessions:
                raise Conflict("that already exists")
            self._write(account, end_sessions)
            if new_session is not None:
                self._sessions[self._session_key(new_session)] = copied(new_session)

    def get_with_session(
        self, setting_id: str, user_id: str, digest: str
    ) -> tuple[Account | None, Session | None, list[ParentLink]]:
        with self._lock:
            session = self._sessions.get((setting_id, user_id, digest))
            if session is None:
                return None, None, []
            links = list(self._links.children_of(setting_id, user_id))
            return self.get(setting_id, user_id), copied(session) if session else None, links

    def touch_session(self, session: Session, at: datetime) -> None:
        with self._lock:
            key = self._session_key(session)
            current = self._sessions.get(key)
            if current is None:
                raise NotFound("not found")
            self._sessions[key] = replace(current, last_seen_at=at)

    def record_step_up(self, setting_id: str, user_id: str, digest: str, at: datetime) -> None:
        with self._lock:
            key = (setting_id, user_id, digest)
            current = self._sessions.get(key)
            if current is None:
                raise NotFound("not found")
            self._sessions[key] = replace(current, stepped_up_at=at)

    def sessions(self, setting_id: str, user_id: str) -> Sequence[Session]:
        with self._lock:
            found = [v for (s, u, _), v in self._sessions.items() if s == setting_id and u == user_id]
        return sorted((copied(s) for s in found), key=lambda s: s.digest)

    def end_session(self, setting_id: str, user_id: str, digest: str) -> None:
        with self._lock:
            self._sessions.pop((setting_id, user_id, digest), None)

    def end_sessions(self, setting_id: str, user_id: str, *, keep: str | None = None) -> int:
        with self._lock:
            ending = [s for s in self.sessions(setting_id, user_id) if s.digest != keep]
            for session in ending:
                self._sessions.pop(self._session_key(session), None)
            return len(ending)

    def in_setting(self, setting_id: str) -> Sequence[Account]:
        with self._lock:
            found = [copied(a) for (s, _), a in self._accounts.items() if s == setting_id]
        return sorted(found, key=lambda a: (a.name.lower(), a.user_id))

    def families(self, setting_id: str) -> Sequence[NamedParent]:
        with self._lock:
            parents = [a for (s, _), a in self._accounts.items() if s == setting_id and a.role is Role.PARENT]
            return [
                NamedParent(
                    a.user_id,
                    a.name,
                    frozenset(k.child_id for k in self._links.children_of(setting_id, a.user_id)),
                )
                for a in parents
            ]

    def change_email(self, account: Account, old_email: str, *, end_sessions: bool = False) -> None:
        with self._lock:
            if (account.setting_id, account.email) in self._emails:
                raise Conflict(TAKEN, field="email")
            self._check(account)
            old = (account.setting_id, old_email)
            if self._emails.get(old) == account.user_id:
                del self._emails[old]
            self._emails[(account.setting_id, account.email)] = account.user_id
            self._write(account, end_sessions=end_sessions)

    def manager_guard(self, setting_id: str) -> str:
        with self._lock:
            return self._guards.setdefault(setting_id, new_etag())

    def save_guarded(self, account: Account, guard_etag: str, *, end_sessions: bool = False) -> None:
        with self._lock:
            self._check(account)
            current = self._guards.get(account.setting_id)
            if current is None:
                raise NotFound("not found")
            if current != guard_etag:
                raise ConcurrencyConflict(CHANGED)
            self._write(account, end_sessions)
            self._guards[account.setting_id] = new_etag()

    def _check(self, account: Account) -> None:
        current = self._accounts.get((account.setting_id, account.user_id))
        if current is None:
            raise NotFound("not found")
        if account.etag is not None and account.etag != current.etag:
            raise ConcurrencyConflict(CHANGED)

    def _write(self, account: Account, end_sessions: bool) -> None:
        account.etag = new_etag()  # as the adapter does: the saved account carries its new ETag
        self._accounts[(account.setting_id, account.user_id)] = copied(account)
        if end_sessions:
            self.end_sessions(account.setting_id, account.user_id)

    @staticmethod
    def _session_key(session: Session) -> tuple[str, str, str]:
        return (session.setting_id, session.user_id, session.digest)
