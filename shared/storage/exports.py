"""Exports in storage: rows in the `exports` table and files in the private `exports` container.

Keys (shared.storage.keys): the setting's partition holds each export's row and, per requester,
the row that serialises their requests, so a new export and its requester row are written in one
transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime

from shared.clock import Clock
from shared.domain.errors import NotFound
from shared.domain.exports import CONTAINER, Export, ExportStatus, RecentRequest, RequesterExports
from shared.storage import keys
from shared.storage.blobs import PrivateBlobs, private_blobs
from shared.storage.clients import StorageClients
from shared.storage.tables import Entity, Operation, Table

# The Kind of each row, so a partition scan can tell exports from requesters.
EXPORT = "export"
REQUESTER = "requester"


class TableExports:
    """The ExportRepository port over Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, setting_id: str, export_id: str) -> Export | None:
        row = self._table.get(setting_id, keys.export_row(export_id))
        return _to_export(row) if row and row.get("Kind") == EXPORT else None

    def requester(self, setting_id: str, user_id: str) -> RequesterExports:
        row = self._table.get(setting_id, keys.requester_row(user_id))
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
            "RowKey": keys.requester_row(requester.user_id),
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
            self._table.delete(setting_id, keys.export_row(export_id))

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


def export_files(clients: StorageClients, clock: Clock, *, https_only: bool) -> PrivateBlobs:
    """The export container of this deployment; a retried build rewrites its own files."""
    return private_blobs(clients, CONTAINER, clock, https_only=https_only, overwrite=True)


def _to_entity(export: Export) -> Entity:
    return {
        "PartitionKey": export.setting_id,
        "RowKey": keys.export_row(export.export_id),
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
