"""Photo blobs and rows against a real Azurite: private container, links that work and then stop (S28)."""

from __future__ import annotations

from datetime import timedelta

import requests

from shared.clock import FrozenClock
from shared.domain.photos import CONTAINER, Photo, PhotoSize, StoredImage, blob_name, new_photo_id
from shared.services.deps import Deps
from shared.storage import keys
from shared.storage.blobs import PrivateBlobs
from shared.storage.clients import StorageClients
from shared.storage.photos import TablePhotos, photo_store
from shared.storage.tables import Table
from tests import photos

JPEG = "image/jpeg"


def fresh_names() -> tuple[str, str]:
    photo_id = new_photo_id()
    return blob_name("s-test", photo_id, PhotoSize.DISPLAY), blob_name("s-test", photo_id, PhotoSize.THUMB)


def store(clients: StorageClients, clock: FrozenClock) -> PrivateBlobs:
    return photo_store(clients, clock, https_only=False)


def test_s28_a_link_reads_the_bytes_with_the_content_type_fixed_in_it(
    clients: StorageClients, clock: FrozenClock
) -> None:
    blobs = store(clients, clock)
    display, _ = fresh_names()
    data = photos.plain_jpeg(64, 48)
    blobs.put(display, data, "application/octet-stream")
    answer = requests.get(blobs.read_url(display, JPEG), timeout=10)
    assert answer.status_code == 200
    assert answer.content == data
    assert answer.headers["Content-Type"] == JPEG  # from the signature, not from the blob
    assert answer.headers["Cache-Control"] == "private, no-store"


def test_s28_an_expired_link_is_refused(clients: StorageClients, clock: FrozenClock) -> None:
    display, _ = fresh_names()
    store(clients, clock).put(display, photos.plain_jpeg(32, 32), JPEG)
    eleven_minutes_ago = FrozenClock(clock.now() - timedelta(minutes=11))
    stale = store(clients, eleven_minutes_ago).read_url(display, JPEG)
    answer = requests.get(stale, timeout=10)
    assert answer.status_code == 403
    assert b"\xff\xd8" not in answer.content


def test_s28_a_link_opens_only_its_own_blob(clients: StorageClients, clock: FrozenClock) -> None:
    blobs = store(clients, clock)
    display, thumb = fresh_names()
    blobs.put(display, photos.plain_jpeg(32, 32), JPEG)
    blobs.put(thumb, photos.plain_jpeg(16, 16), JPEG)
    url = blobs.read_url(display, JPEG)
    borrowed = url.replace("/display.jpg?", "/thumb.jpg?")
    assert requests.get(url, timeout=10).status_code == 200
    assert requests.get(borrowed, timeout=10).status_code == 403


def test_s28_a_link_cannot_write(clients: StorageClients, clock: FrozenClock) -> None:
    blobs = store(clients, clock)
    display, _ = fresh_names()
    original = photos.plain_jpeg(32, 32)
    blobs.put(display, original, JPEG)
    url = blobs.read_url(display, JPEG)
    overwrite = requests.put(url, data=b"not a photo", headers={"x-ms-blob-type": "BlockBlob"}, timeout=10)
    assert overwrite.status_code == 403
    assert requests.delete(url, timeout=10).status_code == 403
    assert requests.get(url, timeout=10).content == original


def test_s28_the_container_is_private(clients: StorageClients, clock: FrozenClock) -> None:
    blobs = store(clients, clock)
    display, _ = fresh_names()
    blobs.put(display, photos.plain_jpeg(32, 32), JPEG)
    container = clients.container(CONTAINER)
    assert container.get_container_properties().public_access is None
    anonymous = requests.get(f"{container.url}/{display}", timeout=10)
    assert anonymous.status_code in (401, 403, 404)
    assert b"\xff\xd8" not in anonymous.content
    listing = requests.get(f"{container.url}?restype=container&comp=list", timeout=10)
    assert listing.status_code in (401, 403, 404)
    assert display.encode() not in listing.content


def test_delete_removes_both_sizes_and_can_run_twice(clients: StorageClients, clock: FrozenClock) -> None:
    blobs = store(clients, clock)
    display, thumb = fresh_names()
    blobs.put(display, photos.plain_jpeg(32, 32), JPEG)
    blobs.put(thumb, photos.plain_jpeg(16, 16), JPEG)
    blobs.delete([display, thumb])
    blobs.delete([display, thumb])
    prefix = display.rsplit("/", 1)[0]
    assert list(clients.container(CONTAINER).list_blobs(name_starts_with=prefix)) == []
    assert requests.get(blobs.read_url(display, JPEG), timeout=10).status_code == 404


def test_s23_photo_rows_are_kept_per_setting(clients: StorageClients, clock: FrozenClock) -> None:
    rows = TablePhotos(Table(clients.table(keys.OBSERVATIONS)), store(clients, clock))
    photo = Photo(
        setting_id="s-rows",
        photo_id=new_photo_id(),
        observation_id="o123",
        owner_id="u456",
        display=StoredImage(JPEG, 1600, 1067, 120_000),
        thumb=StoredImage(JPEG, 400, 267, 9_000),
        created_at=clock.now(),
    )
    rows.add(photo)
    assert rows.get("s-rows", photo.photo_id) == photo
    assert rows.get("s-other", photo.photo_id) is None
    rows.remove("s-rows", photo.photo_id)
    rows.remove("s-rows", photo.photo_id)
    assert rows.get("s-rows", photo.photo_id) is None


def test_discarding_photos_removes_their_blobs_and_rows_even_without_a_row(
    deps: Deps, clients: StorageClients
) -> None:
    kept, discarded, rowless = new_photo_id(), new_photo_id(), new_photo_id()
    for photo_id in (kept, discarded, rowless):
        for size in PhotoSize:
            deps.photo_blobs.put(blob_name("s-discard", photo_id, size), photos.plain_jpeg(16, 16), JPEG)
    for photo_id in (kept, discarded):
        image = StoredImage(JPEG, 16, 16, 100)
        deps.photos.add(Photo("s-discard", photo_id, "o1", "u1", image, image, deps.clock.now()))

    deps.photos.discard("s-discard", [discarded, rowless])
    deps.photos.discard("s-discard", [discarded, rowless])  # a retry finds nothing and is fine

    left = {
        b.name.split("/")[1] for b in clients.container(CONTAINER).list_blobs(name_starts_with="s-discard/")
    }
    assert left == {kept}
    assert deps.photos.get("s-discard", discarded) is None
    assert deps.photos.get("s-discard", kept) is not None
