"""The notification mail run: immediate mail (coalesced), daily and weekly digests, per setting.

A run reads each setting in a handful of queries made side by side (its people, their choices,
its events, the round's outbox), then mails the people with something new in batches of 50.
Before a batch's first mail, one transaction claims it: each mail's outbox row (the idempotency
key: round and person) and its person's watermark (past the events it tells of). Nothing is
written after a send, so a batch of 50 costs one storage request beside its 50 SMTP sends.

Each person gets one mail per round, never two:
- a run that stops (its budget spent, the mail server down, any exception, SystemExit) releases
  the claims of the batch's mails it had not sent (rows deleted, watermarks put back, in one
  transaction), so the next run sends those, once;
- a mail whose send was cut off by SystemExit or another BaseException may have gone: its claim
  stays and it is not sent again (at most once);
- a process killed outright (no `finally` runs) leaves the rest of its batch claimed: the next
  run does not send those (at most once). Nobody gets a second copy; up to 49 people miss that
  round's mail, and its events are not repeated in the next one.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
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
from shared.services.ports import MailKey, SentMail

log = logging.getLogger("journal")

Send = Callable[[Mail], None]
Spent = Callable[[], bool]

# Immediate mail looks back no further than this: older unsent events wait for a digest.
IMMEDIATE_LOOKBACK = timedelta(days=1)
# Mails go in batches of 50, each claimed before its first mail in one transaction: the outbox
# row of each mail and the watermark of its person, two rows each, 100 in all (the most a
# transaction takes).
CLAIM_BATCH = 50
# Threads for the setting's reads, made side by side before the first mail.
READERS = 5
_HOW_OFTEN = {Mode.IMMEDIATE: "when something new happens", Mode.DAILY: "once a day",
              Mode.WEEKLY: "once a week, on Fridays"}  # fmt: skip


@dataclass(repr=False)
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
    store, setting_id = deps.notifications, setting.setting_id
    with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="digest") as pool:
        # Out of the digest hour a quiet setting costs one query; in it, everything is read at once.
        quiet = None if rounds else store.events(setting_id, since)
        if quiet is not None and not quiet:
            return True
        events_read = pool.submit(store.events, setting_id, since) if rounds else None
        people = pool.submit(_recipients, deps, setting_id)
        prefs = pool.submit(store.all_preferences, setting_id)
        children = pool.submit(deps.children.list, setting_id)
        outbox = {r.period: pool.submit(store.mails, setting_id, r.period) for r in rounds}
        events = events_read.result() if events_read else quiet
        if not events:
            return True
        names = {c.child_id: c.first_name for c in children.result()}
        claimed = {period: found.result() for period, found in outbox.items()}
        work = _Work(deps, setting, send, spent, report, EventIndex(events), people.result(),
                     prefs.result(), names, claimed, pool)  # fmt: skip
        finished = work.immediate(now)
        for due in rounds:
            finished = finished and work.digest(due)
    if rounds and rounds[0].mode is Mode.DAILY and finished:
        store.forget_before(setting_id, now - KEEP)
    return finished


@dataclass(frozen=True, repr=False)
class _Job:
    """One mail to send: to whom, for which round, about which events."""

    person: Recipient
    prefs: Preferences
    mode: Mode
    round_key: str
    pending: list[tuple[Event, EventKind]]

    @property
    def key(self) -> MailKey:
        return (self.round_key, self.person.user_id)

    def claim(self) -> SentMail:
        """Its outbox row, with the watermark past its events that moves when it is claimed."""
        return SentMail(self.round_key, self.person.user_id, self.mode, self.pending[-1][0].key)

    def release(self) -> SentMail:
        """Its outbox row, with the watermark it had before, for a claim given back unsent."""
        before = self.prefs.watermarks.get(self.mode, "")
        return SentMail(self.round_key, self.person.user_id, self.mode, before)


@dataclass(repr=False)
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
    claimed: Mapping[str, Mapping[str, str]]  # each due round's outbox rows, by person
    claims: Executor  # where the next batch is claimed while this one is sent

    def immediate(self, now: datetime) -> bool:
        jobs = []
        for person in self.people:
            prefs = self._prefs(person)
            pending = pending_for(self.events, person, prefs, Mode.IMMEDIATE, now - IMMEDIATE_LOOKBACK)
            # Coalesce: wait until the first unsent event is a few minutes old, then send all.
            if pending and pending[0][0].at <= now - COALESCE and self._deliverable(person, prefs):
                jobs.append(_Job(person, prefs, Mode.IMMEDIATE, f"immediate-{pending[0][0].key}", pending))
        return self._send_all(jobs)

    def digest(self, due: Round) -> bool:
        claimed, jobs = self.claimed.get(due.period, {}), []
        for person in self.people:
            prefs = self._prefs(person)
            pending = pending_for(self.events, person, prefs, due.mode, due.since)
            if pending and person.user_id not in claimed and self._deliverable(person, prefs):
                jobs.append(_Job(person, prefs, due.mode, due.period, pending))
        return self._send_all(jobs)

    def _prefs(self, person: Recipient) -> Preferences:
        return self.prefs.get(person.user_id) or Preferences(self.setting.setting_id, person.user_id)

    def _deliverable(self, person: Recipient, prefs: Preferences) -> bool:
        # A permanent failure: nothing but security notices until the address changes.
        return prefs.undeliverable != notifications.address_digest(person.email)

    def _send_all(self, jobs: Sequence[_Job]) -> bool:
        """Send in batches, each claimed in one transaction while the batch before is being sent;
        False when the budget ran out.

        Whatever stops it, the claims of the mails that did not go are released (and their
        people's watermarks put back) before it returns or raises, so the next run sends them.
        """
        store, setting_id = self.deps.notifications, self.setting.setting_id
        batches = [jobs[n : n + CLAIM_BATCH] for n in range(0, len(jobs), CLAIM_BATCH)]
        ahead: Future[set[MailKey]] | None = None  # the next batch's claim
        next_batch: Sequence[_Job] = ()
        unsent: deque[_Job] = deque()  # claimed, and certainly not sent
        try:
            for n, batch in enumerate(batches):
                if self.spent():
                    return False
                mine = ahead.result() if ahead is not None else self._claim(batch)
                ahead, next_batch = None, batches[n + 1] if n + 1 < len(batches) else ()
                if next_batch:
                    ahead = self.claims.submit(self._claim, next_batch)
                self._moved_past([job for job in batch if job.key not in mine])
                unsent = deque(job for job in batch if job.key in mine)
                first = True
                while unsent:
                    if not first and self.spent():
                        return False
                    first, job = False, unsent[0]
                    try:
                        self._deliver(job)
                    except Exception:
                        raise  # not sent (the server is down, say): released, the next run sends it
                    except BaseException:
                        unsent.popleft()  # cut off mid-send, it may have gone: at most once
                        raise
                    unsent.popleft()
            return True
        finally:
            release = [job.release() for job in unsent]
            if ahead is not None and ahead.exception() is None:  # claimed for a batch not begun
                taken = ahead.result()
                release += [job.release() for job in next_batch if job.key in taken]
            if release:
                store.release_mails(setting_id, release)

    def _claim(self, batch: Sequence[_Job]) -> set[MailKey]:
        store, now = self.deps.notifications, self.deps.clock.now()
        return store.claim_mails(self.setting.setting_id, [job.claim() for job in batch], now)

    def _moved_past(self, taken: Sequence[_Job]) -> None:
        """Mails claimed already, by a run that stopped or runs beside this one: not sent again."""
        self.report.already_sent += len(taken)
        # An immediate mail's key names its first event: move the watermark past these events,
        # or the same first event would name the same claimed mail for ever.
        immediate = [job.claim() for job in taken if job.mode is Mode.IMMEDIATE]
        if immediate:
            self.deps.notifications.mails_sent(self.setting.setting_id, immediate)

    def _deliver(self, job: _Job) -> None:
        """Send the mail; an address that refuses it for good is marked undeliverable."""
        store, setting_id, person = self.deps.notifications, self.setting.setting_id, job.person
        mail = self._compose(person, job.prefs, job.mode, job.pending)
        try:
            self.send(mail)
        except PermanentFailure:
            store.mark_undeliverable(setting_id, person.user_id, notifications.address_digest(person.email))
            self.deps.audit(setting_id, "system", "notifications.bounce", person.user_id, "failure")
            self.report.bounced += 1
            return
        self.report.sent += 1
        self.report.per_setting[setting_id] = self.report.per_setting.get(setting_id, 0) + 1

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
