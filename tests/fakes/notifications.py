"""The NotificationStore port in memory: preferences, events and the digest outbox of each setting.

It counts its calls as storage requests, so the bench and tests can say how many a run made.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from shared.domain.errors import ConcurrencyConflict
from shared.domain.notifications import Event, Preferences
from shared.domain.settings import Setting
from shared.services.ports import MailKey, SentMail
from tests.fakes.rows import copied, millis, new_etag
from tests.fakes.settings import MemorySettings


class MemoryNotifications:
    def __init__(self, settings: MemorySettings) -> None:
        self._lock = threading.RLock()
        self._settings = settings
        self._events: dict[str, dict[str, Event]] = {}
        self._prefs: dict[tuple[str, str], Preferences] = {}
        self._mails: dict[tuple[str, str, str], tuple[str, datetime]] = {}
        self.requests = 0
        # A test sets this to make recording fail, as a storage outage would.
        self.fail_records = False

    def record(self, event: Event) -> None:
        with self._lock:
            self.requests += 1
            if self.fail_records:
                raise OSError("storage unavailable")
            key = f"{millis(event.at):015d}~{secrets.token_hex(4)}"
            self._events.setdefault(event.setting_id, {})[key] = replace(event, key=key)

    def preferences(self, setting_id: str, user_id: str) -> Preferences:
        with self._lock:
            self.requests += 1
            found = self._prefs.get((setting_id, user_id))
            return copied(found) if found else Preferences(setting_id, user_id)

    def all_preferences(self, setting_id: str) -> Mapping[str, Preferences]:
        with self._lock:
            self.requests += 1
            return {u: copied(p) for (s, u), p in self._prefs.items() if s == setting_id}

    def save_preferences(self, prefs: Preferences) -> Preferences:
        with self._lock:
            self.requests += 1
            current = self._prefs.get((prefs.setting_id, prefs.user_id))
            if (current.etag if current else None) != prefs.etag:
                raise ConcurrencyConflict("the preferences changed meanwhile")
            base = current or Preferences(prefs.setting_id, prefs.user_id)
            stored = replace(base, modes=dict(prefs.modes), epoch=prefs.epoch, etag=new_etag())
            self._prefs[(prefs.setting_id, prefs.user_id)] = stored
            return copied(stored)

    def mark_undeliverable(self, setting_id: str, user_id: str, address_digest: str) -> None:
        with self._lock:
            self.requests += 1
            base = self._prefs.get((setting_id, user_id)) or Preferences(setting_id, user_id)
            self._prefs[(setting_id, user_id)] = replace(base, undeliverable=address_digest, etag=new_etag())

    def events(self, setting_id: str, since: datetime) -> Sequence[Event]:
        with self._lock:
            self.requests += 1
            low = f"{millis(since):015d}"
            rows = self._events.get(setting_id, {})
            return [rows[k] for k in sorted(rows) if k >= low]

    def mails(self, setting_id: str, round_key: str) -> Mapping[str, str]:
        with self._lock:
            self.requests += 1
            return {
                u: state
                for (s, r, u), (state, _) in self._mails.items()
                if s == setting_id and r == round_key
            }

    def claim_mails(self, setting_id: str, claims: Sequence[SentMail], at: datetime) -> set[MailKey]:
        with self._lock:
            self.requests += (len(claims) + 49) // 50
            taken = {(m.round_key, m.user_id) for m in claims
                     if (setting_id, m.round_key, m.user_id) in self._mails}  # fmt: skip
            self.requests += 2 * len(claims) if taken else 0  # the transaction failed: one at a time
            mine = [m for m in claims if (m.round_key, m.user_id) not in taken]
            for mail in mine:
                self._mails[(setting_id, mail.round_key, mail.user_id)] = ("claimed", at)
                self._move(setting_id, mail)
            return {(m.round_key, m.user_id) for m in mine}

    def release_mails(self, setting_id: str, claims: Sequence[SentMail]) -> None:
        with self._lock:
            self.requests += (len(claims) + 49) // 50
            for mail in claims:
                self._mails.pop((setting_id, mail.round_key, mail.user_id), None)
                self._move(setting_id, mail)

    def _move(self, setting_id: str, mail: SentMail) -> None:
        base = self._prefs.get((setting_id, mail.user_id)) or Preferences(setting_id, mail.user_id)
        marks = {m: w for m, w in {**base.watermarks, mail.mode: mail.watermark}.items() if w}
        self._prefs[(setting_id, mail.user_id)] = replace(base, watermarks=marks, etag=new_etag())

    def mails_sent(self, setting_id: str, sent: Sequence[SentMail]) -> None:
        with self._lock:
            self.requests += (len(sent) + 49) // 50
            for mail in sent:
                key = (setting_id, mail.round_key, mail.user_id)
                _, at = self._mails.get(key, ("", datetime.now(UTC)))
                self._mails[key] = ("sent", at)
                base = self._prefs.get((setting_id, mail.user_id)) or Preferences(setting_id, mail.user_id)
                marks = {**base.watermarks, mail.mode: mail.watermark}
                self._prefs[(setting_id, mail.user_id)] = replace(base, watermarks=marks, etag=new_etag())

    def forget_before(self, setting_id: str, before: datetime) -> int:
        with self._lock:
            self.requests += 1
            low = f"{millis(before):015d}"
            rows = self._events.get(setting_id, {})
            old = [k for k in rows if k < low]
            for row in old:
                del rows[row]
            mails = [k for k, (_, at) in self._mails.items() if k[0] == setting_id and at < before]
            for mail in mails:
                del self._mails[mail]
            return len(old) + len(mails)

    def all_settings(self) -> Sequence[Setting]:
        with self._lock:
            self.requests += 1
            return self._settings.all()
