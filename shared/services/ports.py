"""The ports the services use. Storage adapters implement them; unit tests use in-memory fakes."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from shared.domain.assessments import AssessmentPlan, ChildAssessment
from shared.domain.audit_chain import ChainHead, ChainLink
from shared.domain.child_details import TrackerDetails, TrackerPolicy
from shared.domain.children import Child, ParentLink
from shared.domain.exports import Export, RequesterExports
from shared.domain.journal import Comment, JournalEntry, Moment
from shared.domain.notifications import Event, Mode, Preferences
from shared.domain.observations import Area, Observation, ObservationStatus
from shared.domain.passkeys import Passkey
from shared.domain.people import Account, Session, SignInProbe
from shared.domain.photos import Photo
from shared.domain.profile import Profile
from shared.domain.redaction import NamedChild, NamedParent
from shared.domain.rooms import Placement, Room, Stay
from shared.domain.settings import Setting
from shared.domain.two_year_check import TwoYearCheck
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

    def find_for_sign_in(
        self, setting_id: str, email: str, probe_digest: str
    ) -> tuple[Account | None, SignInProbe | None]:
        """The account owning `email`, or, when no account owns it, the probe row of the address's
        keyed hash: point reads, as many whether or not the address has an account."""
        ...

    def get_probe(self, setting_id: str, digest: str) -> SignInProbe | None: ...

    def save_probe(self, probe: SignInProbe) -> None:
        """Create (no ETag) or replace (under its ETag) a probe row; ConcurrencyConflict if it changed."""

    def save(
        self, account: Account, *, end_sessions: bool = False, new_session: Session | None = None
    ) -> None:
        """Write the account if nobody changed it since it was read (ConcurrencyConflict if they did).

        In the same atomic step, optionally end all of its sessions or start a new one.
        """

    def get_with_session(
        self, setting_id: str, user_id: str, digest: str
    ) -> tuple[Account | None, Session | None, list[ParentLink]]:
        """The account, one of its sessions and its links to children (parents): a point read and
        a range, neither growing with the setting. An unknown session: (None, None, [])."""

    def touch_session(self, session: Session, at: datetime) -> None:
        """Record activity; NotFound when the session has ended meanwhile."""

    def record_step_up(self, setting_id: str, user_id: str, digest: str, at: datetime) -> None:
        """S35: record a fresh verification on the session; NotFound when it has ended meanwhile."""

    def sessions(self, setting_id: str, user_id: str) -> Sequence[Session]: ...

    def end_session(self, setting_id: str, user_id: str, digest: str) -> None: ...

    def end_sessions(self, setting_id: str, user_id: str, *, keep: str | None = None) -> int:
        """End every session of the account except `keep`; returns how many ended."""

    def in_setting(self, setting_id: str) -> Sequence[Account]:
        """Every account of the setting, staff and parents, sorted by name."""
        ...

    def families(self, setting_id: str) -> Sequence[NamedParent]:
        """Every parent or carer of the setting (active or not) with the children linked to them,
        read in one range of the setting's partition: the names a parent must never read of
        another family (S37)."""
        ...

    def change_email(self, account: Account, old_email: str, *, end_sessions: bool = False) -> None:
        """Save the account under its new e-mail and move its e-mail index row, atomically."""

    def manager_guard(self, setting_id: str) -> str:
        """The ETag of the row that serialises changes which can remove an active manager."""
        ...

    def save_guarded(self, account: Account, guard_etag: str, *, end_sessions: bool = False) -> None:
        """Save, together with the manager guard under `guard_etag` (ConcurrencyConflict if it moved)."""


class ChildRepository(Protocol):
    def add(self, child: Child) -> None: ...

    def get(self, setting_id: str, child_id: str) -> Child | None: ...

    def get_many(self, setting_id: str, child_ids: Sequence[str]) -> list[Child]:
        """Those of the children that exist, in the order given, in as few round trips as the store allows."""

    def list(self, setting_id: str) -> Sequence[Child]: ...

    def names(self, setting_id: str) -> Sequence[NamedChild]:
        """Every child's names (active and archived), reading nothing else: what the S37 matcher
        needs on a parent's every page, at a fraction of the cost of whole children."""
        ...

    def save(self, child: Child) -> None:
        """Write if unchanged since read (ConcurrencyConflict otherwise)."""

    def in_room(self, setting_id: str, room_id: str) -> Sequence[Child]:
        """The children whose copy is in the room, as they are now, in one bounded read whatever
        the size of the setting. The rooms are the truth about who is where: a copy can lag a
        move until `place` catches up."""
        ...

    def place(self, setting_id: str, child_id: str, room_id: str | None) -> None:
        """Put the child's copy in `room_id` (None: in no room); the child's version stays.
        NotFound when the child is gone."""


class LinkRepository(Protocol):
    """Which parents may see which children; both directions, written together."""

    def link(self, link: ParentLink) -> None: ...

    def unlink(self, setting_id: str, parent_id: str, child_id: str) -> None: ...

    def children_of(self, setting_id: str, parent_id: str) -> Sequence[ParentLink]: ...

    def parents_of(self, setting_id: str, child_id: str) -> Sequence[ParentLink]: ...

    def is_linked(self, setting_id: str, parent_id: str, child_id: str) -> bool: ...

    def close_at(self, setting_id: str, child_id: str, until: datetime | None) -> None:
        """Every parent link of the child is readable until then (None: open again)."""


@dataclass(frozen=True, repr=False)
class AuditEvent:
    """One line of the append-only audit log (S29). Never a secret, token or photo in it."""

    at: datetime
    setting_id: str
    actor: str  # a user id, "platform", "system" or "anonymous"
    action: str  # e.g. "sign-in.password", "reset.confirm"
    target: str  # a user id, child id or setting id; never an e-mail or a name
    outcome: str  # "success", "failure", "throttled", "locked", ...
    detail: str = ""  # counts or ids only (e.g. a purge report), never names or secrets


class AuditLog(Protocol):
    def record(self, event: AuditEvent) -> None: ...


@dataclass(frozen=True, repr=False)
class AuditPage:
    """Some events of one month, newest first, and where to carry on (None: the month is done)."""

    events: Sequence[AuditEvent]
    token: Mapping[str, str] | None


class AuditReader(Protocol):
    def page(
        self,
        setting_id: str,
        year: int,
        month: int,
        *,
        since: datetime,
        until: datetime,
        actor: str | None,
        action: str | None,
        size: int,
        token: Mapping[str, str] | None,
    ) -> AuditPage:
        """Events of the setting in one month with since <= at < until, newest first."""
        ...

    def chain(self, setting_id: str) -> tuple[Sequence[ChainLink], Mapping[str, ChainHead]]:
        """Every chained entry of the setting (any order) and each month's head, by "YYYY-MM" (S41)."""
        ...


@dataclass(frozen=True, repr=False)
class AccountSweep:
    """What one pass over a setting's accounts and sessions did, and the deactivated accounts it saw
    (user id, when deactivated: None for one deactivated before the time was recorded)."""

    sessions_ended: int
    links_cleared: int
    deactivated: list[tuple[str, datetime | None]]
    probes_removed: int = 0  # expired rows of failed sign-ins on addresses with no account
    upload_counters_removed: int = 0  # expired daily photo counters (S26)


class RetentionStore(Protocol):
    """What the retention purge reads and deletes; every method is idempotent."""

    def all_settings(self) -> Sequence[Setting]: ...

    def sweep_accounts(self, setting_id: str, now: datetime, idle_seconds: int) -> AccountSweep:
        """End expired sessions, forget expired links, and list deactivated accounts: one read."""
        ...

    def mark_deactivated(self, setting_id: str, user_id: str, now: datetime) -> None: ...

    def erase_account(self, setting_id: str, user_id: str) -> int: ...

    def erase_audit_before(self, setting_id: str, before: datetime) -> int: ...

    @property
    def leavers(self) -> LeaverStore:
        """What the purge of archived children (leavers) works on."""
        ...


class LeaverStore(Protocol):
    """What the purge of leavers reads and deletes (shared/storage/leavers.py); every method is
    idempotent, and deletes in transactions of at most 100 rows and blob batches of at most 256."""

    def observations_of(self, setting_id: str, child_id: str) -> Sequence[Observation]:
        """Every observation, in any status, that includes the child."""
        ...

    def commented(self, setting_id: str) -> set[str]:
        """The ids of the setting's observations that have comments."""
        ...

    def moment_photos(self, setting_id: str, child_id: str) -> Mapping[str, str]:
        """The photos of the child's moments from home: photo id to the owner its row records."""
        ...

    def marked_photos(self, setting_id: str) -> Sequence[tuple[str, str]]:
        """Photos marked to be discarded and not yet deleted: (photo id, observation id)."""
        ...

    def orphan_blobs(self, setting_id: str, before: datetime) -> Sequence[str]:
        """Photo blobs last written before `before` that no photo row owns."""
        ...

    def mark_photos(self, setting_id: str, owners: Mapping[str, str]) -> int:
        """Mark photos (photo id to the observation or moment listing it) to be discarded."""
        ...

    def discard_photos(self, setting_id: str, photo_ids: Sequence[str]) -> int:
        """Delete the photos' blobs, then their rows and their marks."""
        ...

    def rewrite_comments(
        self, setting_id: str, observation_id: str, rewrite: Callable[[str], str]
    ) -> int: ...

    def erase_observations(
        self, setting_id: str, observations: Sequence[Observation], commented: Collection[str]
    ) -> int:
        """Delete observations' journal rows, then their comments, then the observations."""
        ...

    def erase_moments(self, setting_id: str, child_id: str) -> int: ...

    def erase_journal(self, setting_id: str, child_id: str) -> int: ...

    def erase_links(self, setting_id: str, child_id: str) -> int: ...

    def erase_child(self, child: Child) -> bool:
        """Delete the child's row if unchanged since read; False when it changed."""
        ...

    def delete_blobs(self, names: Sequence[str]) -> int: ...


class PhotoRepository(Protocol):
    """One row per photo: which observation it belongs to, who added it, its sizes (S23 keys).

    An observation's photo gets its row from ObservationRepository.save, together with the write
    that lists it; `add` is for a photo whose row is written on its own (a moment's).
    """

    def add(self, photo: Photo) -> None: ...

    def get(self, setting_id: str, photo_id: str) -> Photo | None: ...

    def remove(self, setting_id: str, photo_id: str) -> None:
        """Delete the row if present (removing twice is fine)."""

    def discard(self, setting_id: str, photo_ids: Sequence[str]) -> None:
        """Delete these photos' blobs, then their rows, for a use case deleting what they belong to.
        Idempotent; blobs are found from the ids, so even when their row was never written."""


class PhotoBlobs(Protocol):
    """Photo bytes in a private container, reachable only through short signed links (S28)."""

    def put(self, name: str, data: bytes, content_type: str) -> None: ...

    def delete(self, names: Sequence[str]) -> None:
        """Delete these blobs; missing ones are fine."""

    def read_url(self, name: str, content_type: str) -> str:
        """A read-only link to this one blob that lives at most 10 minutes."""
        ...


class MailOutbox(Protocol):
    def send(self, mail: Mail) -> None:
        """Queue a mail; it is sent later by the mail function, never inside a request (S12)."""


class LinkMailKind(StrEnum):
    INVITATION = "invitation"  # the activation link
    RESET = "reset"
    EMAIL_CONFIRM = "email-confirm"  # to the new address of a pending change (S38)
    EMAIL_OBJECT = "email-object"  # to the old address: cancel the change, sign out everywhere
    NEW_DEVICE = "new-device"  # S36: a sign-in from a new browser, with a "this wasn't me" link
    # S40: a child has left (detail: the child's id), with a one-click unsubscribe link
    JOURNAL_CLOSING = "journal-closing"


@dataclass(frozen=True, repr=False)
class LinkMail:
    """An instruction to mail one link: ids and an epoch only, never a token (S39).

    The worker that sends the mail mints the token then, and only if `epoch` is still the one
    armed on the account; a newer request or a voiding change makes the instruction stale.
    """

    kind: LinkMailKind
    setting_id: str
    user_id: str
    epoch: int
    detail: str = ""  # what the mail tells beyond ids, never a secret (a device's description)

    def to_json(self) -> str:
        fields: dict[str, object] = {"kind": self.kind.value, "setting": self.setting_id,
                                     "user": self.user_id, "epoch": self.epoch}  # fmt: skip
        if self.detail:
            fields["detail"] = self.detail
        return json.dumps(fields)

    @classmethod
    def from_json(cls, raw: str) -> LinkMail:
        """Parse an instruction; ValueError on anything else."""
        try:
            data = json.loads(raw)
            kind, setting, user, epoch = (
                LinkMailKind(data["kind"]),
                data["setting"],
                data["user"],
                data["epoch"],
            )
        except (TypeError, ValueError, KeyError):
            raise ValueError("not a link mail instruction") from None
        detail = data.get("detail", "")
        if not isinstance(epoch, int) or not isinstance(setting, str) or not isinstance(user, str):
            raise ValueError("not a link mail instruction")
        if not isinstance(detail, str):
            raise ValueError("not a link mail instruction")
        return cls(kind, setting, user, epoch, detail)


class LinkMails(Protocol):
    def submit(self, mail: LinkMail) -> None:
        """Queue a link mail instruction for the mail worker."""


class ResetRequests(Protocol):
    def submit(self, setting_id: str, email: str) -> None:
        """Queue a password reset request for the background worker."""


class ObservationRepository(Protocol):
    """Canonical observations, kept in step with each child's journal (shared/storage/observations.py)."""

    def add(self, observation: Observation, children: Sequence[NamedChild] = ()) -> Observation:
        """Store a new observation (Conflict when its id is taken); returns it with its ETag."""
        ...

    def get(self, setting_id: str, observation_id: str) -> Observation | None: ...

    def list(
        self, setting_id: str, status: ObservationStatus, author_id: str | None
    ) -> Sequence[Observation]:
        """The setting's observations in a status (only one author's when given), newest change first."""
        ...

    def save(
        self, observation: Observation, children: Sequence[NamedChild], *, new_photo: Photo | None = None
    ) -> Observation:
        """Write if unchanged since read (ConcurrencyConflict otherwise), then the journal projections.

        With `new_photo`, its row is stored in the same atomic write: both or neither.
        """
        ...

    def delete(self, observation: Observation) -> None:
        """Delete the version read (ConcurrencyConflict if it changed) and its projections."""

    def repair(self, setting_id: str, observation_id: str, children: Sequence[NamedChild]) -> bool:
        """Re-project an observation whose journal rows fell behind; True when any did."""
        ...

    def index_setting(self, setting_id: str, spent: Callable[[], bool] = ...) -> int:
        """Give every observation of the setting stored before the lists' index existed its index
        rows, then mark the setting so it runs once; how many it indexed (the nightly backfill).
        Stops unmarked when `spent` says so: the next run carries on."""
        ...


class JournalReader(Protocol):
    def page(
        self, setting_id: str, child_id: str, *, area: Area | None, size: int, cursor: str | None
    ) -> tuple[list[JournalEntry], str | None]:
        """One page of a child's journal, newest first, and an opaque cursor bound to that journal."""
        ...


class CommentRepository(Protocol):
    def add(self, comment: Comment) -> None: ...

    def of(self, setting_id: str, observation_id: str) -> Sequence[Comment]:
        """An observation's comments, oldest first."""
        ...


class MomentRepository(Protocol):
    def add(self, moment: Moment) -> Moment: ...

    def get(self, setting_id: str, child_id: str, moment_id: str) -> Moment | None: ...

    def of(self, setting_id: str, child_id: str) -> Sequence[Moment]:
        """A child's moments from home, newest first."""
        ...

    def save(self, moment: Moment) -> Moment:
        """Write if unchanged since read (ConcurrencyConflict otherwise)."""
        ...


class ExportRepository(Protocol):
    """Export rows (table `exports`, PK setting id, RK export id) and each requester's request record."""

    def get(self, setting_id: str, export_id: str) -> Export | None: ...

    def requester(self, setting_id: str, user_id: str) -> RequesterExports:
        """The requester's record as stored now (a fresh one, without ETag, if none exists)."""
        ...

    def add(self, export: Export, requester: RequesterExports) -> None:
        """Store a new export and the requester's record in one transaction; ConcurrencyConflict
        (or Conflict) when the record changed since it was read."""

    def save(self, export: Export) -> None:
        """Write the export's status; NotFound when it has been purged meanwhile."""

    def created_before(self, setting_id: str, before: datetime) -> Sequence[Export]: ...

    def remove(self, setting_id: str, export_id: str) -> None:
        """Delete the row if present (removing twice is fine)."""

    def remove_requesters_idle_since(self, setting_id: str, before: datetime) -> int:
        """Delete requester records with no request since `before`; returns how many."""
        ...


class ExportFiles(Protocol):
    """Export files in a private container, reachable only through short signed links (S28)."""

    def put(self, name: str, data: bytes, content_type: str) -> None:
        """Write (or rewrite, when a build is retried) one export file."""

    def delete(self, names: Sequence[str]) -> None:
        """Delete these blobs; missing ones are fine."""

    def download_url(self, name: str, content_type: str, file_name: str) -> str:
        """A read-only link to this one blob, saved as `file_name`, that lives at most 10 minutes."""
        ...


class PhotoBytes(Protocol):
    def read(self, name: str) -> bytes:
        """The bytes of one stored photo blob; NotFound when it is gone."""
        ...


class ExportRequests(Protocol):
    def submit(self, setting_id: str, export_id: str) -> None:
        """Queue an export for the build function; it is never built inside a request (230 s limit)."""


class RoomRepository(Protocol):
    """Rooms, which room each child is in (with the history of stays) and the staff of each room
    (shared/storage/rooms.py). Every change is one ETag-guarded transaction of the setting."""

    def add(self, room: Room) -> Room: ...

    def get(self, setting_id: str, room_id: str) -> Room | None: ...

    def list(self, setting_id: str) -> Sequence[Room]:
        """Every room of the setting, retired ones too, sorted by name."""
        ...

    def rename(self, room: Room) -> Room:
        """Write the room's name if the room is unchanged since read (ConcurrencyConflict otherwise)."""
        ...

    def retire(self, room: Room, at: datetime) -> Room:
        """Retire the room as read (ConcurrencyConflict if it changed, so a child moved in
        meanwhile stops it) and end its staff's assignments, in one transaction."""
        ...

    def placement(self, setting_id: str, child_id: str) -> Placement | None: ...

    def move(self, child_id: str, current: Placement | None, to: Room, leaving: Room | None,
             on: date) -> Placement:  # fmt: skip
        """Put the child in `to` from `on`: close the current stay, open the next, update both
        rooms' counts. All or nothing; ConcurrencyConflict if the placement or a room changed."""
        ...

    def leave(self, current: Placement, room: Room | None, on: date) -> None:
        """The child leaves its room on `on` (its stay closes; it is in no room after), all or
        nothing; ConcurrencyConflict if the placement or the room changed since read."""

    def children_in(self, setting_id: str, room_id: str) -> Sequence[str]:
        """The ids of the children in the room now (one range)."""
        ...

    def placements(self, setting_id: str) -> Sequence[Placement]:
        """Where every placed child of the setting is now (one range)."""
        ...

    def stays(self, setting_id: str, child_id: str) -> Sequence[Stay]:
        """The child's stays, oldest first (one range)."""
        ...

    def assignments(self, setting_id: str) -> Sequence[tuple[str, str]]:
        """Every (room id, user id) of staff assigned to rooms (one range)."""
        ...

    def rooms_of(self, setting_id: str, user_id: str) -> Sequence[str]:
        """The rooms a member of staff is assigned to (one range)."""
        ...

    def assign(self, setting_id: str, user_id: str, rooms: Sequence[Room]) -> None:
        """Make these (active, as read) the member of staff's rooms, in one transaction;
        ConcurrencyConflict if a room changed since read (it may have been retired)."""

    def erase_child(self, setting_id: str, child_id: str) -> int:
        """Delete the child's placement and stays and take it out of its room's count; idempotent."""
        ...

    def erase_staff(self, setting_id: str, user_id: str) -> int:
        """End a member of staff's room assignments; idempotent."""
        ...


class ChildDetailsRepository(Protocol):
    """The staff-only facts the tracker groups children by, and the setting's tracker policy."""

    def get(self, setting_id: str, child_id: str) -> TrackerDetails | None: ...

    def save(self, details: TrackerDetails) -> TrackerDetails:
        """Create (no ETag: Conflict if one exists) or replace the version read (ConcurrencyConflict)."""
        ...

    def of_setting(self, setting_id: str) -> Sequence[TrackerDetails]: ...

    def erase(self, setting_id: str, child_id: str) -> int:
        """Delete the child's details; idempotent."""
        ...

    def policy(self, setting_id: str) -> TrackerPolicy:
        """The setting's tracker policy (the default, with no ETag, when none was saved)."""
        ...

    def save_policy(self, policy: TrackerPolicy) -> TrackerPolicy:
        """Create (no ETag) or replace the version read (ConcurrencyConflict)."""
        ...


class AuditArchive(Protocol):
    """A write-once copy of the chained audit log (S41): in Azure, a container under a time-based
    retention policy that the app identity can append to but neither rewrite nor delete. Nothing
    but the manager's chain check reads it back; no route serves it."""

    def append(self, link: ChainLink) -> None:
        """Add one chained entry; what is there already is never changed."""

    def links(self, setting_id: str, since: datetime) -> Sequence[ChainLink]:
        """The setting's archived entries of the months from `since`'s month on (any order)."""
        ...


class UploadQuota(Protocol):
    """Photos each account uploaded on one UTC day (S26): a counter that a burst cannot outrun."""

    def reserve(self, setting_id: str, user_id: str, day: date, limit: int, expires_at: datetime) -> bool:
        """Count one more upload unless `limit` are counted already (False then, nothing counted)."""
        ...

    def release(self, setting_id: str, user_id: str, day: date) -> None:
        """Give back one counted upload (it was refused before anything was stored)."""


# An outbox row's key: the round ("daily-2026-03-29", "immediate-<first event>") and the person.
MailKey = tuple[str, str]


@dataclass(frozen=True, repr=False)
class SentMail:
    """A notification mail: its outbox row and the watermark its claim moves."""

    round_key: str
    user_id: str
    mode: Mode
    watermark: str


class NotificationStore(Protocol):
    """Events, each person's notification choices and the digest outbox of a setting, in one
    partition (shared/storage/notifications.py)."""

    def record(self, event: Event) -> None:
        """Store one event (one insert); its key orders it among the setting's events."""

    def preferences(self, setting_id: str, user_id: str) -> Preferences:
        """The person's stored choices, or the defaults (no ETag) when they never chose."""
        ...

    def all_preferences(self, setting_id: str) -> Mapping[str, Preferences]:
        """Every stored row of the setting, by user id: one range query."""
        ...

    def save_preferences(self, prefs: Preferences) -> Preferences:
        """Write choices and epoch if unchanged since read (ConcurrencyConflict otherwise)."""
        ...

    def mark_undeliverable(self, setting_id: str, user_id: str, address_digest: str) -> None:
        """Remember that mail to this address failed for good (changes no other field)."""

    def events(self, setting_id: str, since: datetime) -> Sequence[Event]:
        """The setting's events from `since`, oldest first: one range query."""
        ...

    def mails(self, setting_id: str, round_key: str) -> Mapping[str, str]:
        """The outbox rows of one round, user id to state ("sending" or "sent")."""
        ...

    def claim_mails(self, setting_id: str, claims: Sequence[SentMail], at: datetime) -> set[MailKey]:
        """Create these mails' outbox rows ("claimed") and move their people's watermarks, in
        one transaction per 50 mails; the (round, person) keys claimed. When a row exists
        already (claimed by another run) each mail is tried alone, and that one is left out."""
        ...

    def release_mails(self, setting_id: str, claims: Sequence[SentMail]) -> None:
        """Give back claims whose mails were certainly not sent: delete their outbox rows and put
        the watermarks they carry (the ones from before the claim) back, in one transaction."""

    def mails_sent(self, setting_id: str, sent: Sequence[SentMail]) -> None:
        """Mark these outbox rows sent and move each person's watermark (one transaction per 50
        mails): for mails claimed by an earlier run."""

    def forget_before(self, setting_id: str, before: datetime) -> int:
        """Delete events and outbox rows older than `before`; how many."""
        ...

    def all_settings(self) -> Sequence[Setting]: ...


class ProfileRepository(Protocol):
    """Each child's EYFS profile, one row per child in the setting's partition."""

    def get(self, setting_id: str, child_id: str) -> Profile | None: ...

    def save(self, profile: Profile) -> Profile:
        """Create (etag None: Conflict when one exists) or write if unchanged since read
        (ConcurrencyConflict otherwise); returns it with its new etag."""
        ...

    def list(self, setting_id: str) -> Sequence[Profile]:
        """Every profile of the setting: one partition."""
        ...

    def remove(self, setting_id: str, child_id: str) -> None:
        """Delete the child's profile if there is one (removing twice is fine)."""


class PasskeyStore(Protocol):
    """Passkeys (table `passkeys`, PK setting id), the markers of spent ceremony challenges and
    each session's last fresh verification (shared/storage/passkeys.py)."""

    def add(self, passkey: Passkey) -> None:
        """Store a new passkey (its ETag set on it); Conflict when the credential is registered."""

    def get(self, setting_id: str, user_id: str, digest: str) -> Passkey | None:
        """One passkey by its owner and credential digest: a point read."""
        ...

    def of_user(self, setting_id: str, user_id: str) -> Sequence[Passkey]:
        """Every passkey of one account, oldest first."""
        ...

    def save(self, passkey: Passkey) -> None:
        """Write if unchanged since read (ConcurrencyConflict otherwise; NotFound once removed)."""

    def remove(self, setting_id: str, user_id: str, digest: str) -> None:
        """Delete the passkey if present (removing twice is fine)."""

    def spend(self, setting_id: str, challenge_digest: str, expires_at: datetime) -> None:
        """Mark a ceremony challenge used; Conflict when it already was (exactly one racer wins)."""

    def mark_fresh(self, setting_id: str, user_id: str, session_digest: str, at: datetime) -> None:
        """Record that this session's owner proved themselves again just now (S35)."""

    def fresh_at(self, setting_id: str, user_id: str, session_digest: str) -> datetime | None:
        """When this session last proved itself again, if ever."""
        ...

    def sweep_expired(self, setting_id: str, now: datetime) -> int:
        """Delete the setting's spent-challenge markers and fresh marks that have expired; how many."""
        ...


class TwoYearCheckRepository(Protocol):
    """Each child's progress check at age two, one row per child in the setting's partition."""

    def get(self, setting_id: str, child_id: str) -> TwoYearCheck | None: ...

    def save(self, check: TwoYearCheck) -> TwoYearCheck:
        """Create (etag None: Conflict when one exists) or write if unchanged since read
        (ConcurrencyConflict otherwise); returns it with its new etag."""
        ...

    def list(self, setting_id: str) -> Sequence[TwoYearCheck]:
        """Every check of the setting: one partition."""
        ...

    def remove(self, setting_id: str, child_id: str) -> None:
        """Delete the child's check if there is one (removing twice is fine)."""


class AssessmentStore(Protocol):
    """Each setting's assessment plan and every child's judgements at each point
    (shared/storage/assessments.py; keys.py, "assessments")."""

    def plan(self, setting_id: str) -> AssessmentPlan | None:
        """The stored plan (point read), None while the setting keeps the defaults."""
        ...

    def save_plan(self, plan: AssessmentPlan) -> AssessmentPlan:
        """Create (etag None: Conflict when one exists) or write if unchanged since read
        (ConcurrencyConflict otherwise); returns it with its new etag."""
        ...

    def record(self, setting_id: str, point_id: str, child_id: str) -> ChildAssessment | None:
        """A child's record and judgements at a point: one range."""
        ...

    def save_record(self, record: ChildAssessment, cleared: Collection[str] = ()) -> ChildAssessment:
        """Write the record with every judgement it holds, and delete the `cleared` aspects' rows,
        in one transaction: create (etag None: Conflict when one exists) or only if the record is
        unchanged since read (ConcurrencyConflict otherwise). Returns it with its new etag."""
        ...

    def records(self, setting_id: str, point_id: str) -> Sequence[ChildAssessment]:
        """Every child's record at a point, in child order: the point's partition, in pages."""
        ...

    def records_of(
        self, setting_id: str, point_id: str, child_ids: Sequence[str]
    ) -> Sequence[ChildAssessment]:
        """These children's records at a point (those that have one), in child order: one range
        each, so one room's report costs the same in a setting of any size."""
        ...

    def point_used(self, setting_id: str, point_id: str) -> bool:
        """Whether any child has a record at the point (one row read)."""
        ...

    def erase_child(self, setting_id: str, child_id: str, point_ids: Collection[str]) -> int:
        """Delete the child's records and judgements at these points; how many rows went."""
        ...
