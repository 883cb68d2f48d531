"""The blob ports' contract: photo bytes, photo reads for exports, and export files."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from shared.domain.errors import Conflict, NotFound
from shared.services.deps import Deps


def test_a_stored_photo_is_read_back_and_a_taken_name_is_a_conflict(ports: Deps, setting_id: str) -> None:
    name = f"{setting_id}/p1/display.jpg"
    ports.photo_blobs.put(name, b"\xff\xd8first", "image/jpeg")
    with pytest.raises(Conflict):
        ports.photo_blobs.put(name, b"\xff\xd8second", "image/jpeg")
    assert ports.photo_bytes.read(name) == b"\xff\xd8first"


def test_deleted_photos_are_gone_and_deleting_again_is_fine(ports: Deps, setting_id: str) -> None:
    names = [f"{setting_id}/p1/display.jpg", f"{setting_id}/p1/thumb.jpg"]
    for name in names:
        ports.photo_blobs.put(name, b"\xff\xd8", "image/jpeg")
    ports.photo_blobs.delete([*names, f"{setting_id}/never/display.jpg"])
    ports.photo_blobs.delete(names)
    for name in names:
        with pytest.raises(NotFound):
            ports.photo_bytes.read(name)


def test_s28_a_photo_link_names_only_its_blob_and_grants_read(ports: Deps, setting_id: str) -> None:
    name = f"{setting_id}/p1/display.jpg"
    ports.photo_blobs.put(name, b"\xff\xd8", "image/jpeg")
    url = unquote(ports.photo_blobs.read_url(name, "image/jpeg"))
    assert f"/photos/{name}?" in url
    assert "sp=r&" in url or url.endswith("sp=r")


def test_an_export_file_can_be_rewritten_by_a_retried_build(ports: Deps, setting_id: str) -> None:
    name = f"{setting_id}/e1/journal.pdf"
    ports.export_files.put(name, b"%PDF-1 first", "application/pdf")
    ports.export_files.put(name, b"%PDF-1 second", "application/pdf")
    ports.export_files.delete([name, f"{setting_id}/e1/missing.zip"])
    ports.export_files.delete([name])


def test_s28_an_export_link_fixes_its_download_name_and_refuses_an_unsafe_one(
    ports: Deps, setting_id: str
) -> None:
    name = f"{setting_id}/e1/journal.pdf"
    ports.export_files.put(name, b"%PDF-1", "application/pdf")
    url = unquote(ports.export_files.download_url(name, "application/pdf", "journal-ada.pdf"))
    assert f"/exports/{name}?" in url and 'filename="journal-ada.pdf"' in url
    assert "sp=r&" in url and "sr=b" in url  # read-only, one blob
    with pytest.raises(ValueError):
        ports.export_files.download_url(name, "application/pdf", 'x"; evil=.pdf')
