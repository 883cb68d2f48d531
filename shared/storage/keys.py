"""The key schema of the whole app: every table's name, PartitionKey and RowKey, built only here.

Every key that holds tenant data starts with the setting id (S23). "~" separates the parts of a
key; no id contains it (shared.domain.identifiers) and it sorts above every character an id may
hold, so "prefix" .. "prefix~" bounds exactly the keys that continue a prefix (`prefix_bounds`).
Numbers are zero-padded and times inverted where the newest must come first, because keys sort
as strings. How Azure answers each query: a point read names PartitionKey and RowKey; a range
names one partition and a RowKey range (or a PartitionKey range); a scan reads a whole partition
and filters on other properties (the Table service also answers any "or" that way).

settings
    PartitionKey  {setting}
    RowKey        setting
    One row per setting, alone in its partition so this table too starts with the setting id.
    Queries: a setting by id (point); every setting, for the nightly purge (scan of the table on
    RowKey: a few hundred rows).

accounts
    PartitionKey  {setting}
    RowKey        user~{user}                          the account (with its link digests, any
                                                       pending e-mail change, S38, and its strong
                                                       factors, S32-S34: storage/factor_rows.py)
                  user~{parent}~child~{child}          the children a parent may see
                  session~{user}~{sha256(sid)}         one signed-in browser
                  link~{child}~{parent}                the parents of a child (for managers)
                  email~{sha256(email)}                who owns an address in the setting
                  guard~managers                       serialises every loss of a manager
                  probe~{hmac(address)}                failed sign-ins on an address with no account
                  user~{user}~uploads~{YYYYMMDD}       photos the account uploaded that day (S26)
                  names~book                           every family's names and children (S37)
    A setting's people share one partition: an account with its e-mail index row is one
    transaction (addresses stay unique), "end every session" goes in the same transaction as
    the account change that requires it (S18), both rows of a link are written together, and
    the guard row makes "never lose the last manager" one ETag-guarded transaction. A pending
    e-mail change lives on the account row rather than a row of its own, so its confirmation,
    an objection and a newer request all race on one ETag, and confirming moves the address,
    the index row and ends the sessions in one transaction.
    Each kind of row has a prefix of its own, so every query the app makes on a request is a
    point read or a range whose size does not grow with the partition: a setting of 660 people
    and 50,000 expired sessions answers a session check as fast as one of five people. A
    parent's links sort right after the account (user ids have one length, and "~child~" sorts
    below every other continuation), so the account and its links are one range; sessions live
    apart under "session~" so that neither that range nor the setting's accounts ever read one.
    (Session rows moved there from under "user~{user}~": a session stored under the old key is
    no longer found, which signs its browser out once; the nightly sweep removes the rows.)
    Queries:
      point   an account, a link, the guard, an index row by e-mail, a probe, one session
      range   the session check: the session (point) and the account with its links, from
              "user~{user}" to "user~{user}~child~~"; sign-in: the index row (point), then the
              account it names (point), or the probe row when no account owns the address
              (point): two requests either way, so existence does not show in the count (S9);
              the families' names (S37): the names book (point), written in the transaction
              of every parent's add, rename or erasure and every link's; the setting's accounts
              (and the book's rebuild): "user~" .. "user~~", filtered on Kind and Role
              (accounts and parents' links only, no sessions);
              a user's sessions; a parent's children; a child's parents; everything keyed
              under a user for its erasure (two ranges: "user~{user}~" and "session~{user}~");
              the nightly sweep: the sessions, the accounts and the probes, one range each
      scan    none
    A probe row (S9, S10) is keyed by an HMAC of the address under a key from config, so it
    never names the address; it lives in the setting's partition, is read in the same query as
    the account by e-mail, expires, and the nightly sweep of the partition removes it.
    An uploads row (S26) counts one account's photos of one UTC day under its ETag (point read,
    then a guarded write); it sorts under the account, so erasing the account takes it, and it
    expires the next day, when the nightly sweep removes it.
    never names the address; it lives in the setting's partition, is read only when no account
    owns the address, expires, and the nightly sweep removes it.

children
    PartitionKey  {setting}
    RowKey        {child}                              a child; RoomId names the room of its copy
                  names~book                           every child's names (S37), one row
                  room~{room}~{child}                  a copy of a placed child's row, for its room's list
    Queries: a child (point); the names book (point: a parent's every page, S37); a room's
    children (range of `room~{room}~`: one page, a room never holds 1,000 children); the
    setting's children, and up to 14 of them by id in one "or" (scan of the setting's partition
    below "room~": one row per child, the book filtered out). A copy changes in the transaction
    of every write of its child, so it always holds the child as it is; a move writes it after
    the rooms' transaction (shared.storage.children).

observations
    PartitionKey  {setting}
    RowKey        {observation}                        the canonical row (lower-case hex, or moment-hex)
                  photo~{photo}                        one photo's row (an observation's or a moment's)
                  status~{status}~{inverted ms updated}~{observation}
                                                       a copy of the canonical row, for the staff lists
                  written~{author}~{status}~{inverted ms updated}~{observation}
                                                       the same, for one author's own lists
                  with~{child}~{observation}           the same, for each child it includes
                  ~indexed                             every observation of the setting has its index rows
                  ~discard~{photo}                     a photo the purge must discard, with its owner
    A photo's row shares its observation's partition so an upload creates the row and lists the
    photo on its observation in one transaction; observation ids sort below "photo~", every
    index row above it. The index rows share the partition for the same reason: an observation
    and its index rows change in one transaction guarded by the canonical row's ETag (at most
    1 + 2 + 30 children, with the deletes of the old keys 66 operations, under the limit of 100),
    so no list ever shows a version that is not the stored one. They are copies, so a list is
    one range and no point read per entry; the concurrency token handed out is the row's
    Version, which a copy can carry (the storage ETag of a transaction's canonical row cannot).
    Queries: an observation or a photo (point); the approvals queue and the staff lists (range
    "status~{status}~", or "written~{author}~{status}~" for one author's, newest change first:
    one page of at most 200 rows); the purge's observations that include a child (range
    "with~{child}~"); the photos marked for discarding (range "~discard~": the marks alone);
    the photo rows for the orphan sweep (range "photo~" .. "photo~~"). Until the setting's
    "~indexed" row exists (the nightly backfill writes it after giving every older observation
    its index rows), the lists and the purge read the canonical rows below "photo~", filtered:
    a scan that grows with the journal.

journal
    PartitionKey  {setting}~{child}
    RowKey        {99999999 - YYYYMMDD observed}~{observation}
    One partition per child, newest first: one query serves a page of the child's journal, and
    one child's readers never make another's partition hot.
    Queries: a projection (point); a page of a child's journal, with an area filter (range of
    one partition, in key order, with continuation).

comments
    PartitionKey  {setting}~{observation}
    RowKey        {ms, 15 digits}~{comment}
    One partition per observation, oldest first: its conversation is one query, in order.
    Queries: an observation's comments (one partition); which of a setting's observations have
    comments, for the purge (PartitionKey range "{setting}~" .. "{setting}~~", keys only).

moments
    PartitionKey  {setting}~{child}
    RowKey        {10^13 - ms, 13 digits}~{moment}
    One partition per child, newest first; a moment is looked for only in the partition of the
    child whose access was checked.
    Queries: a child's moments (one partition, first 100); a moment by id (scan of the child's
    partition on MomentId).

exports
    PartitionKey  {setting}
    RowKey        {export}                             one export (ids start with "e")
                  requester~{user}                     the requests of one requester
    A new export and its requester row (the rate limit) are one transaction.
    Queries: an export, a requester (point); expired exports and idle requesters for the purge
    (scan of the setting's partition, filtered by Kind and time).

audit
    PartitionKey  {setting}~{YYYY-MM}
    RowKey        {10^13 - ms, 13 digits}~{8 random hex}
                  head                                 the month's hash chain (S41): newest Seq and Hash
    One partition per setting and month, newest first: appends spread over months, a month is
    read as a time range, and retention removes whole months. Each entry carries Seq, Prev and
    Hash; the month's head row sits beside its entries, so an append is one read of the head and
    one transaction (head ETag-guarded, entry created), and parallel appends never fork the chain.
    Queries: a manager's page of a month (range of one partition, filtered by actor and action);
    events before the retention cut-off (PartitionKey range of the setting's months, filtered).

rooms
    PartitionKey  {setting}
    RowKey        room~{room}                          a room: name, status, how many children now
                  place~{child}                        the room a child is in now, and since when
                  member~{room}~{child}                the same placement seen from the room
                  stay~{child}~{seq, 5 digits}         one stay of a child in a room (from, to)
                  staff~{user}~{room}                  a member of staff's rooms
                  crew~{room}~{user}                   the same assignment seen from the room
    A setting's rooms, placements and stays share one partition so that a move (both rooms'
    counts, the placement, both member rows, the closing and the opening stay) is one ETag-guarded
    transaction, and a retirement (the room and its staff rows) another; a move into a room
    writes the room's row under its ETag, so a move and a retirement racing on one room never
    both succeed. The member rows make "the children of a room" a range, not a scan of children.
    Queries: a room, a placement (point); the setting's rooms, the children of a room, every
    placement, a child's stays, the staff of every room, a member of staff's rooms (range).

childdetails
    PartitionKey  {setting}
    RowKey        child~{child}                        the tracker's facts about a child (staff only)
                  policy                               the setting's tracker policy (records sex?)
    Apart from the children table so that nothing that reads a child for a parent can read them.
    Queries: a child's details, the policy (point); every child's details, for the tracker and
    for forgetting sex when the policy stops recording it (range "child~").
notifications
    PartitionKey  {setting}
    RowKey        pref~{user}                          one person's choices, watermarks, bounce
                  event~{ms, 15 digits}~{8 random hex} something that happened (ids only)
                  mail~{round}~{user}                  the outbox: one row per digest mail sent
    One partition per setting: the digest run reads every person's preferences (range
    "pref~"), the events since the round began (range "event~{ms}" .. "event~~") and the
    round's outbox rows (range "mail~{round}~") in three queries for the whole setting, never
    one per person; marking a mail sent and moving its person's watermark is one transaction.
    Recording an event is one insert.
    Queries: a person's preferences, an outbox row (point); the three ranges above; events and
    outbox rows older than a week for forgetting (range of "event~", scan of "mail~" on At).
profiles
    PartitionKey  {setting}
    RowKey        {child}
    One row per child (a child has one reception year): the EYFS profile's 17 judgements, the
    commentary and who finalised it. The setting's partition holds a few hundred rows at most.
    Queries: a child's profile (point); every profile of the setting for the MIS export (scan of
    the setting's partition).
twoyearchecks
    PartitionKey  {setting}
    RowKey        {child}
    One row per child (a child has one progress check at age two): the three prime areas'
    summaries, the setting's plans, its status, and each parent's comment (JSON, keyed by parent).
    Queries: a child's check (point); every check of the setting for the tracker (scan of the
    setting's partition, a few hundred rows at most).
passkeys
    PartitionKey  {setting}
    RowKey        key~{user}~{sha256(credential id)}   one passkey (public key, counter, name)
                  spent~{sha256(challenge)}            a registration or step-up challenge, used
                  fresh~{user}~{sha256(sid)}           a session's last fresh verification (S35)
    A passkey sign-in learns the setting and user from the WebAuthn user handle the authenticator
    returns, and the credential id from the assertion, so it finds the passkey with a point read
    of the setting's partition: a passkey of one setting is never even looked for in another.
    A sign-in spends its challenge on the passkey row itself (ETag-guarded), so it writes nothing
    else; registration and step-up spend theirs on a marker row (create: exactly one racer wins).
    Queries: a passkey, a marker, a fresh mark (point); a user's passkeys (range "key~{user}~").
    Markers and fresh marks expire; the passkeys go with the account.
assessments
    PartitionKey  {setting}                            the setting's plan
    RowKey        plan                                 its assessment points and choices (one row)
    PartitionKey  {setting}~{point}                    one assessment point's judgements
    RowKey        {child}~                             a child's record at the point: status, who,
                                                       when, the framework and scale (the ETag the
                                                       key person and the manager race on)
                  {child}~{aspect}                     one aspect's judgement, note and evidence
    One partition per point, so a cohort report for a point (300 children x 17 aspects) is read
    in pages of that one partition, in child order, and never touches another point; a child's
    record's key is the prefix of its judgements' keys, so a child at a point is one range,
    "{child}~" .. "{child}~~" (the record and a row per aspect judged), and saving or approving it is one
    transaction: the record's row under its ETag with every judgement row beside it, never
    half-written. The purge deletes a child's range in each of the plan's points (a point that
    holds judgements is never removed from the plan).
    Queries: the plan (point); a child at a point (range); a point's records (range of one
    partition, paged); whether a point holds any judgement (range, first row).

Blobs live in private containers named in shared.domain (photos, exports), under names made
from server ids there (S25); every name starts with the setting id. The audit archive (S41) is the
container audit-archive, names {setting}/{YYYY-MM}/{part}.jsonl (shared.storage.audit_archive).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

# -- tables ---------------------------------------------------------------------------------------

SETTINGS = "settings"
ACCOUNTS = "accounts"
CHILDREN = "children"
OBSERVATIONS = "observations"
JOURNAL = "journal"
COMMENTS = "comments"
MOMENTS = "moments"
EXPORTS = "exports"
AUDIT = "audit"
ROOMS = "rooms"
CHILD_DETAILS = "childdetails"
NOTIFICATIONS = "notifications"
PROFILES = "profiles"
PASSKEYS = "passkeys"
TWO_YEAR_CHECKS = "twoyearchecks"
ASSESSMENTS = "assessments"
TABLES = (SETTINGS, ACCOUNTS, CHILDREN, OBSERVATIONS, JOURNAL, COMMENTS, MOMENTS, EXPORTS, AUDIT, ROOMS,
          CHILD_DETAILS, NOTIFICATIONS, PROFILES, PASSKEYS, TWO_YEAR_CHECKS, ASSESSMENTS)  # fmt: skip

SEP = "~"

# -- ranges ---------------------------------------------------------------------------------------


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """Exclusive bounds of every key that continues `prefix`: "~" sorts above any id character."""
    return prefix, prefix + SEP


def rows_under(partition: str, prefix: str) -> tuple[str, dict[str, Any]]:
    """A filter and its parameters for one partition's rows whose RowKey continues `prefix`."""
    low, high = prefix_bounds(prefix)
    return (
        "PartitionKey eq @pk and RowKey gt @from and RowKey lt @to",
        {"pk": partition, "from": low, "to": high},
    )


def index_rows_under(partition: str, prefix: str) -> tuple[str, dict[str, Any]]:
    """`rows_under` with the RowKey bounds first, for a prefix that few rows of the table share.

    Azure answers either order as the same range of one partition. Azurite evaluates the filter
    on every entity of the table, left to right: bounds first, an entity of another prefix (most
    of a large setting's partition) is dropped after one comparison, so the range costs what it
    costs in a small setting."""
    low, high = prefix_bounds(prefix)
    return (
        "RowKey gt @from and RowKey lt @to and PartitionKey eq @pk",
        {"pk": partition, "from": low, "to": high},
    )


def partitions_under(prefix: str) -> tuple[str, dict[str, Any]]:
    """A filter and its parameters for every partition whose key continues `prefix`."""
    low, high = prefix_bounds(prefix)
    return "PartitionKey gt @from and PartitionKey lt @to", {"from": low, "to": high}


def setting_partitions(setting_id: str) -> tuple[str, dict[str, Any]]:
    """A filter for every partition of one setting in any table: `{setting}` and `{setting}~...`."""
    return (
        "PartitionKey ge @from and PartitionKey lt @to",
        {"from": setting_id, "to": prefix_bounds(setting_id + SEP)[1]},
    )


def split_partition(partition: str) -> tuple[str, str]:
    """`{setting}~{id}` back into the setting id and the id after it."""
    setting_id, _, rest = partition.partition(SEP)
    return setting_id, rest


# -- time -----------------------------------------------------------------------------------------

_MAX_MS = 10**13
_MAX_DATE = 99999999


def millis(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def inverted_ms(at: datetime) -> str:
    """A 13-digit key part that sorts the newest time first."""
    return f"{_MAX_MS - millis(at):013d}"


def inverted_date(day: date) -> str:
    """An 8-digit key part that sorts the latest day first."""
    return f"{_MAX_DATE - int(day.strftime('%Y%m%d')):08d}"


# -- settings -------------------------------------------------------------------------------------

SETTING_ROW = "setting"

# -- accounts -------------------------------------------------------------------------------------

_USER = "user~"
_SESSION = "session~"
_CHILD = "~child~"
_LINK = "link~"
_EMAIL = "email~"
MANAGER_GUARD_ROW = "guard~managers"
_PROBE = "probe~"


def probe_row(digest: str) -> str:
    """The row counting failed sign-ins on an address with no live account (a keyed hash of it)."""
    return f"{_PROBE}{digest}"


def probe_digest_of(row_key: str) -> str:
    return row_key.removeprefix(_PROBE)


def account_row(user_id: str) -> str:
    return f"{_USER}{user_id}"


def owned_by(user_id: str) -> str:
    """The prefix of every row keyed under an account: for a parent, its links (sessions live
    apart, under `sessions_of`)."""
    return account_row(user_id) + SEP


def every_account() -> str:
    """The prefix of the accounts and parents' links: never a session, an index row or a probe."""
    return _USER


def account_and_links(user_id: str) -> tuple[str, str]:
    """Inclusive low and exclusive high RowKey of an account row and its links to children."""
    return account_row(user_id), prefix_bounds(children_of(user_id))[1]


def account_and_links_range(setting_id: str, user_id: str) -> tuple[str, dict[str, Any]]:
    """The session check's range (`account_and_links`), RowKey bounds first as `index_rows_under`.

    A user id sorts in no other account's keys, so on Azurite every other entity of the table is
    dropped after one or two comparisons, the 50,000 sessions of a large setting's partition as
    cheaply as another setting's rows."""
    low, high = account_and_links(user_id)
    return (
        "RowKey ge @from and RowKey lt @to and PartitionKey eq @pk",
        {"pk": setting_id, "from": low, "to": high},
    )


def session_row(user_id: str, digest: str) -> str:
    return f"{_SESSION}{user_id}{SEP}{digest}"


def sessions_of(user_id: str) -> str:
    """The prefix of an account's session rows."""
    return session_row(user_id, "")


def every_session() -> str:
    """The prefix of every session row of the setting (for the nightly sweep)."""
    return _SESSION


def is_session_row(row_key: str) -> bool:
    return row_key.startswith(_SESSION)


def session_digest_of(row_key: str) -> str:
    return row_key.rsplit(SEP, 1)[1]


def every_probe() -> str:
    """The prefix of every probe row of the setting (for the nightly sweep)."""
    return _PROBE


def email_row(email: str) -> str:
    # Hashed because an address may hold characters that table keys refuse (/ \ # ?).
    return _EMAIL + hashlib.sha256(email.encode()).hexdigest()


def is_email_row(row_key: str) -> bool:
    return row_key.startswith(_EMAIL)


def parent_link_row(parent_id: str, child_id: str) -> str:
    """A parent's link to a child, keyed under the parent's account (read by the session check)."""
    return f"{children_of(parent_id)}{child_id}"


def uploads_row(user_id: str, day: date) -> str:
    """The row counting an account's photo uploads on one UTC day (S26)."""
    return f"{account_row(user_id)}~uploads~{day.strftime('%Y%m%d')}"


def children_of(parent_id: str) -> str:
    """The prefix of a parent's links to children."""
    return f"{account_row(parent_id)}{_CHILD}"


def child_link_row(child_id: str, parent_id: str) -> str:
    """The same link seen from the child (its parents, for managers)."""
    return f"{parents_of(child_id)}{parent_id}"


def link_rows(parent_id: str, child_id: str) -> tuple[str, str]:
    """Both RowKeys of one link, written and removed together."""
    return parent_link_row(parent_id, child_id), child_link_row(child_id, parent_id)


def every_child_link() -> str:
    """The prefix of the links seen from the children: each link of the setting once."""
    return _LINK


def parents_of(child_id: str) -> str:
    """The prefix of a child's links to parents."""
    return f"{_LINK}{child_id}{SEP}"


# -- children -------------------------------------------------------------------------------------


def child_row(child_id: str) -> str:
    return child_id


# Copies of the children of one room (shared.storage.children), in the setting's partition of
# `children`: every child id ("c...") and the names book sort below this prefix.
ROOM_COPIES = "room~"


def children_of_room(room_id: str) -> str:
    """The prefix of the copies of one room's children."""
    return f"{ROOM_COPIES}{room_id}{SEP}"


def room_copy_row(room_id: str, child_id: str) -> str:
    return f"{children_of_room(room_id)}{child_id}"


# -- names books (S37) ----------------------------------------------------------------------------

# One row in a setting's partition of `children` (every child's names) and of `accounts` (every
# family's): shared.storage.names_book. No child id, and no other accounts prefix, is "names~".
NAMES_BOOK_ROW = "names~book"


# -- observations and photos ----------------------------------------------------------------------

PHOTO_ROWS = "photo~"  # every photo row's key continues this; every observation id sorts below it


def observation_row(observation_id: str) -> str:
    return observation_id


def photo_row(photo_id: str) -> str:
    """The RowKey of a photo's row in its setting's partition of the observations table."""
    return f"{PHOTO_ROWS}{photo_id}"


def photo_id_of(row_key: str) -> str:
    return row_key.removeprefix(PHOTO_ROWS)


def is_photo_row(row_key: str) -> bool:
    return row_key.startswith(PHOTO_ROWS)


def is_observation_row(row_key: str) -> bool:
    """Whether a RowKey of the observations table is a canonical row: no id contains "~"."""
    return SEP not in row_key


# Every index prefix, the `~indexed` mark and the discard marks sort above "photo~", so a range
# below it still reads canonical rows only.
OBSERVATIONS_INDEXED = f"{SEP}indexed"
# A photo the purge must discard (a leaver's group photo, a moment's): a row of its own, so the
# purge reads the marked photos as one short range, never the setting's every photo row.
DISCARD_ROWS = f"{SEP}discard{SEP}"


def discard_row(photo_id: str) -> str:
    return f"{DISCARD_ROWS}{photo_id}"


def discarded_photo_id(row_key: str) -> str:
    return row_key.removeprefix(DISCARD_ROWS)


def observations_in(status: str) -> str:
    """The prefix of a status's index rows: the approvals queue and the staff lists."""
    return f"status{SEP}{status}{SEP}"


def observations_by(author_id: str, status: str) -> str:
    """The prefix of one author's index rows in a status: a practitioner's own drafts."""
    return f"written{SEP}{author_id}{SEP}{status}{SEP}"


def observations_with(child_id: str) -> str:
    """The prefix of the index rows of every observation that includes a child."""
    return f"with{SEP}{child_id}{SEP}"


def status_row(status: str, updated_at: datetime, observation_id: str) -> str:
    return f"{observations_in(status)}{inverted_ms(updated_at)}{SEP}{observation_id}"


def author_row(author_id: str, status: str, updated_at: datetime, observation_id: str) -> str:
    return f"{observations_by(author_id, status)}{inverted_ms(updated_at)}{SEP}{observation_id}"


def with_row(child_id: str, observation_id: str) -> str:
    return f"{observations_with(child_id)}{observation_id}"


# -- journal --------------------------------------------------------------------------------------


def journal_partition(setting_id: str, child_id: str) -> str:
    return f"{setting_id}{SEP}{child_id}"


def journal_row(observed_on: date, observation_id: str) -> str:
    return f"{inverted_date(observed_on)}{SEP}{observation_id}"


# -- comments -------------------------------------------------------------------------------------


def comments_partition(setting_id: str, observation_id: str) -> str:
    return f"{setting_id}{SEP}{observation_id}"


def comment_row(created_at: datetime, comment_id: str) -> str:
    return f"{millis(created_at):015d}{SEP}{comment_id}"


def commented_in(setting_id: str) -> str:
    """The prefix of every comments partition of a setting."""
    return setting_id + SEP


# -- moments --------------------------------------------------------------------------------------


def moments_partition(setting_id: str, child_id: str) -> str:
    return f"{setting_id}{SEP}{child_id}"


def moment_row(created_at: datetime, moment_id: str) -> str:
    return f"{inverted_ms(created_at)}{SEP}{moment_id}"


# -- exports --------------------------------------------------------------------------------------


def export_row(export_id: str) -> str:
    return export_id


def requester_row(user_id: str) -> str:
    return f"requester{SEP}{user_id}"


# -- audit ----------------------------------------------------------------------------------------


def audit_partition(setting_id: str, year: int, month: int) -> str:
    return f"{setting_id}{SEP}{year:04d}-{month:02d}"


def audit_row(at: datetime, suffix: str) -> str:
    return f"{inverted_ms(at)}{SEP}{suffix}"


AUDIT_HEAD = "head"  # sorts after every entry's digits, so time-range reads never see it


def audit_months_of(setting_id: str) -> tuple[str, str]:
    """Inclusive PartitionKey bounds of every month of a setting."""
    return audit_partition(setting_id, 0, 0), audit_partition(setting_id, 9999, 12)


def audit_months_until(setting_id: str, year: int, month: int) -> tuple[str, str]:
    """Inclusive PartitionKey bounds of a setting's months up to and including this one."""
    return audit_partition(setting_id, 0, 0), audit_partition(setting_id, year, month)


def audit_rows_between(since: datetime, until: datetime) -> tuple[str, str]:
    """Exclusive RowKey bounds of the events with since <= at < until, newest first.

    Row keys start with the inverted time: "newer than until" sorts before the range, "older than
    since" after it; both bounds sit above every suffix of their millisecond.
    """
    return inverted_ms(until) + SEP * 2, inverted_ms(since) + SEP * 2


# -- rooms and children's tracker details ---------------------------------------------------------

ROOM_ROWS = "room~"
PLACE_ROWS = "place~"


def room_row(room_id: str) -> str:
    return f"{ROOM_ROWS}{room_id}"


def place_row(child_id: str) -> str:
    return f"{PLACE_ROWS}{child_id}"


def member_row(room_id: str, child_id: str) -> str:
    return f"{members_of(room_id)}{child_id}"


def members_of(room_id: str) -> str:
    """The prefix of the member rows of one room."""
    return f"member{SEP}{room_id}{SEP}"


def stay_row(child_id: str, seq: int) -> str:
    return f"{stays_of(child_id)}{seq:05d}"


def stays_of(child_id: str) -> str:
    return f"stay{SEP}{child_id}{SEP}"


def staff_room_row(user_id: str, room_id: str) -> str:
    return f"{rooms_of_staff(user_id)}{room_id}"


def rooms_of_staff(user_id: str) -> str:
    return f"staff{SEP}{user_id}{SEP}"


def crew_row(room_id: str, user_id: str) -> str:
    return f"{crew_of(room_id)}{user_id}"


def crew_of(room_id: str) -> str:
    return f"crew{SEP}{room_id}{SEP}"


CREW_ROWS = "crew~"
DETAILS_ROWS = "child~"
TRACKER_POLICY_ROW = "policy"


def details_row(child_id: str) -> str:
    return f"{DETAILS_ROWS}{child_id}"


# -- notifications --------------------------------------------------------------------------------

PREFERENCE_ROWS = "pref~"
EVENT_ROWS = "event~"
MAIL_ROWS = "mail~"


def preference_row(user_id: str) -> str:
    return f"{PREFERENCE_ROWS}{user_id}"


def event_row(at: datetime, suffix: str) -> str:
    """Oldest first, so "events since" is a RowKey range."""
    return f"{EVENT_ROWS}{millis(at):015d}{SEP}{suffix}"


def events_from(at: datetime) -> str:
    return f"{EVENT_ROWS}{millis(at):015d}"


def mail_row(round_key: str, user_id: str) -> str:
    return f"{MAIL_ROWS}{round_key}{SEP}{user_id}"


def mails_of(round_key: str) -> str:
    return f"{MAIL_ROWS}{round_key}{SEP}"


# -- profiles -------------------------------------------------------------------------------------


def profile_row(child_id: str) -> str:
    return child_id


# -- passkeys -------------------------------------------------------------------------------------


def passkey_row(user_id: str, credential_digest: str) -> str:
    return f"key{SEP}{user_id}{SEP}{credential_digest}"


def passkeys_of(user_id: str) -> str:
    """The prefix of one account's passkey rows."""
    return f"key{SEP}{user_id}{SEP}"


def spent_row(challenge_digest: str) -> str:
    return f"spent{SEP}{challenge_digest}"


def fresh_row(user_id: str, session_digest: str) -> str:
    return f"fresh{SEP}{user_id}{SEP}{session_digest}"


# -- two-year checks ------------------------------------------------------------------------------


def two_year_check_row(child_id: str) -> str:
    return child_id


# -- assessments ----------------------------------------------------------------------------------

ASSESSMENT_PLAN_ROW = "plan"


def point_partition(setting_id: str, point_id: str) -> str:
    return f"{setting_id}{SEP}{point_id}"


def assessment_row(child_id: str) -> str:
    """A child's record at a point: the prefix of its judgement rows, so it sorts right before
    them (a bare child id would not bound the range: "c1" .. "c1~~" holds "c10")."""
    return f"{child_id}{SEP}"


def judgement_row(child_id: str, aspect_id: str) -> str:
    return f"{child_id}{SEP}{aspect_id}"


def assessment_rows(child_id: str) -> tuple[str, str]:
    """Inclusive low and exclusive high RowKey of a child's record and its judgements."""
    return prefix_bounds(assessment_row(child_id))


def aspect_of(row_key: str) -> str | None:
    """The aspect a judgement row holds, None for a record row."""
    return row_key.partition(SEP)[2] or None
