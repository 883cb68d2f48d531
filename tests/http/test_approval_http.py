"""Approval and CSRF over real HTTP: publish and return name the version read (If-Match), and a
cookie-carrying change must show it comes from our own pages (S19)."""

from __future__ import annotations

from tests.http.conftest import Api
from tests.http.test_journal_http import Nursery


def _submitted(nursery: Nursery) -> tuple[str, str]:
    mia = nursery.child("Mia", "Rose")
    body = {"childIds": [mia.child_id], "text": "Mia counted to ten.", "areas": ["mathematics"],
            "observedOn": nursery.deps.clock.now().date().isoformat()}  # fmt: skip
    created = nursery.manager.post("/api/observations", body)
    assert created.status_code == 201, created.text
    observation_id = str(created.json()["observation"]["id"])
    submitted = nursery.manager.post(f"/api/observations/{observation_id}/submit")
    assert submitted.status_code == 200, submitted.text
    return observation_id, submitted.headers["ETag"]


def test_publish_without_if_match_is_428_and_with_a_stale_version_is_412(api: Api) -> None:
    nursery = Nursery(api)
    observation_id, seen = _submitted(nursery)
    path = f"/api/observations/{observation_id}"
    missing = api.post(f"{path}/publish")
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"
    assert missing.json()["error"]["field"] == "If-Match"
    assert api.get(path).json()["observation"]["status"] == "submitted"  # nothing was published
    changed = api.call("PATCH", path, {"text": "Mia counted to twenty."}, headers={"If-Match": seen})
    assert changed.status_code == 200, changed.text
    assert api.post(f"{path}/publish", headers={"If-Match": seen}).status_code == 412
    published = api.post(f"{path}/publish", headers={"If-Match": changed.headers["ETag"]})
    assert published.status_code == 200, published.text
    assert published.json()["observation"]["text"] == "Mia counted to twenty."


def test_a_manager_returns_an_observation_for_changes_and_the_note_reaches_the_drafts_list(api: Api) -> None:
    nursery = Nursery(api)
    observation_id, seen = _submitted(nursery)
    path = f"/api/observations/{observation_id}/return"
    assert api.post(path, {"note": "Say which numbers."}).status_code == 428  # no If-Match
    returned = api.post(path, {"note": "Say which numbers."}, headers={"If-Match": seen})
    assert returned.status_code == 200, returned.text
    assert returned.json()["observation"]["status"] == "draft"
    drafts = api.get("/api/observations", params={"status": "draft"}).json()["observations"]
    assert [(o["id"], o["returnNote"]) for o in drafts] == [(observation_id, "Say which numbers.")]
    assert (
        api.post(path, {"note": "Again"}, headers={"If-Match": returned.headers["ETag"]}).status_code == 409
    )


def test_s19_a_signed_in_change_without_origin_or_sec_fetch_site_is_403(api: Api) -> None:
    nursery = Nursery(api)
    mia = nursery.child("Mia", "Rose")
    body = {
        "childIds": [mia.child_id],
        "text": "Ran",
        "observedOn": nursery.deps.clock.now().date().isoformat(),
    }
    del api.http.headers["Origin"]
    refused = api.post("/api/observations", body)
    assert refused.status_code == 403
    assert api.post("/api/observations", body, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert api.post("/api/observations", body, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 201
    assert api.post("/api/observations", body, headers={"Origin": api.served.base}).status_code == 201
