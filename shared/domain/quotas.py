"""The daily photo upload quota per account (S26). Pure: no I/O.

A day is a UTC day. Parents get 30 photos a day (SECURITY.md S26); staff 300, a room of children
photographed through a busy day with room to spare, yet a stolen staff session cannot fill the
store with hundreds of thousands of images. Both are configurable.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.domain.errors import TooManyAttempts
from shared.domain.people import Role

PARENT_PHOTOS_PER_DAY = 30
STAFF_PHOTOS_PER_DAY = 300


class UploadQuotaReached(TooManyAttempts):
    """The account has uploaded its photos for today; it may upload again tomorrow (UTC)."""

    code = "upload_quota_reached"


def daily_limit(role: Role, *, parents: int, staff: int) -> int:
    return parents if role is Role.PARENT else staff


def next_day(now: datetime) -> datetime:
    """The start of the next UTC day: when today's count stops applying."""
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=1)


def quota_reached(limit: int, now: datetime) -> UploadQuotaReached:
    wait = max(1, int((next_day(now) - now).total_seconds() + 0.999))
    return UploadQuotaReached(
        f"You have uploaded {limit} photos today, the most for one day. You can add more tomorrow.",
        retry_after=wait,
    )
