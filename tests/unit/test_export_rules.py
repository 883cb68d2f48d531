"""The pure rules of exports: the export window, the daily limit, blob names."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.children import Child, ChildStatus
from shared.domain.exports import (
    DAILY_LIMIT,
    RecentRequest,
    RequesterExports,
    blob_name,
    child_exportable,
)
from shared.domain.settings import Setting

NOW = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)


def child(status: ChildStatus, archived_days_ago: float | None = None) -> Child:
    archived = NOW - timedelta(days=archived_days_ago) if archived_days_ago is not None else None
    return Child("s", "c1", "Ada", "Lovelace", date(2023, 1, 1), None, True, True, status, NOW, archived)


SETTING = Setting("s", "Little Acorns", None, 365, NOW, export_window_days=30)


def test_an_active_child_and_one_archived_inside_the_window_may_be_exported() -> None:
    assert child_exportable(child(ChildStatus.ACTIVE), SETTING, NOW)
    assert child_exportable(child(ChildStatus.ARCHIVED, 29.99), SETTING, NOW)


def test_the_window_closes_exactly_export_window_days_after_archiving() -> None:
    assert not child_exportable(child(ChildStatus.ARCHIVED, 30), SETTING, NOW)
    assert not child_exportable(child(ChildStatus.ARCHIVED, None), SETTING, NOW)


def test_the_sixth_request_within_a_day_waits_until_the_oldest_is_a_day_old() -> None:
    record = RequesterExports("s", "u1")
    record.recent = [RecentRequest(NOW - timedelta(hours=h), "c", f"e{h}") for h in range(DAILY_LIMIT)]
    assert record.retry_after(NOW) == (24 - (DAILY_LIMIT - 1)) * 3600
    assert record.retry_after(NOW + timedelta(hours=24 - (DAILY_LIMIT - 1))) is None


def test_blob_names_come_from_ids_and_a_fixed_kind_only() -> None:
    assert blob_name("acorns", "e123", "zip") == "acorns/e123/journal.zip"
    with pytest.raises(ValueError):
        blob_name("acorns", "e123", "../x")
