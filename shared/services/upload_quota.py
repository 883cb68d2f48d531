"""Counting photo uploads against the account's daily quota (S26).

The upload is counted before its bytes are decoded, so a burst of parallel uploads cannot outrun
the quota (as sign-in attempts are reserved before they are verified, S10); one that is then
refused, or fails to store, gives its place back. Over the quota: 429 with Retry-After until the
next UTC day, and nothing is decoded or stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from shared.domain.people import Principal
from shared.domain.quotas import daily_limit, next_day, quota_reached
from shared.services.deps import Deps


@contextmanager
def counted_upload(deps: Deps, principal: Principal) -> Iterator[None]:
    """Count one photo of the caller's today, for the block's duration; uncount it if the block fails."""
    now = deps.clock.now()
    limit = daily_limit(
        principal.role, parents=deps.config.photos_per_day_parent, staff=deps.config.photos_per_day_staff
    )
    day = now.date()
    expires = next_day(now) + timedelta(days=1)  # kept a day longer than it counts, then swept
    if not deps.upload_quota.reserve(principal.setting_id, principal.user_id, day, limit, expires):
        deps.audit(principal.setting_id, principal.user_id, "photo.upload", principal.user_id, "quota",
                   f"limit={limit}")  # fmt: skip
        raise quota_reached(limit, now)
    try:
        yield
    except BaseException:
        deps.upload_quota.release(principal.setting_id, principal.user_id, day)
        raise
