"""When data has been kept long enough (the setting's retention policy). Pure rules."""

from __future__ import annotations

from datetime import datetime, timedelta

# Blobs that no row owns are left by interrupted uploads; a day is far longer than any upload.
ORPHAN_BLOB_AGE = timedelta(hours=24)


def cutoff(now: datetime, days: int) -> datetime:
    """Anything that ended before this moment is past a retention of `days`."""
    return now - timedelta(days=days)


def is_past(ended_at: datetime | None, days: int, now: datetime) -> bool:
    return ended_at is not None and ended_at < cutoff(now, days)
