"""Notifications: what happened, who hears of it, how each person chose to hear, and when.

Pure rules only. An event names what happened to which children or which member of staff; who
receives it is decided when mail is built, from the setting's people as they are then, so a
parent unlinked meanwhile hears nothing (S24) and recording an event is one small write.
Mail says how many and where to look, never what was written (S40).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.domain.errors import InvalidInput
from shared.domain.people import Role

DIGEST_HOUR = 18  # digests leave at 18:00 in the setting's time zone
# Weekly digests go out on Fridays: the end of the nursery week, before families' weekend.
WEEKLY_DAY = 4  # date.weekday(): Monday is 0
# Immediate mail waits this long after the first unsent event, so a burst is one mail.
COALESCE = timedelta(minutes=5)
# Events and outbox rows are kept a little longer than the longest digest (a week) covers.
KEEP = timedelta(days=8)
# A manager hears of a leaver whose export window closes within this time.
EXPORT_WARNING = timedelta(days=7)
DEFAULT_TIME_ZONE = "Europe/London"


class EventKind(StrEnum):
    ENTRY = "entry"  # a published entry in my child's journal
    COMMENT = "comment"  # a comment on my child's entry
    MOMENT = "moment"  # a moment from home accepted into my child's journal
    PROGRESS = "progress"  # a two-year check or report shared
    RETURNED = "returned"  # my observation returned for changes
    PARENT_COMMENT = "parent-comment"  # a parent commented on my observation
    AWAITING = "awaiting"  # an observation waits for approval
    EXPORT_CLOSING = "export-closing"  # a leaver's export window closes within 7 days
    # My child has left: until when I can read and download the journal. Mailed when it happens
    # (it names a date), so it is either on (immediate) or off.
    JOURNAL_CLOSING = "journal-closing"


class Mode(StrEnum):
    OFF = "off"
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"


PARENT_KINDS = (EventKind.ENTRY, EventKind.COMMENT, EventKind.MOMENT, EventKind.PROGRESS)
# What a parent chooses for: the digest kinds, and the notice that their child has left.
PARENT_CHOICES = (*PARENT_KINDS, EventKind.JOURNAL_CLOSING)
NOTICE_KINDS = frozenset({EventKind.JOURNAL_CLOSING})
STAFF_KINDS = (EventKind.RETURNED, EventKind.PARENT_COMMENT)
MANAGER_KINDS = (*STAFF_KINDS, EventKind.AWAITING, EventKind.EXPORT_CLOSING)


def kinds_for(role: Role) -> tuple[EventKind, ...]:
    """The events a person in this role can hear of."""
    if role is Role.PARENT:
        return PARENT_CHOICES
    return MANAGER_KINDS if role is Role.MANAGER else STAFF_KINDS


def default_mode(role: Role, kind: EventKind | None = None) -> Mode:
    """Parents and managers get a daily digest until they choose; practitioners nothing. A
    notice that names a date (a child's journal closing) goes out at once."""
    if kind in NOTICE_KINDS:
        return Mode.IMMEDIATE
    return Mode.OFF if role is Role.PRACTITIONER else Mode.DAILY


@dataclass(frozen=True, repr=False)
class Event:
    """Something that happened, recorded where it happened: ids only, never text or names."""

    setting_id: str
    kind: EventKind
    at: datetime
    actor: str  # who did it: they do not hear of their own action
    subject: str  # what it is about (an observation, a moment, a child): counted once per mail
    child_ids: tuple[str, ...] = ()  # whose journal it concerns (parents' and leavers' events)
    user_id: str | None = None  # the member of staff it concerns (returned, parent comment)
    by_parent: bool = False  # a comment written by a family, which its observation's author hears of
    key: str = ""  # its place in the setting's event order, given by storage


@dataclass(repr=False)
class Preferences:
    """One person's choices and delivery state. A person with no stored row has the defaults."""

    setting_id: str
    user_id: str
    modes: dict[EventKind, Mode] = field(default_factory=dict)
    # The key of the newest event already mailed, per mode: a rerun starts after it.
    watermarks: dict[Mode, str] = field(default_factory=dict)
    # Raised by every one-click unsubscribe, so each signed link works once (S40).
    epoch: int = 0
    # A digest of the address a permanent SMTP failure refused: mail stops until it changes.
    undeliverable: str | None = None
    etag: str | None = None

    def mode(self, kind: EventKind, role: Role) -> Mode:
        if kind not in kinds_for(role):
            return Mode.OFF
        return self.modes.get(kind, default_mode(role, kind))

    def choices(self, role: Role) -> dict[EventKind, Mode]:
        return {kind: self.mode(kind, role) for kind in kinds_for(role)}


def clean_choices(raw: object, role: Role) -> dict[EventKind, Mode]:
    """Validated {kind: mode} changes for this role; every problem named at once."""
    if not isinstance(raw, Mapping) or not raw:
        raise InvalidInput("Send the events to change, each with off, immediate, daily or weekly.",
                           field="preferences")  # fmt: skip
    allowed = {kind.value for kind in kinds_for(role)}
    wrong = [str(k) for k in raw if k not in allowed]
    if wrong:
        raise InvalidInput(f"These are not events you can hear of: {', '.join(sorted(wrong))}.",
                           field="preferences")  # fmt: skip
    modes = {mode.value for mode in Mode}
    bad = [str(k) for k, v in raw.items() if v not in modes]
    if bad:
        raise InvalidInput(f"Choose off, immediate, daily or weekly for: {', '.join(sorted(bad))}.",
                           field="preferences")  # fmt: skip
    notices = [str(k) for k, v in raw.items() if k in NOTICE_KINDS and v not in ("off", "immediate")]
    if notices:
        raise InvalidInput(f"These are sent when they happen: choose off or immediate for {notices[0]}.",
                           field="preferences")  # fmt: skip
    return {EventKind(k): Mode(v) for k, v in raw.items()}


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


@dataclass(frozen=True, repr=False)
class Round:
    """One mail per person and mode: which events it may cover and the key that makes it unique."""

    mode: Mode
    period: str  # e.g. "daily-2026-03-29": with the person, the mail's idempotency key
    since: datetime  # events before this belong to an earlier round


def due_rounds(now: datetime, time_zone: str) -> list[Round]:
    """The digest rounds a run at `now` (UTC) should work on for a setting in `time_zone`.

    The timer runs in UTC every few minutes; a round is due during the local hour that starts
    at 18:00, so the clock changes move the UTC time, never the local one, and runs later in
    that hour carry on a round an earlier run left unfinished.
    """
    local = now.astimezone(zone(time_zone))
    if local.hour != DIGEST_HOUR:
        return []
    today = local.date()
    rounds = [
        Round(Mode.DAILY, f"daily-{today.isoformat()}", _local_six(today - timedelta(days=1), time_zone))
    ]
    if today.weekday() == WEEKLY_DAY:
        rounds.append(
            Round(
                Mode.WEEKLY, f"weekly-{today.isoformat()}", _local_six(today - timedelta(days=7), time_zone)
            )
        )
    return rounds


def _local_six(day: date, time_zone: str) -> datetime:
    return datetime.combine(day, time(DIGEST_HOUR), tzinfo=zone(time_zone))


@dataclass(frozen=True, repr=False)
class Recipient:
    """A person who may receive mail now, as the digest sees them."""

    user_id: str
    role: Role
    email: str
    name: str
    readable_children: frozenset[str] = frozenset()


def concerns(event: Event, person: Recipient) -> EventKind | None:
    """The kind under which this person hears of the event, or None when it is not theirs."""
    if event.actor == person.user_id:
        return None
    if person.role is Role.PARENT:
        if event.kind in PARENT_KINDS and person.readable_children.intersection(event.child_ids):
            return event.kind
        return None
    if event.kind is EventKind.COMMENT and event.user_id == person.user_id and event.by_parent:
        return EventKind.PARENT_COMMENT
    if event.kind is EventKind.RETURNED and event.user_id == person.user_id:
        return EventKind.RETURNED
    if person.role is Role.MANAGER and event.kind in (EventKind.AWAITING, EventKind.EXPORT_CLOSING):
        return event.kind
    return None


@dataclass(frozen=True, repr=False)
class Line:
    """One line of a mail: a count of one kind, for one child of the reader's or for them."""

    kind: EventKind
    count: int
    child_first_name: str = ""


def summarise(
    person: Recipient, kinds: Iterable[tuple[Event, EventKind]], first_names: Mapping[str, str]
) -> list[Line]:
    """Counts per kind (and per own child, for parents), each subject counted once."""
    subjects: dict[tuple[EventKind, str], set[str]] = {}
    for event, kind in kinds:
        own = (
            [c for c in event.child_ids if c in person.readable_children]
            if person.role is Role.PARENT
            else [""]
        )
        for child in own:
            subjects.setdefault((kind, child), set()).add(event.subject)
    order = {kind: n for n, kind in enumerate(EventKind)}
    return [
        Line(kind, len(found), first_names.get(child, "") if child else "")
        for (kind, child), found in sorted(subjects.items(), key=lambda item: (order[item[0][0]], item[0][1]))
    ]


def describe(line: Line) -> str:
    """ "2 new entries in Poppy's journal": a count and a first name, nothing more (S40)."""
    n, child = line.count, line.child_first_name or "your child"
    words: dict[EventKind, tuple[str, str]] = {
        EventKind.ENTRY: ("new entry", "new entries"),
        EventKind.COMMENT: ("new comment", "new comments"),
        EventKind.MOMENT: ("moment from home added", "moments from home added"),
        EventKind.PROGRESS: ("progress summary shared", "progress summaries shared"),
        EventKind.RETURNED: (
            "observation returned to you for changes",
            "observations returned to you for changes",
        ),
        EventKind.PARENT_COMMENT: (
            "comment from a family on your observations",
            "comments from families on your observations",
        ),
        EventKind.AWAITING: ("observation waiting for approval", "observations waiting for approval"),
        EventKind.EXPORT_CLOSING: (
            "leaver's journal closing within 7 days",
            "leavers' journals closing within 7 days",
        ),
        EventKind.JOURNAL_CLOSING: ("journal closing", "journals closing"),
    }
    one, many = words[line.kind]
    text = f"{n} {one if n == 1 else many}"
    if line.kind is EventKind.MOMENT:
        return f"{text} to {child}\u2019s journal"
    if line.kind in (EventKind.ENTRY, EventKind.COMMENT):
        return f"{text} in {child}\u2019s journal"
    if line.kind is EventKind.PROGRESS:
        return f"{text} for {child}"
    return text


class EventIndex:
    """A setting's events by child and by member of staff, so each person's are found without
    reading every event of the setting (a setting of 600 parents would make that quadratic)."""

    def __init__(self, events: Sequence[Event]) -> None:
        self.by_child: dict[str, list[Event]] = {}
        self.by_user: dict[str, list[Event]] = {}
        self.managers: list[Event] = []
        for event in events:
            for child in event.child_ids:
                self.by_child.setdefault(child, []).append(event)
            if event.user_id:
                self.by_user.setdefault(event.user_id, []).append(event)
            if event.kind in (EventKind.AWAITING, EventKind.EXPORT_CLOSING):
                self.managers.append(event)

    def of(self, person: Recipient) -> list[Event]:
        """Every event that may concern the person, oldest first, each once."""
        if person.role is Role.PARENT:
            found = {e.key: e for child in person.readable_children for e in self.by_child.get(child, ())}
        else:
            mine = self.by_user.get(person.user_id, [])
            found = {e.key: e for e in [*mine, *(self.managers if person.role is Role.MANAGER else ())]}
        return [found[key] for key in sorted(found)]


def pending_for(
    index: EventIndex, person: Recipient, prefs: Preferences, mode: Mode, since: datetime
) -> list[tuple[Event, EventKind]]:
    """The events this person hears of in `mode`, after their watermark and not before `since`."""
    mark = prefs.watermarks.get(mode, "")
    found = []
    for event in index.of(person):
        if event.key <= mark or event.at < since:
            continue
        kind = concerns(event, person)
        if kind is not None and prefs.mode(kind, person.role) is mode:
            found.append((event, kind))
    return found
