"""The audit log's hash chain (S41): each entry carries a sequence number and a SHA-256 over a
canonical encoding of itself and the previous entry's hash. Pure: no I/O.

A setting's log is one chain per month (the month's partition holds its entries and its head, so
an append is one atomic write there, and parallel appends never fork it). The first entry of a
month names the genesis hash; the hash covers the setting and the time, so no entry or chain can
be moved to another setting or month unnoticed.

Verification rule, per month in sequence order: entries are consecutive from 1, each names the
previous entry's hash and hashes to its own, and the month's head (newest number and hash) names
the last one. Only in the oldest month kept may the start be missing: retention erases from there
(and leaves the heads of the months it erased, which are not checked).
So an edited entry breaks its own hash, a deleted or inserted one breaks the sequence or the
`prev` after it, and deleting the newest ones no longer matches the head. Deleting a whole month
with its head is what retention does, and is left to the immutable copy in Azure.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

GENESIS = "0" * 64
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_millisecond(at: datetime) -> datetime:
    """The time as the chain hashes it: whole milliseconds, as the storage keys keep it."""
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


@dataclass(frozen=True, repr=False)
class ChainLink:
    """One stored entry as the chain sees it."""

    seq: int
    prev: str
    hash: str
    at: datetime
    setting_id: str
    actor: str
    action: str
    target: str
    outcome: str
    detail: str


@dataclass(frozen=True, repr=False)
class ChainHead:
    """The newest entry's number and hash, kept beside the entries."""

    seq: int
    hash: str


@dataclass(frozen=True, repr=False)
class ChainReport:
    intact: bool
    checked: int
    first_broken: int | None = None  # the sequence number where the chain first fails
    first_broken_at: datetime | None = None  # that entry's time, when it still exists


def link_hash(
    *, seq: int, prev: str, at: datetime, setting_id: str, actor: str, action: str, target: str,
    outcome: str, detail: str,
) -> str:  # fmt: skip
    """SHA-256 (hex) over a canonical JSON array of the entry's fields and the previous hash."""
    millis = (at.astimezone(UTC) - _EPOCH) // timedelta(milliseconds=1)
    canonical = json.dumps(
        ["audit-v1", setting_id, seq, millis, actor, action, target, outcome, detail, prev],
        ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_of(link: ChainLink) -> str:
    return link_hash(
        seq=link.seq, prev=link.prev, at=link.at, setting_id=link.setting_id, actor=link.actor,
        action=link.action, target=link.target, outcome=link.outcome, detail=link.detail,
    )  # fmt: skip


def month_of(at: datetime) -> str:
    """The chain an entry belongs to: its setting's month, as "YYYY-MM" (UTC)."""
    return at.astimezone(UTC).strftime("%Y-%m")


def verify_chain(links: Sequence[ChainLink], heads: Mapping[str, ChainHead]) -> ChainReport:
    """Check a setting's entries (any order) against each other and each month's head; see the
    module doc. The first broken place is reported from the oldest month on."""
    by_month: dict[str, list[ChainLink]] = {}
    for link in links:
        by_month.setdefault(month_of(link.at), []).append(link)
    if not by_month:
        return ChainReport(True, 0)
    oldest = min(by_month)
    # Retention erases entries, never heads: a head older than every entry kept is a month erased.
    months = sorted(m for m in set(by_month) | set(heads) if m >= oldest)
    for month in months:
        broken = _first_broken(by_month.get(month, []), heads.get(month), oldest=month == oldest)
        if broken is not None:
            return replace(broken, checked=len(links))
    return ChainReport(True, len(links))


def _first_broken(links: list[ChainLink], head: ChainHead | None, *, oldest: bool) -> ChainReport | None:
    ordered = sorted(links, key=lambda link: link.seq)
    previous: ChainLink | None = None
    for link in ordered:
        if previous is None:
            # Only in the oldest month kept may the start be gone: retention erases from there.
            linked = link.prev == GENESIS if link.seq == 1 else oldest
        else:
            linked = link.seq == previous.seq + 1 and link.prev == previous.hash
        if not linked or hash_of(link) != link.hash:
            return ChainReport(False, 0, link.seq, link.at)
        previous = link
    if head is None or previous is None or (head.seq, head.hash) != (previous.seq, previous.hash):
        return ChainReport(False, 0, previous.seq + 1 if previous is not None else 1)
    return None
