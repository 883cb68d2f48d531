"""Consent withdrawn: a manager takes a photo out of a published observation, over real HTTP.

The photo's blobs and row go, and every child's journal in the observation stops showing it from
the next read (the journal projections are rewritten); nobody else may do this once published.
"""

from __future__ import annotations

from datetime import date

from tests import photos
from tests.http.conftest import Api
from tests.http.test_people_http import join
from tests.http.test_photos_http import open_nursery, upload, view


def consenting_child(manager: Api, first: str) -> str:
    added = manager.post(
        "/api/children",
        {"firstName": first, "lastName": "Rivers", "dateOfBirth": "2023-04-04",
         "photosInOwnJournal": True, "photosInOthersJournals": True},
    )  # fmt: skip
    assert added.status_code == 201, added.text
    return str(added.json()["id"])


def journal_photos(client: Api, child_id: str) -> list[list[str]]:
    page = client.get(f"/api/children/{child_id}/journal")
    assert page.status_code == 200, page.text
    return [e["photoIds"] for e in page.json()["entries"]]


def test_a_manager_removes_a_photo_from_a_published_observation_and_every_journal_drops_it(api: Api) -> None:
    nursery = open_nursery(api)
    ada, ben = consenting_child(api, "Ada"), consenting_child(api, "Ben")
    created = api.post(
        "/api/observations",
        {
            "childIds": [ada, ben],
            "text": "Ada and Ben shared the sand tray.",
            "observedOn": date.today().isoformat(),
        },
    )
    observation_id = created.json()["observation"]["id"]
    kept = upload(api, observation_id, photos.plain_jpeg(80, 60)).json()["id"]
    withdrawn = upload(api, observation_id, photos.plain_jpeg(60, 80)).json()["id"]
    nursery.publish(observation_id)
    ada_parent, ben_parent = nursery.parent_of(ada), nursery.parent_of(ben)
    assert journal_photos(ben_parent, ben) == [[kept, withdrawn]]
    assert view(ada_parent, withdrawn).status_code == 302

    answer = api.call("DELETE", f"/api/photos/{withdrawn}")
    assert answer.status_code == 200, answer.text
    assert nursery.blobs(withdrawn) == []
    assert len(nursery.blobs(kept)) == 2
    assert journal_photos(ada_parent, ada) == [[kept]]
    assert journal_photos(ben_parent, ben) == [[kept]]
    assert api.get(f"/api/observations/{observation_id}").json()["observation"]["photoIds"] == [kept]
    assert view(ada_parent, withdrawn).status_code == 404
    events = api.get("/api/audit?action=photo.delete").json()["events"]
    assert [(e["actor"], e["target"], e["outcome"]) for e in events] == [
        (api.get("/api/auth/session").json()["user"]["id"], withdrawn, "success")
    ]


def test_only_a_manager_removes_a_photo_once_the_observation_is_published(api: Api) -> None:
    nursery = open_nursery(api)
    practitioner, _ = join(api, {"setting": nursery.slug}, "/api/staff", {"role": "practitioner"})
    created = practitioner.post(
        "/api/observations",
        {
            "childIds": [nursery.child_id],
            "text": "Climbed the frame.",
            "observedOn": date.today().isoformat(),
        },
    )
    assert created.status_code == 201, created.text
    observation_id = created.json()["observation"]["id"]
    photo_id = upload(practitioner, observation_id, photos.plain_jpeg(80, 60)).json()["id"]
    nursery.publish(observation_id)
    parent = nursery.parent_of(nursery.child_id)

    assert practitioner.call("DELETE", f"/api/photos/{photo_id}").status_code == 403  # even its author
    assert parent.call("DELETE", f"/api/photos/{photo_id}").status_code == 403
    assert len(nursery.blobs(photo_id)) == 2
    assert journal_photos(parent, nursery.child_id) == [[photo_id]]
