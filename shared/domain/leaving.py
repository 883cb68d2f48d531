"""Leaving: when an archived child's journal closes to its parents, and when its records are purged.

Pure rules: callers pass the child and setting they read this request and the time now.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from shared.domain.children import Child, ChildStatus
from shared.domain.errors import InvalidInput
from shared.domain.journal import clean_text
from shared.domain.settings import Setting

MAX_HOLD_REASON = 500
# A leaving date is recorded when the child leaves, give or take a term either side.
LEAVING_DATE_RANGE = timedelta(days=366)


def export_closes_at(child: Child, setting: Setting) -> datetime | None:
    """When an archived child's parents lose read access (None while the child is active)."""
    if child.status is not ChildStatus.ARCHIVED or child.archived_at is None:
        return None
    return child.archived_at + timedelta(days=setting.export_window_days)


def parents_may_read(child: Child, setting: Setting, now: datetime) -> bool:
    """Linked parents read an active child's journal, and an archived one's inside the export window."""
    if child.status is ChildStatus.ACTIVE:
        return True
    closes = export_closes_at(child, setting)
    return closes is not None and now < closes


def due_for_purge(child: Child, setting: Setting, now: datetime) -> bool:
    """Archived longer than the setting's retention, and on no legal hold."""
    return (
        child.status is ChildStatus.ARCHIVED
        and child.archived_at is not None
        and child.legal_hold is None
        and child.archived_at + timedelta(days=setting.retention_days) < now
    )


def clean_leaving_date(raw: object, *, today: date) -> date:
    if not isinstance(raw, str):
        raise InvalidInput("Enter the leaving date as YYYY-MM-DD.", field="leavingDate")
    try:
        leaving = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("Enter the leaving date as YYYY-MM-DD.", field="leavingDate") from None
    if abs(leaving - today) > LEAVING_DATE_RANGE:
        raise InvalidInput("Enter a leaving date within a year of today.", field="leavingDate")
    return leaving


def clean_hold_reason(raw: object) -> str:
    return clean_text(raw, "reason", limit=MAX_HOLD_REASON)
