"""The UploadQuota contract (S26): a day's counter never passes its limit, even under a burst."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

from shared.services.deps import Deps

DAY = date(2026, 11, 10)
EXPIRES = datetime(2026, 11, 12, tzinfo=UTC)


def test_s26_the_counter_takes_exactly_the_limit_and_then_refuses(ports: Deps, setting_id: str) -> None:
    quota = ports.upload_quota
    taken = [quota.reserve(setting_id, "u1", DAY, 3, EXPIRES) for _ in range(5)]
    assert taken == [True, True, True, False, False]
    assert quota.reserve(setting_id, "u2", DAY, 3, EXPIRES)  # another account
    assert quota.reserve(setting_id, "u1", date(2026, 11, 11), 3, EXPIRES)  # another day
    assert quota.reserve(setting_id + "x", "u1", DAY, 3, EXPIRES)  # another setting


def test_s26_a_released_place_can_be_taken_again(ports: Deps, setting_id: str) -> None:
    quota = ports.upload_quota
    assert all(quota.reserve(setting_id, "u1", DAY, 2, EXPIRES) for _ in range(2))
    quota.release(setting_id, "u1", DAY)
    assert quota.reserve(setting_id, "u1", DAY, 2, EXPIRES)
    assert not quota.reserve(setting_id, "u1", DAY, 2, EXPIRES)
    quota.release(setting_id, "nobody", DAY)  # releasing what was never counted is harmless


def test_s26_a_burst_of_parallel_uploads_cannot_outrun_the_counter(ports: Deps, setting_id: str) -> None:
    with ThreadPoolExecutor(max_workers=12) as pool:
        taken = list(
            pool.map(lambda _: ports.upload_quota.reserve(setting_id, "u1", DAY, 5, EXPIRES), range(24))
        )
    assert taken.count(True) == 5
    assert not ports.upload_quota.reserve(setting_id, "u1", DAY, 5, EXPIRES)
