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
    RowKey        user~{user}                          the account (with its link digests and
                                                       any pending e-mail change, S38)
                  user~{user}~session~{sha256(sid)}    one signed-in browser
                  user~{parent}~child~{child}          the children a parent may see
                  link~{child}~{parent}                the parents of a child (for managers)
                  email~{sha256(email)}                who owns an address in the setting
                  guard~managers                       serialises every loss of a manager
                  probe~{hmac(address)}                failed sign-ins on an address with no account
    A setting's people share one partition: an account with its e-mail index row is one
    transaction (addresses stay unique), "end every session" goes in the same transaction as
    the account change that requires it (S18), both rows of a link are written together, and
    the guard row makes "never lose the last manager" one ETag-guarded transaction. A pending
    e-mail change lives on the account row rather than a row of its own, so its confirmation,
    an objection and a newer request all race on one ETag, and confirming moves the address,
    the index row and ends the sessions in one transaction. Sessions
    and a parent's links sort under the account, so the session check is one query that still
    sees a demotion, a deactivation or an unlinked child at once (S24).
    Queries: an account, a link, the guard (point); the session check, an account by e-mail,
    the setting's accounts, the nightly sweep of sessions and link digests (scan of the
    setting's partition: hundreds to a few thousand rows, expired sessions purged nightly);
    a user's sessions, a parent's children, a child's parents, everything keyed under a user
    for its erasure (range).
    A probe row (S9, S10) is keyed by an HMAC of the address under a key from config, so it
    never names the address; it lives in the setting's partition, is read in the same query as
    the account by e-mail, expires, and the nightly sweep of the partition removes it.

children
    PartitionKey  {setting}
    RowKey        {child}
    Queries: a child (point); the setting's children, and up to 14 of them by id in one "or"
    (scan of the setting's partition: one row per child).

observations
    PartitionKey  {setting}
    RowKey        {observation}                        the canonical row (lower-case hex, or moment-hex)
                  photo~{photo}                        one photo's row (an observation's or a moment's)
    A photo's row shares its observation's partition so an upload creates the row and lists the
    photo on its observation in one transaction; observation ids sort below "photo~".
    Queries: an observation or a photo (point); staff lists by status and author, and the
    purge's "observations that include a child" (range below "photo~", filtered); photos marked
    for discarding and photo rows for the orphan sweep (range "photo~" .. "photo~~").

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

Blobs live in private containers named in shared.domain (photos, exports), under names made
from server ids there (S25); every name starts with the setting id.
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
PASSKEYS = "passkeys"
TABLES = (SETTINGS, ACCOUNTS, CHILDREN, OBSERVATIONS, JOURNAL, COMMENTS, MOMENTS, EXPORTS, AUDIT, PASSKEYS)

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
_SESSION = "~session~"
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
    """The prefix of every row keyed under an account: its sessions and, for a parent, its links."""
    return account_row(user_id) + SEP


def session_row(user_id: str, digest: str) -> str:
    return f"{account_row(user_id)}{_SESSION}{digest}"


def sessions_of(user_id: str) -> str:
    """The prefix of an account's session rows."""
    return session_row(user_id, "")


def is_session_row(row_key: str) -> bool:
    return _SESSION in row_key


def session_digest_of(row_key: str) -> str:
    return row_key.rsplit(_SESSION, 1)[1]


def email_row(email: str) -> str:
    # Hashed because an address may hold characters that table keys refuse (/ \ # ?).
    return _EMAIL + hashlib.sha256(email.encode()).hexdigest()


def is_email_row(row_key: str) -> bool:
    return row_key.startswith(_EMAIL)


def parent_link_row(parent_id: str, child_id: str) -> str:
    """A parent's link to a child, keyed under the parent's account (read by the session check)."""
    return f"{children_of(parent_id)}{child_id}"


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
