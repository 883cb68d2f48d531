"""Managers read their setting's audit log (S29): by date range, actor and action, 50 at a time.

The log is partitioned by setting and month, so a search walks month partitions from the newest
back. Where it stopped travels to the client as an opaque cursor, which is checked on return:
it must be well formed, belong to the caller's setting and to the same search, or it is refused.
Managers can also verify the setting's hash chain (S41, shared.domain.audit_chain) and compare it
with the immutable archive's copy (shared.domain.audit_archive).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from shared.domain.access import require_manager
from shared.domain.audit_archive import ArchiveReport, compare_archive
from shared.domain.audit_chain import ChainReport, verify_chain
from shared.domain.errors import InvalidInput
from shared.domain.identifiers import is_id
from shared.domain.people import Principal
from shared.domain.policy import AUDIT_RETENTION_DAYS
from shared.domain.retention import cutoff
from shared.services.deps import Deps
from shared.services.ports import AuditEvent

PAGE_SIZE = 50
DEFAULT_DAYS = 30
_ACTION = re.compile(r"^[a-z][a-z0-9.-]{0,63}$")
# Storage continuation tokens are short key strings; anything else in a cursor is forged.
_TOKEN_VALUE = re.compile(r"^[\x21-\x7e]{1,1024}$")
BAD_CURSOR = "That page link is not valid for this search. Start the search again."


@dataclass(frozen=True, repr=False)
class AuditSearch:
    since: date
    until: date  # inclusive
    actor: str | None
    action: str | None


@dataclass(frozen=True, repr=False)
class AuditResults:
    events: Sequence[AuditEvent]
    cursor: str | None  # None: nothing older matches


def read_audit(
    deps: Deps,
    principal: Principal,
    *,
    since: object = None,
    until: object = None,
    actor: object = None,
    action: object = None,
    cursor: object = None,
) -> AuditResults:
    """One page of the caller's setting's audit events, newest first."""
    require_manager(principal)
    search = _search(deps, since, until, actor, action)
    start = datetime.combine(search.since, time(), UTC)
    end = datetime.combine(search.until + timedelta(days=1), time(), UTC)
    month, token = (
        _open(cursor, principal.setting_id, search)
        if cursor
        else ((end - timedelta(days=1)).date().replace(day=1), None)
    )
    first_month = search.since.replace(day=1)
    events: list[AuditEvent] = []
    while month >= first_month and len(events) < PAGE_SIZE:
        page = deps.audit_reader.page(
            principal.setting_id, month.year, month.month, since=start, until=end,
            actor=search.actor, action=search.action, size=PAGE_SIZE - len(events), token=token,
        )  # fmt: skip
        events.extend(page.events)
        token = page.token
        if token is None:
            month = (month - timedelta(days=1)).replace(day=1)
    more = month >= first_month
    return AuditResults(events, _seal(principal.setting_id, search, month, token) if more else None)


@dataclass(frozen=True, repr=False)
class AuditCheck:
    """The chain's own check and its comparison with the immutable archive (S41)."""

    chain: ChainReport
    archive: ArchiveReport

    @property
    def intact(self) -> bool:
        return self.chain.intact and self.archive.agrees

    @property
    def checked(self) -> int:
        return self.chain.checked

    @property
    def first_broken(self) -> int | None:
        return self.chain.first_broken

    @property
    def first_broken_at(self) -> datetime | None:
        return self.chain.first_broken_at


def verify_audit(deps: Deps, principal: Principal) -> AuditCheck:
    """Check the caller's setting's whole audit chain, and that it agrees with the archive's copy
    from the retention cut-off on (S41), for its managers; the check is audited."""
    require_manager(principal)
    links, head = deps.audit_reader.chain(principal.setting_id)
    setting = deps.settings.get(principal.setting_id)
    days = setting.audit_retention_days if setting else AUDIT_RETENTION_DAYS[1]
    kept_since = cutoff(deps.clock.now(), days)
    archived = deps.audit_archive.links(principal.setting_id, kept_since)
    check = AuditCheck(verify_chain(links, head), compare_archive(links, archived, kept_since))
    outcome = "intact" if check.intact else "broken"
    deps.audit(principal.setting_id, principal.user_id, "audit.verify", principal.setting_id, outcome,
               f"checked={check.checked} archived={check.archive.archived}")  # fmt: skip
    return check


def _search(deps: Deps, since: object, until: object, actor: object, action: object) -> AuditSearch:
    today = deps.clock.now().date()
    last = _date(until, "to") if until else today
    first = _date(since, "from") if since else last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidInput("The start date must not be after the end date.", field="from")
    if (last - first).days >= AUDIT_RETENTION_DAYS[1]:
        raise InvalidInput(f"Search at most {AUDIT_RETENTION_DAYS[1]} days at a time.", field="from")
    if actor is not None and actor != "" and not is_id(actor):
        raise InvalidInput("Filter by a user id, as shown in the log.", field="actor")
    if action is not None and action != "" and not (isinstance(action, str) and _ACTION.fullmatch(action)):
        raise InvalidInput("Filter by an action name, as shown in the log.", field="action")
    return AuditSearch(first, last, str(actor) if actor else None, str(action) if action else None)


def _date(raw: object, field: str) -> date:
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput("Enter dates as YYYY-MM-DD.", field=field) from None


def _fingerprint(setting_id: str, search: AuditSearch) -> str:
    """Binds a cursor to one setting and one search: reused elsewhere, it is refused."""
    text = json.dumps(
        [setting_id, search.since.isoformat(), search.until.isoformat(), search.actor, search.action]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _seal(setting_id: str, search: AuditSearch, month: date, token: Mapping[str, str] | None) -> str:
    body = {"v": 1, "s": setting_id, "q": _fingerprint(setting_id, search), "m": month.strftime("%Y-%m"),
            "t": dict(token) if token else None}  # fmt: skip
    raw = json.dumps(body, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _open(cursor: object, setting_id: str, search: AuditSearch) -> tuple[date, Mapping[str, str] | None]:
    """The month and storage token a cursor points at, after checking everything in it."""
    if not isinstance(cursor, str) or len(cursor) > 4096:
        raise InvalidInput(BAD_CURSOR, field="cursor")
    try:
        body = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        month = datetime.strptime(body["m"], "%Y-%m").date()
        token = body["t"]
        valid = (
            body["v"] == 1
            and body["s"] == setting_id
            and body["q"] == _fingerprint(setting_id, search)
            and search.since.replace(day=1) <= month <= search.until
            and (token is None or _is_token(token))
        )
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        raise InvalidInput(BAD_CURSOR, field="cursor")
    return month, token


def _is_token(token: object) -> bool:
    return (
        isinstance(token, dict)
        and set(token) <= {"PartitionKey", "RowKey"}
        and all(isinstance(v, str) and _TOKEN_VALUE.fullmatch(v) for v in token.values())
    )
