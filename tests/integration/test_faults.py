"""Faults against Azurite: a process that dies in the middle of a photo upload.

The purge killed midway is covered in test_retention_leavers.py
(test_a_run_that_fails_after_some_deletions_and_a_normal_run_end_as_one_clean_run and
test_a_run_out_of_budget_stops_between_batches_and_the_next_run_finishes), and storage going away
during requests in tests/http/test_faults_http.py.
"""

from __future__ import annotations

import dataclasses
import io
import threading
from collections.abc import Sequence

import pytest
from PIL import Image

from shared import bootstrap
from shared.clock import FrozenClock
from shared.domain.photos import CONTAINER
from shared.services import access, observations, photos
from shared.services.deps import Deps
from shared.services.ports import PhotoBlobs
from shared.services.retention import Budget, purge_setting
from shared.storage.clients import StorageClients
from tests.journal_support import draft, reviewed
from tests.nurseries import Nursery


class ProcessDied(BaseException):
    """The worker process is gone: nothing after this point runs, clean-up included."""


class DyingBlobs:
    """Our PhotoBlobs port, whose process dies right after the first blob is written: every later
    call through the port (the upload's own undo) never reaches storage. The upload writes its two
    sizes at once, so the other may have landed too, as when a real process dies mid-upload."""

    def __init__(self, inner: PhotoBlobs) -> None:
        self.inner = inner
        self.dead = False
        self.written: list[str] = []
        self._lock = threading.Lock()

    def put(self, name: str, data: bytes, content_type: str) -> None:
        with self._lock:
            if self.dead:
                raise ProcessDied
        self.inner.put(name, data, content_type)
        with self._lock:
            self.written.append(name)
            self.dead = True
        raise ProcessDied

    def delete(self, names: Sequence[str]) -> None:
        raise ProcessDied

    def read_url(self, name: str, content_type: str) -> str:
        raise ProcessDied


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 160, 40)).save(out, "JPEG")
    return out.getvalue()


def stored_blobs(clients: StorageClients, setting_id: str) -> list[str]:
    return sorted(b.name for b in clients.container(CONTAINER).list_blobs(name_starts_with=f"{setting_id}/"))


def test_an_upload_dying_between_blob_and_row_shows_no_photo_and_the_sweep_removes_the_blob(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    setting_id = nursery.setting.setting_id
    observation = draft(deps, nursery.manager, nursery.child(firstName="Ada", lastName="Crash"))
    dying = DyingBlobs(deps.photo_blobs)
    crashing = dataclasses.replace(deps, photo_blobs=dying)
    with pytest.raises(ProcessDied):
        photos.upload_photo(crashing, nursery.manager, observation.observation_id, photos.Upload(jpeg()))
    orphans = dying.written
    assert orphans, "the crash came after a blob was written"
    photo_id = orphans[0].split("/")[1]
    assert set(orphans) <= set(stored_blobs(clients, setting_id))

    # No half-observation: the observation lists no photo, there is no photo row, and the id is unknown.
    seen = access.visible_observation(deps, nursery.manager, observation.observation_id)
    assert seen.photo_ids == []
    assert deps.photos.get(setting_id, photo_id) is None
    published = observations.publish_observation(
        deps,
        nursery.manager,
        observation.observation_id,
        reviewed(deps, nursery.manager, observation.observation_id),
    )
    assert published.photo_ids == []

    setting = deps.settings.get(setting_id)
    assert setting is not None
    store = bootstrap.retention_store(clients)
    clock.advance(hours=23)  # an upload still in flight is never swept
    purge_setting(deps, store, setting, Budget(600))
    assert set(orphans) <= set(stored_blobs(clients, setting_id))

    clock.advance(hours=2)
    report = purge_setting(deps, store, setting, Budget(600))
    assert report.counts.get("orphan-blobs") == len(orphans)
    assert not set(orphans) & set(stored_blobs(clients, setting_id))
