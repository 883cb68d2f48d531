"""Moments from home: table `moments`, one partition per child, newest first.

Keys (shared.storage.keys): PartitionKey per child, RowKey by inverted creation time, then moment
id. The moment id alone finds nothing: routes name the child too, and the child's partition is the
only place looked in, after the caller's right to that child was checked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from shared.domain.errors import NotFound
from shared.domain.journal import Moment, MomentStatus
from shared.storage import keys
from shared.storage.tables import Entity, Table

LIST_LIMIT = 100


class TableMoments:
    """The MomentRepository port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def add(self, moment: Moment) -> Moment:
        moment.etag = self._table.create(
            _to_entity(moment, keys.moment_row(moment.created_at, moment.moment_id))
        )
        return moment

    def get(self, setting_id: str, child_id: str, moment_id: str) -> Moment | None:
        rows = self._table.query(
            "PartitionKey eq @pk and MomentId eq @moment",
            {"pk": keys.moments_partition(setting_id, child_id), "moment": moment_id},
        )
        found = next(iter(rows), None)
        return _to_moment(found) if found else None

    def of(self, setting_id: str, child_id: str) -> Sequence[Moment]:
        rows = self._table.query("PartitionKey eq @pk", {"pk": keys.moments_partition(setting_id, child_id)})
        return [_to_moment(r) for _, r in zip(range(LIST_LIMIT), rows, strict=False)]

    def save(self, moment: Moment) -> Moment:
        """Write if unchanged since read (ConcurrencyConflict otherwise)."""
        # The row key is looked up, not recomputed: a stored time may come back rounded.
        rows = self._table.query(
            "PartitionKey eq @pk and MomentId eq @moment",
            {"pk": keys.moments_partition(moment.setting_id, moment.child_id), "moment": moment.moment_id},
        )
        found = next(iter(rows), None)
        if found is None:
            raise NotFound("That moment no longer exists.")
        row = found["RowKey"]
        moment.etag = self._table.update(_to_entity(moment, row), etag=moment.etag, replace=True)
        return moment


def _to_entity(moment: Moment, row: str) -> Entity:
    return {
        "PartitionKey": keys.moments_partition(moment.setting_id, moment.child_id),
        "RowKey": row,
        "MomentId": moment.moment_id,
        "ParentId": moment.parent_id,
        "ParentName": moment.parent_name,
        "Text": moment.text,
        "CreatedAt": moment.created_at,
        "Status": moment.status.value,
        "PhotoIds": json.dumps(moment.photo_ids),
        "ObservationId": moment.observation_id or "",
    }


def _to_moment(row: Entity) -> Moment:
    setting_id, child_id = keys.split_partition(row["PartitionKey"])
    return Moment(
        setting_id=setting_id,
        child_id=child_id,
        moment_id=row["MomentId"],
        parent_id=row["ParentId"],
        parent_name=row["ParentName"],
        text=row["Text"],
        created_at=row["CreatedAt"],
        status=MomentStatus(row["Status"]),
        photo_ids=list(json.loads(row.get("PhotoIds") or "[]")),
        observation_id=row.get("ObservationId") or None,
        etag=row["_etag"],
    )
