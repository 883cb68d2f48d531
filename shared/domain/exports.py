"""Journal exports (subject access, handover to the next school): who may ask, how often, and
where the files live. Pure rules, no I/O.

An export is built later by a queue-triggered function (Azure's 230 s HTTP limit), into the
private `exports` container under names made from server ids only (S25), and deleted after
seven days.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from shared.domain.children import Child, ChildStatus
from shared.domain.settings import Setting

CONTAINER = "exports"
# Export files hold a child's whole journal: kept long enough to download, then deleted.
EXPORT_LIFETIME = timedelta(days=7)
# A requester may ask for this many exports in any 24 hours: enough for a retry or two and a
# handover, while one account cannot fill storage or keep the worker busy.
DAILY_LIMIT = 5
RATE_WINDOW = timedelta(days=1)
# A queued or building export older than this is taken to be lost (the host stopped mid-run and
# the message went to the poison queue without a verdict): it no longer blocks a new request.
# Five tries of at most 10 minutes each, plus the retry delays, fit well inside an hour.
STALE_AFTER = timedelta(hours=1)
PDF = "pdf"
ZIP = "zip"


class ExportStatus(StrEnum):
    QUEUED = "queued"
    BUILDING = "building"
    READY = "ready"
    FAILED = "failed"

    @property
    def in_progress(self) -> bool:
        return self in (ExportStatus.QUEUED, ExportStatus.BUILDING)


@dataclass(repr=False)
class Export:
    """One export of one child's journal, as one requester may read it (table row PK setting, RK id)."""

    setting_id: str
    export_id: str
    child_id: str
    requested_by: str
    status: ExportStatus
    created_at: datetime
    ready_at: datetime | None = None
    etag: str | None = None

    def blob(self, kind: str) -> str:
        return blob_name(self.setting_id, self.export_id, kind)

    @property
    def blobs(self) -> list[str]:
        return [self.blob(PDF), self.blob(ZIP)]

    def blocks_new_request(self, now: datetime) -> bool:
        """Whether this export still counts as in progress (a lost one stops counting)."""
        return self.status.in_progress and now - self.created_at < STALE_AFTER

    def expired(self, now: datetime) -> bool:
        return now - self.created_at >= EXPORT_LIFETIME


@dataclass(frozen=True, repr=False)
class RecentRequest:
    at: datetime
    child_id: str
    export_id: str


@dataclass(repr=False)
class RequesterExports:
    """What serialises one requester's export requests: their requests of the last 24 hours.

    Written in the same transaction as each new export, ETag-guarded, so parallel requests can
    neither exceed the daily limit nor start two exports of one child. Any export that could still
    be in progress was requested within STALE_AFTER, so it is always among these.
    """

    setting_id: str
    user_id: str
    recent: list[RecentRequest] = field(default_factory=list)
    etag: str | None = None

    def within_window(self, now: datetime) -> list[RecentRequest]:
        return sorted((r for r in self.recent if now - r.at < RATE_WINDOW), key=lambda r: r.at)

    def retry_after(self, now: datetime) -> int | None:
        """Seconds until another request is allowed, or None when one is allowed now."""
        recent = self.within_window(now)
        if len(recent) < DAILY_LIMIT:
            return None
        return max(1, math.ceil((recent[0].at + RATE_WINDOW - now).total_seconds()))

    def possibly_in_progress(self, child_id: str, now: datetime) -> list[str]:
        """Ids of this child's exports recent enough to be still in progress."""
        return [r.export_id for r in self.recent if r.child_id == child_id and now - r.at < STALE_AFTER]


def new_export_id() -> str:
    """A fresh export id: 96 random bits, shaped like every other id."""
    return "e" + secrets.token_hex(12)


def blob_name(setting_id: str, export_id: str, kind: str) -> str:
    """Where one export file lives; made only from server-side ids (S25)."""
    if kind not in (PDF, ZIP):
        raise ValueError("an export is a pdf or a zip")
    return f"{setting_id}/{export_id}/journal.{kind}"


def download_name(export: Export, kind: str) -> str:
    """The file name a browser saves: ASCII from server ids and a date, never a child's name."""
    return f"learning-journal-{export.created_at:%Y-%m-%d}-{export.export_id}.{kind}"


def child_exportable(child: Child, setting: Setting, now: datetime) -> bool:
    """An active child, or an archived one whose export window (days after archiving) is open."""
    if child.status is ChildStatus.ACTIVE:
        return True
    if child.archived_at is None:
        return False
    return now < child.archived_at + timedelta(days=setting.export_window_days)
