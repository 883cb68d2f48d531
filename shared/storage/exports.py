"""Exports in storage: rows in the `exports` table, files in the private `exports` container,
and read access to the photo bytes an export embeds.

Keys (S23): PartitionKey = setting id; RowKey = export id ("e..."), or "requester~{user id}" for
the row that serialises one requester's requests. Both live in one partition so a new export
and its requester row are written in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime

from azure.storage.blob import ContentSettings

from shared.clock import Clock
from shared.domain.errors import NotFound
from shared.domain.exports import CONTAINER, Export, ExportStatus, RecentRequest, RequesterExports
from shared.domain.photos import CONTAINER as PHOTOS
from shared.storage.clients import StorageClients
from shared.storage.errors import translated
from shared.storage.sas import BLOB_CACHE_CONTROL, BlobReadLinks, read_links_for
from shared.storage.tables import Entity, Operation, Table

EXPORT = "export"
REQUESTER = "requester"


def requester_row(user_id: str) -> str:
    return f"{REQUESTER}~{user_id}"


class TableExports:
    """The ExportRepository port over Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, setting_id: str, export_id: str) -> Export | None:
        row = self._table.get(setting_id, export_id)
        return _to_export(row) if row and row.get("Kind") == EXPORT else None

    def requester(self, setting_id: str, user_id: str) -> RequesterExports:
        row = self._table.get(setting_id, requester_row(user_id))
        if row is None:
            return RequesterExports(setting_id, user_id)
        return RequesterExports(
            setting_id=setting_id,
            user_id=user_id,
            recent=[
                RecentRequest(datetime.fromisoformat(at), child_id, export_id)
                for at, child_id, export_id in json.loads(row.get("Recent") or "[]")
            ],
            etag=row["_etag"],
        )

    def add(self, export: Export, requester: RequesterExports) -> None:
        record: Entity = {
            "PartitionKey": requester.setting_id,
            "RowKey": requester_row(requester.user_id),
            "Kind": REQUESTER,
            "Recent": json.dumps([[r.at.isoformat(), r.child_id, r.export_id] for r in requester.recent]),
            "LastRequestAt": max((r.at for r in requester.recent), default=export.created_at),
        }
        guard = (
            Operation("create", record)
            if requester.etag is None
            else Operation("replace", record, etag=requester.etag)
        )
        self._table.transact([Operation("create", _to_entity(export)), guard])

    def save(self, export: Export) -> None:
        self._table.update(_to_entity(export), etag=None, replace=True)

    def created_before(self, setting_id: str, before: datetime) -> Sequence[Export]:
        rows = self._table.query(
            "PartitionKey eq @pk and Kind eq @kind and CreatedAt lt @before",
            {"pk": setting_id, "kind": EXPORT, "before": before},
        )
        return [_to_export(r) for r in rows]

    def remove(self, setting_id: str, export_id: str) -> None:
        with suppress(NotFound):
            self._table.delete(setting_id, export_id)

    def remove_requesters_idle_since(self, setting_id: str, before: datetime) -> int:
        rows = list(
            self._table.query(
                "PartitionKey eq @pk and Kind eq @kind and LastRequestAt lt @before",
                {"pk": setting_id, "kind": REQUESTER, "before": before},
            )
        )
        for row in rows:
            with suppress(NotFound):
                self._table.delete(setting_id, row["RowKey"])
        return len(rows)


class BlobExportFiles:
    """The ExportFiles port over a private container; links signed as this deployment allows (S28)."""

    def __init__(self, clients: StorageClients, links: BlobReadLinks) -> None:
        self._clients = clients
        self._links = links

    def put(self, name: str, data: bytes, content_type: str) -> None:
        container = self._clients.container(CONTAINER)
        with translated():
            container.upload_blob(
                name,
                data,
                overwrite=True,  # a retried build rewrites its own files; names are fresh per export
                content_settings=ContentSettings(content_type=content_type, cache_control=BLOB_CACHE_CONTROL),
            )

    def delete(self, names: Sequence[str]) -> None:
        container = self._clients.container(CONTAINER)
        for name in names:
            with suppress(NotFound), translated():
                container.delete_blob(name)

    def download_url(self, name: str, content_type: str, file_name: str) -> str:
        return self._links.read_url(name, content_type, download_name=file_name)


class BlobPhotoBytes:
    """The PhotoBytes port: reads stored (already re-encoded, S27) photos from their container."""

    def __init__(self, clients: StorageClients) -> None:
        self._clients = clients

    def read(self, name: str) -> bytes:
        container = self._clients.container(PHOTOS)
        with translated():
            return bytes(container.download_blob(name).readall())


def export_files(clients: StorageClients, clock: Clock, *, https_only: bool) -> BlobExportFiles:
    links = read_links_for(
        clients.blob_service,
        CONTAINER,
        clock,
        uses_account_key=clients.config.uses_account_key,
        https_only=https_only,
    )
    return BlobExportFiles(clients, links)


def _to_entity(export: Export) -> Entity:
    return {
        "PartitionKey": export.setting_id,
        "RowKey": export.export_id,
        "Kind": EXPORT,
        "ChildId": export.child_id,
        "RequestedBy": export.requested_by,
        "Status": export.status.value,
        "CreatedAt": export.created_at,
        "ReadyAt": export.ready_at,
        "PdfBlob": export.blob("pdf"),
        "ZipBlob": export.blob("zip"),
    }


def _to_export(row: Entity) -> Export:
    return Export(
        setting_id=row["PartitionKey"],
        export_id=row["RowKey"],
        child_id=row["ChildId"],
        requested_by=row["RequestedBy"],
        status=ExportStatus(row["Status"]),
        created_at=row["CreatedAt"],
        ready_at=row.get("ReadyAt"),
        etag=row["_etag"],
    )
