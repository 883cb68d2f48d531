"""Photos over real HTTP through the local host, with the bytes read back from Azurite (S24-S29)."""

from __future__ import annotations

import dataclasses
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import azure.functions as func
import pytest
import requests
from PIL import Image

from functions import photos as photo_functions
from functions.http import LOCAL_COOKIE
from shared import bootstrap
from shared.domain.errors import StorageUnavailable
from shared.domain.observations import Observation
from shared.domain.photos import CONTAINER, Photo
from shared.domain.redaction import NamedChild
from shared.services.ports import ObservationRepository
from tests import photos
from tests.conftest import PASSWORD, PIN
from tests.http.conftest import Api

JPEG = {"Content-Type": "image/jpeg"}


@dataclass
class Nursery:
    """A setting with a signed-in manager, one child and a draft observation about that child."""

    manager: Api
    slug: str
    setting_id: str
    child_id: str
    observation_id: str

    def blobs(self, photo_id: str = "") -> list[str]:
        container = self.manager.served.clients.container(CONTAINER)
        prefix = f"{self.setting_id}/{photo_id}"
        return sorted(b.name for b in container.list_blobs(name_starts_with=prefix))

    def stored(self, photo_id: str, size: str = "display") -> bytes:
        container = self.manager.served.clients.container(CONTAINER)
        return bytes(container.download_blob(f"{self.setting_id}/{photo_id}/{size}.jpg").readall())

    def add_child(self) -> str:
        body = {"firstName": "Ada", "lastName": "Lovelace", "dateOfBirth": date(2023, 3, 1).isoformat(),
                "photosInOwnJournal": True, "photosInOthersJournals": False}  # fmt: skip
        answer = self.manager.post("/api/children", body)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])

    def new_observation(self, child_id: str | None = None) -> str:
        body = {"childIds": [child_id or self.child_id], "text": "Built a tower of ten bricks.",
                "areas": ["mathematics"], "observedOn": date.today().isoformat()}  # fmt: skip
        answer = self.manager.post("/api/observations", body)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["observation"]["id"])

    def publish(self, observation_id: str | None = None) -> None:
        path = f"/api/observations/{observation_id or self.observation_id}"
        version = self.manager.get(path).headers["ETag"]
        answer = self.manager.post(f"{path}/publish", headers={"If-Match": version})
        assert answer.status_code == 200, answer.text

    def parent_of(self, child_id: str) -> Api:
        """A parent linked to the child, activated from the mailed link and signed in."""
        email = f"parent-{secrets.token_hex(4)}@family.example"
        invited = self.manager.post(
            "/api/parents", {"name": "Pat Parent", "email": email, "childIds": [child_id]}
        )
        assert invited.status_code == 201, invited.text
        parent = self.manager.fresh()
        token = parent.link(email, "activate")
        activated = parent.post("/api/auth/activate", {"token": token, "password": PASSWORD, "pin": PIN})
        assert activated.status_code == 200, activated.text
        signed_in = parent.sign_in({"setting": self.slug, "email": email, "password": PASSWORD, "pin": PIN})
        assert signed_in.status_code == 200, signed_in.text
        return parent


def open_nursery(api: Api) -> Nursery:
    manager = api.activate_manager()
    assert api.sign_in(manager).status_code == 200
    setting_id = api.get("/api/auth/session").json()["user"]["setting"]
    nursery = Nursery(api, manager["setting"], setting_id, "", "")
    nursery.child_id = nursery.add_child()
    nursery.observation_id = nursery.new_observation()
    return nursery


def upload(
    client: Api, observation_id: str, data: bytes, headers: dict[str, str] | None = None
) -> requests.Response:
    return client.post(f"/api/observations/{observation_id}/photos", data=data, headers=headers or JPEG)


def view(client: Api, photo_id: str, size: str = "display") -> requests.Response:
    return client.get(f"/api/photos/{photo_id}?size={size}", allow_redirects=False)


@pytest.fixture
def nursery(api: Api) -> Nursery:
    return open_nursery(api)


# -- upload -----------------------------------------------------------------------------------


def test_s27_gps_is_gone_from_the_stored_photo(nursery: Nursery) -> None:
    answer = upload(nursery.manager, nursery.observation_id, photos.jpeg_with_exif(200, 100, orientation=6))
    assert answer.status_code == 201, answer.text
    photo = answer.json()
    assert (photo["width"], photo["height"]) == (100, 200)  # turned upright before the EXIF went
    for size in ("display", "thumb"):
        stored = nursery.stored(photo["id"], size)
        assert photos.metadata_left_in(stored) == []
        with Image.open(io.BytesIO(stored)) as image:
            assert image.size == (100, 200)
            assert image.getexif().get_ifd(0x8825) == {}  # no GPS IFD


def test_s27_png_text_chunks_are_gone_from_the_stored_photo(nursery: Nursery) -> None:
    answer = upload(
        nursery.manager, nursery.observation_id, photos.png_with_text(), {"Content-Type": "image/png"}
    )
    assert answer.status_code == 201, answer.text
    stored = nursery.stored(answer.json()["id"])
    assert photos.metadata_left_in(stored) == []
    assert stored[:3] == b"\xff\xd8\xff"  # re-encoded, not the upload kept


def test_s26_the_type_comes_from_the_bytes_not_the_content_type(nursery: Nursery) -> None:
    webp = upload(nursery.manager, nursery.observation_id, photos.webp_with_exif(), JPEG)
    assert webp.status_code == 201, webp.text
    octet = upload(nursery.manager, nursery.observation_id, photos.plain_jpeg(300, 200),
                   {"Content-Type": "application/octet-stream"})  # fmt: skip
    assert octet.status_code == 201, octet.text
    observation = nursery.manager.get(f"/api/observations/{nursery.observation_id}").json()["observation"]
    assert {webp.json()["id"], octet.json()["id"]} <= set(observation["photoIds"])


def test_s26_a_gif_is_refused_with_415_whatever_it_claims_to_be(nursery: Nursery) -> None:
    answer = upload(nursery.manager, nursery.observation_id, photos.gif(), JPEG)
    assert answer.status_code == 415
    assert answer.json()["error"]["code"] == "unsupported_media_type"
    assert "JPEG, PNG or WebP" in answer.json()["error"]["message"]
    assert nursery.blobs() == []


def test_s26_a_json_or_form_body_is_refused_with_415(nursery: Nursery) -> None:
    answer = upload(nursery.manager, nursery.observation_id, photos.plain_jpeg(10, 10),
                    {"Content-Type": "multipart/form-data; boundary=x"})  # fmt: skip
    assert answer.status_code == 415


def test_s26_an_11_mib_photo_is_refused_with_413(nursery: Nursery) -> None:
    too_big = photos.plain_jpeg(64, 64) + b"\x00" * (11 * 1024 * 1024)
    answer = upload(nursery.manager, nursery.observation_id, too_big)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"
    assert nursery.blobs() == []


def test_s26_the_declared_length_is_refused_before_the_body_is_looked_at(nursery: Nursery) -> None:
    # Called as the Functions host would: a Content-Length over the limit is enough for a 413,
    # even though the body handed over is a small, valid photo.
    cookie = nursery.manager.http.cookies.get(LOCAL_COOKIE)
    request = func.HttpRequest(
        "POST",
        f"{nursery.manager.served.base}/api/observations/{nursery.observation_id}/photos",
        headers={"Cookie": f"{LOCAL_COOKIE}={cookie}", "Origin": nursery.manager.served.base,
                 "Content-Type": "image/jpeg", "Content-Length": str(10 * 1024 * 1024 + 1)},
        route_params={"id": nursery.observation_id},
        body=photos.plain_jpeg(64, 64),
    )  # fmt: skip
    response = photo_functions.upload_photo(request)
    assert response.status_code == 413
    assert nursery.blobs() == []


def test_s26_a_41_megapixel_bomb_is_a_400(nursery: Nursery) -> None:
    answer = upload(nursery.manager, nursery.observation_id, photos.png_header_claiming(6500, 6400))
    assert answer.status_code == 400
    assert "too many pixels" in answer.json()["error"]["message"]


def test_s26_a_truncated_photo_is_a_400(nursery: Nursery) -> None:
    data = photos.plain_jpeg(600, 400)
    answer = upload(nursery.manager, nursery.observation_id, data[: len(data) // 2])
    assert answer.status_code == 400
    assert nursery.blobs() == []


def test_s27_a_failed_upload_leaves_no_blob_and_no_row(nursery: Nursery) -> None:
    class WritesDown:
        """Storage failing on the observation's write (the photo row with it), after both blobs."""

        def __init__(self, real: ObservationRepository) -> None:
            self.real = real
            self.tried: list[str] = []

        def __getattr__(self, name: str) -> Any:
            return getattr(self.real, name)

        def save(
            self, observation: Observation, children: Sequence[NamedChild], *, new_photo: Photo | None = None
        ) -> Observation:
            if new_photo is not None:
                self.tried.append(new_photo.photo_id)
                raise StorageUnavailable("storage is not answering; please try again shortly")
            return self.real.save(observation, children)

    wired = bootstrap.deps()
    writes = WritesDown(wired.observations)
    bootstrap.use(dataclasses.replace(wired, observations=writes), nursery.manager.served.clients)
    answer = upload(nursery.manager, nursery.observation_id, photos.jpeg_with_exif())
    assert answer.status_code == 503
    assert len(writes.tried) == 1  # the failure came after the blobs were written
    assert nursery.blobs() == []
    assert wired.photos.get(nursery.setting_id, writes.tried[0]) is None
    observation = nursery.manager.get(f"/api/observations/{nursery.observation_id}").json()["observation"]
    assert observation["photoIds"] == []


def test_a_parent_cannot_upload(nursery: Nursery) -> None:
    parent = nursery.parent_of(nursery.child_id)
    answer = upload(parent, nursery.observation_id, photos.plain_jpeg(50, 50))
    assert answer.status_code in (403, 404)
    assert nursery.blobs() == []


def test_nobody_signed_out_can_upload_or_view(nursery: Nursery) -> None:
    photo_id = upload(nursery.manager, nursery.observation_id, photos.plain_jpeg(50, 50)).json()["id"]
    stranger = nursery.manager.fresh()
    assert upload(stranger, nursery.observation_id, photos.plain_jpeg(50, 50)).status_code == 401
    assert view(stranger, photo_id).status_code == 401


def test_a_published_observation_takes_no_more_photos(nursery: Nursery) -> None:
    nursery.publish()
    answer = upload(nursery.manager, nursery.observation_id, photos.plain_jpeg(50, 50))
    assert answer.status_code == 403
    assert nursery.blobs() == []


# -- viewing ----------------------------------------------------------------------------------


def test_s28_a_linked_parent_gets_a_working_link_only_once_published(nursery: Nursery) -> None:
    photo_id = upload(nursery.manager, nursery.observation_id, photos.jpeg_with_exif()).json()["id"]
    parent = nursery.parent_of(nursery.child_id)
    assert view(parent, photo_id).status_code == 404  # a draft: parents do not know it exists

    nursery.publish()
    for size in ("display", "thumb"):
        answer = view(parent, photo_id, size)
        assert answer.status_code == 302
        assert answer.headers["Cache-Control"] == "no-store"
        fetched = requests.get(answer.headers["Location"], timeout=10)
        assert fetched.status_code == 200
        assert fetched.headers["Content-Type"] == "image/jpeg"
        assert fetched.content == nursery.stored(photo_id, size)


def test_s29_a_parents_photo_view_is_audited_without_the_link(nursery: Nursery) -> None:
    photo_id = upload(nursery.manager, nursery.observation_id, photos.plain_jpeg(80, 60)).json()["id"]
    nursery.publish()
    parent = nursery.parent_of(nursery.child_id)
    location = view(parent, photo_id).headers["Location"]
    events = nursery.manager.get("/api/audit?action=photo.view").json()["events"]
    assert [(e["action"], e["target"], e["outcome"]) for e in events] == [("photo.view", photo_id, "success")]
    signature = location.split("sig=", 1)[1].split("&", 1)[0]
    assert all(signature not in str(e) and "sig=" not in str(e) for e in events)


def test_s24_another_familys_parent_gets_404(nursery: Nursery) -> None:
    photo_id = upload(nursery.manager, nursery.observation_id, photos.plain_jpeg(80, 60)).json()["id"]
    nursery.publish()
    other_parent = nursery.parent_of(nursery.add_child())
    answer = view(other_parent, photo_id)
    assert answer.status_code == 404
    assert "Location" not in answer.headers
    assert answer.json() == view(other_parent, "p" + "0" * 24).json()  # the same as no photo at all


def test_s24_another_settings_manager_gets_404(nursery: Nursery, api: Api) -> None:
    photo_id = upload(nursery.manager, nursery.observation_id, photos.plain_jpeg(80, 60)).json()["id"]
    elsewhere = open_nursery(api.fresh())
    assert view(elsewhere.manager, photo_id).status_code == 404
    assert elsewhere.manager.call("DELETE", f"/api/photos/{photo_id}").status_code == 404
    assert len(nursery.blobs(photo_id)) == 2


def test_staff_see_draft_photos_of_their_setting(nursery: Nursery) -> None:
    photo_id = upload(nursery.manager, nursery.observation_id, photos.plain_jpeg(80, 60)).json()["id"]
    answer = view(nursery.manager, photo_id, "thumb")
    assert answer.status_code == 302
    assert requests.get(answer.headers["Location"], timeout=10).content == nursery.stored(photo_id, "thumb")


def test_an_unknown_size_is_a_400(nursery: Nursery) -> None:
    photo_id = upload(nursery.manager, nursery.observation_id, photos.plain_jpeg(80, 60)).json()["id"]
    assert view(nursery.manager, photo_id, "original").status_code == 400


# -- deleting ---------------------------------------------------------------------------------


def test_deleting_a_photo_detaches_it_and_removes_both_blobs(nursery: Nursery) -> None:
    photo_id = upload(nursery.manager, nursery.observation_id, photos.plain_jpeg(80, 60)).json()["id"]
    assert len(nursery.blobs(photo_id)) == 2
    answer = nursery.manager.call("DELETE", f"/api/photos/{photo_id}")
    assert answer.status_code == 200, answer.text
    assert nursery.blobs(photo_id) == []
    assert view(nursery.manager, photo_id).status_code == 404
    observation = nursery.manager.get(f"/api/observations/{nursery.observation_id}").json()["observation"]
    assert photo_id not in observation["photoIds"]
    assert nursery.manager.call("DELETE", f"/api/photos/{photo_id}").status_code == 404


def test_deleting_a_draft_deletes_its_photos_too(nursery: Nursery) -> None:
    photo_id = upload(nursery.manager, nursery.observation_id, photos.plain_jpeg(80, 60)).json()["id"]
    answer = nursery.manager.call("DELETE", f"/api/observations/{nursery.observation_id}")
    assert answer.status_code == 200, answer.text
    assert nursery.blobs(photo_id) == []
    assert view(nursery.manager, photo_id).status_code == 404
