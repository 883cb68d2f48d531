"""The notification mail run: immediate mail (coalesced), daily and weekly digests, per setting.

A run reads each setting in a handful of queries (its people, their choices, its events, the
round's outbox), then for each person with something new: claims the mail's outbox row (the
idempotency key: round and person), sends, and later marks it sent with the person's watermark,
50 mails to a transaction. A run that dies or runs out of time is carried on by the next one,
and a person whose row is already claimed is never mailed again for that round: at most once, so
a crash between a claim and its send costs that person one digest rather than sending two.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.domain.notifications import (
    COALESCE,
    KEEP,
    Event,
    EventIndex,
    EventKind,
    Mode,
    Preferences,
    Recipient,
    Round,
    describe,
    due_rounds,
    pending_for,
    summarise,
)
from shared.domain.people import Role, Status
from shared.domain.settings import Setting
from shared.mail import templates
from shared.mail.message import Mail, PermanentFailure
from shared.services import notifications
from shared.services.deps import Deps
from shared.services.ports import SentMail

log = logging.getLogger("journal")

Send = Callable[[Mail], None]
Spent = Callable[[], bool]

# Immediate mail looks back no further than this: older unsent events wait for a digest.
IMMEDIATE_LOOKBACK = timedelta(days=1)
# Sent mails are marked (outbox row and watermark) 50 to a transaction: two rows each, 100 in all.
MARK_BATCH = 50
_HOW_OFTEN = {Mode.IMMEDIATE: "when something new happens", Mode.DAILY: "once a day",
              Mode.WEEKLY: "once a week, on Fridays"}  # fmt: skip


@dataclass
class RunReport:
    settings: int = 0
    sent: int = 0
    already_sent: int = 0
    bounced: int = 0
    finished: bool = True
    per_setting: dict[str, int] = field(default_factory=dict)


def run(deps: Deps, send: Send, spent: Spent) -> RunReport:
    """Every setting's due mail, until the budget is spent (the next run carries on)."""
    report = RunReport()
    for setting in deps.notifications.all_settings():
        if spent():
            report.finished = False
            break
        report.settings += 1
        report.finished &= run_setting(deps, setting, send, spent, report)
    return report


def run_setting(deps: Deps, setting: Setting, send: Send, spent: Spent, report: RunReport) -> bool:
    """One setting's due rounds; False when the budget ran out before everyone was mailed."""
    now = deps.clock.now()
    rounds = due_rounds(now, setting.time_zone)
    since = min([now - IMMEDIATE_LOOKBACK, *(r.since for r in rounds)])
    events = deps.notifications.events(setting.setting_id, since)
    if not events:
        return True
    people = _recipients(deps, setting.setting_id)
    prefs = deps.notifications.all_preferences(setting.setting_id)
    names = {c.child_id: c.first_name for c in deps.children.list(setting.setting_id)}
    work = _Work(deps, setting, send, spent, report, EventIndex(events), people, prefs, names)
    try:
        finished = work.immediate(now)
        for due in rounds:
            finished = finished and work.digest(due)
    finally:  # whatever stopped the run, what went out is recorded
        work.flush()
    if rounds and rounds[0].mode is Mode.DAILY and finished:
        deps.notifications.forget_before(setting.setting_id, now - KEEP)
    return finished


@dataclass
class _Work:
    deps: Deps
    setting: Setting
    send: Send
    spent: Spent
    report: RunReport
    events: EventIndex
    people: Sequence[Recipient]
    prefs: Mapping[str, Preferences]
    names: Mapping[str, str]
    sent: list[SentMail] = field(default_factory=list)

    def flush(self) -> None:
        """Mark what went out as sent and move the watermarks: one transaction per 50 mails."""
        if self.sent:
            self.deps.notifications.mails_sent(self.setting.setting_id, self.sent)
            self.sent = []

    def immediate(self, now: datetime) -> bool:
        for person in self.people:
            prefs = self._prefs(person)
            pending = pending_for(self.events, person, prefs, Mode.IMMEDIATE, now - IMMEDIATE_LOOKBACK)
            # Coalesce: wait until the first unsent event is a few minutes old, then send all.
            if not pending or pending[0][0].at > now - COALESCE:
                continue
            if self.spent():
                return False
            round_key = f"immediate-{pending[0][0].key}"
            if not self._deliver(person, prefs, Mode.IMMEDIATE, round_key, pending):
                # Claimed by a run that stopped before recording it: move on past these events,
                # or the same first event would name the same claimed mail for ever.
                self.sent.append(SentMail(round_key, person.user_id, Mode.IMMEDIATE, pending[-1][0].key))
        return True

    def digest(self, due: Round) -> bool:
        claimed = self.deps.notifications.mails(self.setting.setting_id, due.period)
        for person in self.people:
            prefs = self._prefs(person)
            pending = pending_for(self.events, person, prefs, due.mode, due.since)
            if not pending or person.user_id in claimed:
                continue
            if self.spent():
                return False
            self._deliver(person, prefs, due.mode, due.period, pending)
        return True

    def _prefs(self, person: Recipient) -> Preferences:
        return self.prefs.get(person.user_id) or Preferences(self.setting.setting_id, person.user_id)

    def _deliver(
        self,
        person: Recipient,
        prefs: Preferences,
        mode: Mode,
        round_key: str,
        pending: list[tuple[Event, EventKind]],
    ) -> bool:
        """Send unless the address bounced before; False when the mail was claimed already."""
        store, setting_id = self.deps.notifications, self.setting.setting_id
        if prefs.undeliverable == notifications.address_digest(person.email):
            return True  # a permanent failure: nothing but security notices until the address changes
        if not store.claim_mail(setting_id, round_key, person.user_id, self.deps.clock.now()):
            self.report.already_sent += 1
            return False
        mail = self._compose(person, prefs, mode, pending)
        try:
            self.send(mail)
        except PermanentFailure:
            store.mark_undeliverable(setting_id, person.user_id, notifications.address_digest(person.email))
            self.deps.audit(setting_id, "system", "notifications.bounce", person.user_id, "failure")
            self.report.bounced += 1
            return True
        except Exception:
            # Not sent (the server is down, say): free the key so the next run tries again.
            store.release_mail(setting_id, round_key, person.user_id)
            raise
        self.sent.append(SentMail(round_key, person.user_id, mode, pending[-1][0].key))
        if len(self.sent) >= MARK_BATCH:
            self.flush()
        self.report.sent += 1
        self.report.per_setting[setting_id] = self.report.per_setting.get(setting_id, 0) + 1
        return True

    def _compose(self, person: Recipient, prefs: Preferences, mode: Mode,
                 pending: list[tuple[Event, EventKind]]) -> Mail:  # fmt: skip
        lines = summarise(person, pending, self.names)
        # The link turns off the kind this mail is mostly about; My account changes the rest.
        main = max(lines, key=lambda line: line.count).kind
        return templates.notification_digest(
            person.email,
            # Only the first name: a family's surname is often their child's too (S40).
            person.name.split()[0] if person.name.split() else "",
            self.setting.name,
            [describe(line) for line in lines],
            f"{self.deps.config.public_base_url}/",
            notifications.unsubscribe_link(self.deps, prefs, main),
            _HOW_OFTEN[mode],
        )


def _recipients(deps: Deps, setting_id: str) -> list[Recipient]:
    """Active accounts only: a deactivated or invited one gets nothing."""
    children = {f.parent_id: f.child_ids for f in deps.accounts.families(setting_id)}
    return [
        Recipient(a.user_id, a.role, a.email, a.name,
                  frozenset(children.get(a.user_id, ())) if a.role is Role.PARENT else frozenset())
        for a in deps.accounts.in_setting(setting_id)
        if a.status is Status.ACTIVE
    ]  # fmt: skip
