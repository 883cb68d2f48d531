"""Photo uploads against Azurite: the photo's row and the observation listing it are one
atomic write, so an upload that fails at that write leaves nothing anyone can see or that the purge
would have to find; two uploads at once both stay; and an upload is at most five storage requests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import pytest

from shared.domain.errors import Forbidden, NotFound
from shared.domain.photos import Photo, PhotoSize
from shared.services import access, observations, photos
from shared.services.deps import Deps
from shared.services.ports import PhotoBlobs
from tests import photos as images
from tests.fakes.wiring import Fakes
from tests.journal_support import draft, reviewed
from tests.nurseries import Nursery


class Meanwhile:
    """Our PhotoBlobs port, which lets another request run right after an upload's second blob:
    after the upload's access check, before its write."""

    def __init__(self, inner: PhotoBlobs, meanwhile: Callable[[], object]) -> None:
        self.inner = inner
        self.meanwhile = meanwhile
        self.written: list[str] = []

    def put(self, name: str, data: bytes, content_type: str) -> None:
        self.inner.put(name, data, content_type)
        self.written.append(name)
        if len(self.written) == len(PhotoSize):
            self.meanwhile()

    def delete(self, names: Sequence[str]) -> None:
        self.inner.delete(names)

    def read_url(self, name: str, content_type: str) -> str:
        return self.inner.read_url(name, content_type)

    @property
    def photo_id(self) -> str:
        return self.written[0].split("/")[1]


def upload_with(deps: Deps, blobs: PhotoBlobs, nursery: Nursery, observation_id: str) -> Photo:
    racing = dataclasses.replace(deps, photo_blobs=blobs)
    return photos.upload_photo(
        racing, nursery.manager, observation_id, photos.Upload(images.plain_jpeg(64, 48))
    )


def stored_blobs(fakes: Fakes, setting_id: str) -> list[str]:
    return sorted(name for name in fakes.photo_files.blobs if name.startswith(f"{setting_id}/"))


def test_s28_two_photos_uploaded_at_once_both_stay_and_both_open(deps: Deps, nursery: Nursery) -> None:
    observation = draft(deps, nursery.manager, nursery.child(firstName="Ada", lastName="Twice"))
    second: list[str] = []

    def another_upload() -> None:
        second.append(upload_with(deps, deps.photo_blobs, nursery, observation.observation_id).photo_id)

    first = upload_with(
        deps, Meanwhile(deps.photo_blobs, another_upload), nursery, observation.observation_id
    )

    seen = access.visible_observation(deps, nursery.manager, observation.observation_id)
    assert seen.photo_ids == [second[0], first.photo_id]
    for photo_id in seen.photo_ids:
        assert deps.photos.get(nursery.setting.setting_id, photo_id) is not None
        assert photos.photo_link(deps, nursery.manager, photo_id, PhotoSize.THUMB)


def test_a_photo_whose_observation_was_published_meanwhile_is_refused_and_leaves_no_row_and_no_blob(
    deps: Deps, fakes: Fakes, nursery: Nursery
) -> None:
    """Published while the photo was on its way: it would have skipped the consent check at publish."""
    observation = draft(deps, nursery.manager, nursery.child(firstName="Ada", lastName="Late"))
    racing = Meanwhile(
        deps.photo_blobs,
        lambda: observations.publish_observation(
            deps,
            nursery.manager,
            observation.observation_id,
            reviewed(deps, nursery.manager, observation.observation_id),
        ),
    )
    with pytest.raises(Forbidden):
        upload_with(deps, racing, nursery, observation.observation_id)

    published = access.visible_observation(deps, nursery.manager, observation.observation_id)
    assert published.photo_ids == []
    assert deps.photos.get(nursery.setting.setting_id, racing.photo_id) is None
    with pytest.raises(NotFound):
        photos.photo_link(deps, nursery.manager, racing.photo_id, PhotoSize.DISPLAY)
    assert stored_blobs(fakes, nursery.setting.setting_id) == []


def test_a_photo_whose_observation_was_deleted_meanwhile_is_not_found_and_leaves_no_row_and_no_blob(
    deps: Deps, fakes: Fakes, nursery: Nursery
) -> None:
    observation = draft(deps, nursery.manager, nursery.child(firstName="Ada", lastName="Gone"))
    racing = Meanwhile(
        deps.photo_blobs,
        lambda: observations.delete_observation(deps, nursery.manager, observation.observation_id),
    )
    with pytest.raises(NotFound):
        upload_with(deps, racing, nursery, observation.observation_id)

    assert deps.observations.get(nursery.setting.setting_id, observation.observation_id) is None
    assert deps.photos.get(nursery.setting.setting_id, racing.photo_id) is None
    assert stored_blobs(fakes, nursery.setting.setting_id) == []
