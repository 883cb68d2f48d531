"""Photos of moments from home over real HTTP: a family adds them, staff see them, and
accepting the moment brings them into the journal. Bytes are read back from Azurite (S24, S26-S28)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import requests

from shared import bootstrap
from shared.domain.errors import StorageUnavailable
from shared.domain.journal import Moment
from shared.services.ports import MomentRepository
from tests import photos
from tests.http.conftest import Api
from tests.http.test_people_http import join
from tests.http.test_photos_http import JPEG, open_nursery, view


def share(parent: Api, child_id: str, text: str = "We baked bread at home.") -> str:
    shared = parent.post(f"/api/children/{child_id}/moments", {"text": text})
    assert shared.status_code == 201, shared.text
    return str(shared.json()["moment"]["id"])


def add_photo(
    client: Api, child_id: str, moment_id: str, data: bytes, headers: dict[str, str] | None = None
) -> requests.Response:
    return client.post(
        f"/api/children/{child_id}/moments/{moment_id}/photos", data=data, headers=headers or JPEG
    )


def moment_of(client: Api, child_id: str, moment_id: str) -> dict[str, object]:
    listed = client.get(f"/api/children/{child_id}/moments")
    assert listed.status_code == 200, listed.text
    return next(m for m in listed.json()["moments"] if m["id"] == moment_id)


def fetched(client: Api, photo_id: str, size: str = "display") -> bytes:
    answer = view(client, photo_id, size)
    assert answer.status_code == 302, answer.text
    got = requests.get(answer.headers["Location"], timeout=10)
    assert got.status_code == 200
    return got.content


def test_the_family_adds_a_photo_to_its_moment_and_staff_and_family_see_it_clean(api: Api) -> None:
    nursery = open_nursery(api)
    parent = nursery.parent_of(nursery.child_id)
    moment_id = share(parent, nursery.child_id)

    answer = add_photo(parent, nursery.child_id, moment_id, photos.jpeg_with_exif(200, 100, orientation=6))
    assert answer.status_code == 201, answer.text
    photo = answer.json()
    assert (photo["width"], photo["height"]) == (100, 200)  # turned upright, as for observations
    for size in ("display", "thumb"):
        assert photos.metadata_left_in(nursery.stored(photo["id"], size)) == []  # S27: no GPS, no EXIF

    assert moment_of(parent, nursery.child_id, moment_id)["photoIds"] == [photo["id"]]
    assert moment_of(nursery.manager, nursery.child_id, moment_id)["photoIds"] == [photo["id"]]
    assert fetched(nursery.manager, photo["id"]) == nursery.stored(photo["id"])
    assert fetched(parent, photo["id"], "thumb") == nursery.stored(photo["id"], "thumb")


def test_the_photo_row_records_the_moment_as_its_owner(api: Api) -> None:
    nursery = open_nursery(api)
    parent = nursery.parent_of(nursery.child_id)
    parent_id = parent.get("/api/auth/session").json()["user"]["id"]
    moment_id = share(parent, nursery.child_id)
    photo_id = add_photo(parent, nursery.child_id, moment_id, photos.plain_jpeg(80, 60)).json()["id"]

    row = bootstrap.deps().photos.get(nursery.setting_id, photo_id)
    assert row is not None
    assert row.observation_id == f"moment~{nursery.child_id}~{moment_id}"
    assert row.owner_id == parent_id
    assert nursery.blobs(photo_id) == sorted(
        [f"{nursery.setting_id}/{photo_id}/display.jpg", f"{nursery.setting_id}/{photo_id}/thumb.jpg"]
    )


def test_only_the_parent_who_shared_the_moment_may_add_photos(api: Api) -> None:
    nursery = open_nursery(api)
    author = nursery.parent_of(nursery.child_id)
    co_parent = nursery.parent_of(nursery.child_id)
    other_family = nursery.parent_of(nursery.add_child())
    moment_id = share(author, nursery.child_id)
    jpeg = photos.plain_jpeg(40, 40)

    assert add_photo(co_parent, nursery.child_id, moment_id, jpeg).status_code == 403
    assert add_photo(nursery.manager, nursery.child_id, moment_id, jpeg).status_code == 403
    hidden = add_photo(other_family, nursery.child_id, moment_id, jpeg)
    unknown = add_photo(other_family, "c" + "0" * 20, "0" * 24, jpeg)
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json()  # S24: nothing says the moment exists
    assert add_photo(nursery.manager.fresh(), nursery.child_id, moment_id, jpeg).status_code == 401
    assert nursery.blobs() == []
    assert moment_of(author, nursery.child_id, moment_id)["photoIds"] == []


def test_s24_a_moment_photo_is_404_to_another_family_and_another_setting(api: Api) -> None:
    nursery = open_nursery(api)
    parent = nursery.parent_of(nursery.child_id)
    moment_id = share(parent, nursery.child_id)
    photo_id = add_photo(parent, nursery.child_id, moment_id, photos.plain_jpeg(80, 60)).json()["id"]
    other_family = nursery.parent_of(nursery.add_child())
    elsewhere = open_nursery(api.fresh())

    for outsider in (other_family, elsewhere.manager):
        answer = view(outsider, photo_id)
        assert answer.status_code == 404
        assert "Location" not in answer.headers
        assert answer.json() == view(outsider, "p" + "0" * 24).json()
    assert elsewhere.manager.call("DELETE", f"/api/photos/{photo_id}").status_code == 404
    assert len(nursery.blobs(photo_id)) == 2


def test_s24_staff_limited_to_key_children_do_not_see_another_childs_moment_photos(api: Api) -> None:
    nursery = open_nursery(api)
    manager = {"setting": nursery.slug}
    practitioner, _ = join(api, manager, "/api/staff", {"role": "practitioner"})
    parent = nursery.parent_of(nursery.child_id)
    moment_id = share(parent, nursery.child_id)
    photo_id = add_photo(parent, nursery.child_id, moment_id, photos.plain_jpeg(80, 60)).json()["id"]
    assert view(practitioner, photo_id).status_code == 302  # every practitioner sees every child

    read = api.get("/api/setting")
    changed = api.call(
        "PATCH", "/api/setting", {"keyChildrenOnly": True}, headers={"If-Match": read.headers["ETag"]}
    )
    assert changed.status_code == 200, changed.text
    assert view(practitioner, photo_id).status_code == 404  # from the very next request


def test_accepting_a_moment_brings_its_photos_into_the_journal_and_closes_it(api: Api) -> None:
    nursery = open_nursery(api)
    parent = nursery.parent_of(nursery.child_id)
    moment_id = share(parent, nursery.child_id, "Planted sunflowers in the garden.")
    first = add_photo(parent, nursery.child_id, moment_id, photos.plain_jpeg(80, 60)).json()["id"]
    second = add_photo(
        parent, nursery.child_id, moment_id, photos.png_with_text(), {"Content-Type": "image/png"}
    )
    assert second.status_code == 201, second.text

    accepted = api.post(f"/api/moments/{nursery.child_id}/{moment_id}/accept")
    assert accepted.status_code == 200, accepted.text
    observation_id = accepted.json()["observationId"]
    entries = parent.get(f"/api/children/{nursery.child_id}/journal").json()["entries"]
    assert [(e["id"], e["photoIds"]) for e in entries] == [(observation_id, [first, second.json()["id"]])]
    observation = api.get(f"/api/observations/{observation_id}").json()["observation"]
    assert observation["photoIds"] == [first, second.json()["id"]]
    assert fetched(parent, first) == nursery.stored(first)  # still the family's to see, now in the journal

    late = add_photo(parent, nursery.child_id, moment_id, photos.plain_jpeg(30, 30))
    assert late.status_code == 409
    assert sorted({name.split("/")[1] for name in nursery.blobs()}) == sorted([first, second.json()["id"]])


def test_a_moment_photo_without_consent_for_the_journal_blocks_acceptance(api: Api) -> None:
    nursery = open_nursery(api)
    child = api.post(
        "/api/children",
        {"firstName": "Noor", "lastName": "Khan", "dateOfBirth": "2023-02-02",
         "photosInOwnJournal": False, "photosInOthersJournals": False},
    ).json()["id"]  # fmt: skip
    parent = nursery.parent_of(child)
    moment_id = share(parent, child)
    assert add_photo(parent, child, moment_id, photos.plain_jpeg(40, 40)).status_code == 201
    refused = api.post(f"/api/moments/{child}/{moment_id}/accept")
    assert refused.status_code == 409
    assert "consent" in refused.json()["error"]["message"]
    assert parent.get(f"/api/children/{child}/journal").json()["entries"] == []


def test_s26_an_oversized_or_unsupported_moment_photo_is_refused_and_leaves_nothing(api: Api) -> None:
    nursery = open_nursery(api)
    parent = nursery.parent_of(nursery.child_id)
    moment_id = share(parent, nursery.child_id)
    too_big = photos.plain_jpeg(64, 64) + b"\x00" * (11 * 1024 * 1024)
    assert add_photo(parent, nursery.child_id, moment_id, too_big).status_code == 413
    assert add_photo(parent, nursery.child_id, moment_id, photos.gif()).status_code == 415
    bomb = add_photo(parent, nursery.child_id, moment_id, photos.png_header_claiming(6500, 6400))
    assert bomb.status_code == 400
    assert nursery.blobs() == []
    assert moment_of(parent, nursery.child_id, moment_id)["photoIds"] == []


def test_a_manager_removes_a_moment_photo_from_the_moment_and_the_journal(api: Api) -> None:
    nursery = open_nursery(api)
    parent = nursery.parent_of(nursery.child_id)
    moment_id = share(parent, nursery.child_id)
    kept = add_photo(parent, nursery.child_id, moment_id, photos.plain_jpeg(40, 40)).json()["id"]
    removed = add_photo(parent, nursery.child_id, moment_id, photos.plain_jpeg(50, 50)).json()["id"]
    observation_id = api.post(f"/api/moments/{nursery.child_id}/{moment_id}/accept").json()["observationId"]
    assert parent.call("DELETE", f"/api/photos/{removed}").status_code == 403

    answer = api.call("DELETE", f"/api/photos/{removed}")
    assert answer.status_code == 200, answer.text
    assert nursery.blobs(removed) == []
    assert moment_of(parent, nursery.child_id, moment_id)["photoIds"] == [kept]
    entries = parent.get(f"/api/children/{nursery.child_id}/journal").json()["entries"]
    assert [(e["id"], e["photoIds"]) for e in entries] == [(observation_id, [kept])]
    assert view(parent, removed).status_code == 404


class MomentSavesDown:
    """The moments table failing on the next write, as if the host died mid-accept."""

    def __init__(self, real: MomentRepository) -> None:
        self.real = real
        self.failures = 1

    def add(self, moment: Moment) -> Moment:
        return self.real.add(moment)

    def get(self, setting_id: str, child_id: str, moment_id: str) -> Moment | None:
        return self.real.get(setting_id, child_id, moment_id)

    def of(self, setting_id: str, child_id: str) -> Sequence[Moment]:
        return self.real.of(setting_id, child_id)

    def save(self, moment: Moment) -> Moment:
        if self.failures:
            self.failures -= 1
            raise StorageUnavailable("storage is not answering; please try again shortly")
        return self.real.save(moment)


def test_a_retried_accept_brings_photos_added_after_the_first_attempt(api: Api) -> None:
    nursery = open_nursery(api)
    parent = nursery.parent_of(nursery.child_id)
    moment_id = share(parent, nursery.child_id)
    first = add_photo(parent, nursery.child_id, moment_id, photos.plain_jpeg(40, 40)).json()["id"]
    wired = bootstrap.deps()
    bootstrap.use(
        dataclasses.replace(wired, moments=MomentSavesDown(wired.moments)), nursery.manager.served.clients
    )

    crashed = api.post(f"/api/moments/{nursery.child_id}/{moment_id}/accept")
    assert crashed.status_code == 503  # the journal entry was written, the moment not marked
    late = add_photo(parent, nursery.child_id, moment_id, photos.plain_jpeg(50, 50))
    assert late.status_code == 201, late.text
    retried = api.post(f"/api/moments/{nursery.child_id}/{moment_id}/accept")
    assert retried.status_code == 200, retried.text

    entries = parent.get(f"/api/children/{nursery.child_id}/journal").json()["entries"]
    assert [e["photoIds"] for e in entries] == [[first, late.json()["id"]]]
    assert moment_of(parent, nursery.child_id, moment_id)["status"] == "accepted"
