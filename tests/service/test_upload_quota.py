"""S26's daily upload quota per account, on the fakes: parents 30 photos a UTC day, staff 300;
the next photo is 429 with Retry-After until midnight UTC and stores nothing."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import InvalidInput
from shared.domain.people import Principal, Role
from shared.domain.quotas import PARENT_PHOTOS_PER_DAY, STAFF_PHOTOS_PER_DAY, UploadQuotaReached
from shared.services import moments, photos
from shared.services.deps import Deps
from tests import photos as images
from tests.conftest import People
from tests.fakes.wiring import Fakes
from tests.journal_support import add_child, draft, link, principal

JPEG = images.plain_jpeg(32, 24)


def a_parent_with_a_child(deps: Deps, people: People) -> tuple[Principal, str]:
    setting = people.setting()
    parent = principal(setting.setting_id, Role.PARENT, "Rosa Rose")
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    link(deps, parent, mia)
    return parent, mia.child_id


def upload_moment_photos(deps: Deps, parent: Principal, child_id: str, count: int) -> None:
    for done in range(count):
        if done % moments.MAX_PHOTOS == 0:
            moment = moments.share_moment(deps, parent, child_id, "Mia planted beans at home.")
        photos.upload_moment_photo(deps, parent, child_id, moment.moment_id, photos.Upload(JPEG))


def stored(fakes: Fakes) -> int:
    return len(fakes.photo_files.blobs)


def test_s26_a_parents_31st_photo_of_the_day_is_refused_until_midnight_and_stores_nothing(
    deps: Deps, people: People, fakes: Fakes, clock: FrozenClock
) -> None:
    clock.advance(
        seconds=(datetime.combine(clock.now().date(), time(22, 30), UTC) - clock.now()).total_seconds()
    )
    parent, child_id = a_parent_with_a_child(deps, people)
    upload_moment_photos(deps, parent, child_id, PARENT_PHOTOS_PER_DAY)
    before = stored(fakes)
    moment = moments.share_moment(deps, parent, child_id, "And then we baked.")
    with pytest.raises(UploadQuotaReached) as refused:
        photos.upload_moment_photo(deps, parent, child_id, moment.moment_id, photos.Upload(JPEG))
    assert refused.value.code == "upload_quota_reached"
    assert refused.value.retry_after == 90 * 60  # until 00:00 UTC
    assert stored(fakes) == before
    shown = {m.moment_id: m for m in moments.list_moments(deps, parent, child_id)}
    assert shown[moment.moment_id].photo_ids == []
    clock.advance(minutes=90, seconds=1)
    photos.upload_moment_photo(deps, parent, child_id, moment.moment_id, photos.Upload(JPEG))
    assert stored(fakes) == before + 2  # a display size and a thumbnail


def test_s26_a_refused_photo_does_not_use_up_the_days_quota(deps: Deps, people: People) -> None:
    parent, child_id = a_parent_with_a_child(deps, people)
    moment = moments.share_moment(deps, parent, child_id, "Beans.")
    for _ in range(PARENT_PHOTOS_PER_DAY + 5):
        with pytest.raises(InvalidInput):
            photos.upload_moment_photo(deps, parent, child_id, moment.moment_id, photos.Upload(JPEG[:200]))
    upload_moment_photos(deps, parent, child_id, PARENT_PHOTOS_PER_DAY)


def test_s26_staff_have_their_own_larger_quota_counted_per_account(
    deps: Deps, people: People, fakes: Fakes
) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    colleague = principal(setting.setting_id, Role.PRACTITIONER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    observation = draft(deps, manager, mia)
    quota = fakes.deps.upload_quota
    today = deps.clock.now().date()
    tomorrow = deps.clock.now() + timedelta(days=2)
    for _ in range(STAFF_PHOTOS_PER_DAY - 1):
        assert quota.reserve(setting.setting_id, manager.user_id, today, STAFF_PHOTOS_PER_DAY, tomorrow)
    photos.upload_photo(deps, manager, observation.observation_id, photos.Upload(JPEG))  # the 300th
    with pytest.raises(UploadQuotaReached):
        photos.upload_photo(deps, manager, observation.observation_id, photos.Upload(JPEG))
    # Another member of staff still has their own day.
    assert quota.reserve(setting.setting_id, colleague.user_id, today, STAFF_PHOTOS_PER_DAY, tomorrow)


def test_s26_the_refusal_is_audited_without_the_photo(deps: Deps, people: People, fakes: Fakes) -> None:
    parent, child_id = a_parent_with_a_child(deps, people)
    upload_moment_photos(deps, parent, child_id, PARENT_PHOTOS_PER_DAY)
    moment = moments.share_moment(deps, parent, child_id, "More beans.")
    with pytest.raises(UploadQuotaReached):
        photos.upload_moment_photo(deps, parent, child_id, moment.moment_id, photos.Upload(JPEG))
    refusals = [e for e in fakes.audit.events(parent.setting_id) if e.outcome == "quota"]
    assert [(e.action, e.actor, e.detail) for e in refusals] == [("photo.upload", parent.user_id, "limit=30")]
