"""S26's daily upload quota over real HTTP: a parent's 31st photo of the day is a 429 with a clear
code and Retry-After, and nothing of it is stored."""

from __future__ import annotations

from shared.domain.quotas import PARENT_PHOTOS_PER_DAY
from shared.services.moments import MAX_PHOTOS
from tests import photos
from tests.http.conftest import Api
from tests.http.test_moment_photos_http import add_photo, moment_of, share
from tests.http.test_photos_http import open_nursery

SMALL = photos.plain_jpeg(40, 30)


def test_s26_the_31st_photo_of_a_parent_in_a_day_is_429_with_retry_after_and_stores_nothing(api: Api) -> None:
    nursery = open_nursery(api)
    parent = nursery.parent_of(nursery.child_id)
    for done in range(PARENT_PHOTOS_PER_DAY):
        if done % MAX_PHOTOS == 0:
            moment_id = share(parent, nursery.child_id)
        assert add_photo(parent, nursery.child_id, moment_id, SMALL).status_code == 201
    stored = nursery.blobs()
    last = share(parent, nursery.child_id, "One more from the park.")

    refused = add_photo(parent, nursery.child_id, last, SMALL)

    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["code"] == "upload_quota_reached"
    assert "30 photos today" in refused.json()["error"]["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 60 * 60
    assert nursery.blobs() == stored
    assert moment_of(parent, nursery.child_id, last)["photoIds"] == []
    # Staff count apart: the manager still adds a photo to an observation the same day.
    added = nursery.manager.post(
        f"/api/observations/{nursery.observation_id}/photos",
        data=SMALL,
        headers={"Content-Type": "image/jpeg"},
    )
    assert added.status_code == 201, added.text
