"""Journal exports over real HTTP: 202, then the served host's own queue worker builds the export,
and the files are fetched through the short signed links (S24, S28, S29)."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from shared import bootstrap
from shared.domain.children import ChildStatus
from tests import photos
from tests.http.conftest import Api
from tests.http.test_photos_http import Nursery, open_nursery, upload

# Bounded: the worker polls every 100 ms while busy; a build of one entry takes well under a second.
READY_WITHIN_SECONDS = 60


@pytest.fixture
def nursery(api: Api) -> Nursery:
    return open_nursery(api)


def request_export(client: Api, child_id: str) -> requests.Response:
    return client.post(f"/api/children/{child_id}/exports")


def wait_until_done(client: Api, export_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    while time.monotonic() < deadline:
        answer = client.get(f"/api/exports/{export_id}")
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        if body["status"] in ("ready", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"export {export_id} was not built within {READY_WITHIN_SECONDS}s")


def test_a_parent_asks_for_an_export_the_host_builds_it_and_the_links_download_it(nursery: Nursery) -> None:
    upload(nursery.manager, nursery.observation_id, photos.jpeg_with_exif(200, 100))
    nursery.publish()
    parent = nursery.parent_of(nursery.child_id)

    asked = request_export(parent, nursery.child_id)
    assert asked.status_code == 202, asked.text
    assert asked.json()["status"] == "queued"
    done = wait_until_done(parent, asked.json()["id"])
    assert done["status"] == "ready", done

    fetched = requests.get(done["download"]["zip"], timeout=30)
    assert fetched.status_code == 200
    assert fetched.headers["Content-Type"] == "application/zip"
    assert fetched.headers["Content-Disposition"].startswith("attachment; filename=")
    with zipfile.ZipFile(io.BytesIO(fetched.content)) as archive:
        names = archive.namelist()
        document = json.loads(archive.read("journal.json"))
    assert "journal.pdf" in names and "journal.json" in names
    assert len([n for n in names if n.startswith("photos/")]) == 1
    assert document["observations"][0]["text"] == "Built a tower of ten bricks."

    pdf = requests.get(done["download"]["pdf"], timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["Content-Type"] == "application/pdf"


def test_another_familys_parent_gets_404_for_the_child_and_for_the_export(nursery: Nursery) -> None:
    nursery.publish()
    parent = nursery.parent_of(nursery.child_id)
    other_parent = nursery.parent_of(nursery.add_child())
    export_id = request_export(parent, nursery.child_id).json()["id"]
    assert request_export(other_parent, nursery.child_id).status_code == 404
    answer = other_parent.get(f"/api/exports/{export_id}")
    assert answer.status_code == 404
    assert "download" not in answer.text
    assert nursery.manager.get(f"/api/exports/{export_id}").status_code == 200


def test_a_parent_of_a_child_archived_outside_the_window_is_refused(nursery: Nursery, api: Api) -> None:
    parent = nursery.parent_of(nursery.child_id)
    deps = bootstrap.deps()
    child = deps.children.get(nursery.setting_id, nursery.child_id)
    assert child is not None
    child.status = ChildStatus.ARCHIVED
    child.archived_at = deps.clock.now() - timedelta(days=31)  # the default window is 30 days
    deps.children.save(child)
    answer = request_export(parent, nursery.child_id)
    assert answer.status_code in (403, 404), answer.text


def test_the_sixth_export_in_a_day_is_429_with_retry_after(nursery: Nursery) -> None:
    children = [nursery.child_id] + [nursery.add_child() for _ in range(5)]
    for child_id in children[:5]:
        assert request_export(nursery.manager, child_id).status_code == 202
    refused = request_export(nursery.manager, children[5])
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600


def test_nobody_signed_out_gets_in_and_an_unknown_export_is_404(nursery: Nursery) -> None:
    assert request_export(nursery.manager.fresh(), nursery.child_id).status_code == 401
    assert nursery.manager.fresh().get("/api/exports/e0123").status_code == 401
    assert nursery.manager.get("/api/exports/e0123").status_code == 404


def test_s28_each_link_reads_one_blob_for_at_most_ten_minutes(nursery: Nursery) -> None:
    nursery.publish()
    asked = request_export(nursery.manager, nursery.child_id)
    done = wait_until_done(nursery.manager, asked.json()["id"])
    zip_url, pdf_url = done["download"]["zip"], done["download"]["pdf"]
    query = parse_qs(urlsplit(zip_url).query)
    assert query["sp"] == ["r"] and query["sr"] == ["b"]
    expires = datetime.fromisoformat(query["se"][0].replace("Z", "+00:00"))
    assert expires - bootstrap.deps().clock.now() <= timedelta(minutes=10)
    # Saved under a name made from the date and the export id, never the child's name.
    assert re.fullmatch(
        r'attachment; filename="learning-journal-[0-9-]{10}-e[0-9a-f]{24}\.zip"', query["rscd"][0]
    )
    # The zip's signature does not open the PDF beside it.
    borrowed = pdf_url.split("?", 1)[0] + "?" + urlsplit(zip_url).query
    assert requests.get(borrowed, timeout=30).status_code == 403
    fetched = requests.get(zip_url, timeout=30)
    assert fetched.headers["Cache-Control"] == "private, no-store"
