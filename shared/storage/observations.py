"""Observations: the canonical rows, with ETags and a version, kept in step with the journal.

Keys (shared.storage.keys): the setting's partition, RowKey the observation id. The photo rows
share the partition, so that a new photo's row and the write that lists it on its observation are
one transaction; every observation id sorts below the photo rows, which is how a scan of the
partition reads observations only.

The canonical row is the truth; the per-child rows in `journal` (shared/storage/journal.py) are
projections of it. Every write goes canonical first, guarded by the ETag the caller read (a
concurrent edit gets ConcurrencyConflict, never a lost update), and bumps `Version`; then the
projections are brought to that version. See shared/storage/journal.py for why that is safe.

Staff lists (drafts, the approvals queue) query the setting's partition by status; a setting
holds thousands of observations, not millions, so this stays one short partition scan.

A save needs the version and the projections of the row it replaces. An ETag names exactly one
version of a row, so what a row held is remembered by its ETag when it is read or written, and a
save from a version read moments ago (the usual case: read, check access, change, save) does not
read it again. The write itself is still guarded by that ETag, so a change made meanwhile by
anyone, in any process, is still a ConcurrencyConflict.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from shared.domain.errors import ConcurrencyConflict, NotFound
from shared.domain.observations import Area, Observation, ObservationStatus
from shared.domain.photos import Photo
from shared.domain.redaction import NamedChild
from shared.storage import keys
from shared.storage.journal import TableJournal
from shared.storage.photos import photo_entity
from shared.storage.tables import Entity, Operation, Table

LIST_LIMIT = 200
# Rows remembered by ETag: enough for every request in flight in one process, bounded in memory.
_REMEMBERED = 1024


class TableObservations:
    """The ObservationRepository port over Azure Table Storage."""

    def __init__(self, table: Table, journal: TableJournal) -> None:
        self._table = table
        self._journal = journal
        self._lock = threading.Lock()
        self._read: OrderedDict[tuple[str, str, str], Entity] = OrderedDict()

    def add(self, observation: Observation, children: Sequence[NamedChild] = ()) -> Observation:
        """Store a new observation (Conflict when its id is taken) and project it if published."""
        entity = observation_entity(observation, version=1)
        etag = self._table.create(entity)
        self._remember({**entity, "_etag": etag})
        self._journal.project(observation, 1, children)
        return replace(observation, etag=etag)

    def get(self, setting_id: str, observation_id: str) -> Observation | None:
        if keys.is_photo_row(observation_id):  # a photo's row is never an observation
            return None
        row = self._table.get(setting_id, keys.observation_row(observation_id))
        if row is None:
            return None
        self._remember(row)
        return to_observation(row)

    def list(self, setting_id: str, status: ObservationStatus, author_id: str | None) -> list[Observation]:
        # Bounded below the photo rows, so the scan reads observations only.
        filter = "PartitionKey eq @setting and RowKey lt @photos and Status eq @status"
        parameters = {"setting": setting_id, "photos": keys.PHOTO_ROWS, "status": status.value}
        if author_id is not None:
            filter += " and AuthorId eq @author"
            parameters["author"] = author_id
        found = [to_observation(r) for r in self._table.query(filter, parameters)]
        found.sort(key=lambda o: o.updated_at, reverse=True)
        return found[:LIST_LIMIT]

    def save(
        self, observation: Observation, children: Sequence[NamedChild], *, new_photo: Photo | None = None
    ) -> Observation:
        """Write if nobody changed it since it was read (ConcurrencyConflict), then the journals.

        With `new_photo`, the photo's row is created in the same transaction: both or neither.
        """
        current = self._remembered(observation)
        if current is None:
            current = self._table.get(
                observation.setting_id, keys.observation_row(observation.observation_id)
            )
            if current is None:
                raise NotFound("That observation no longer exists.")
        if current["_etag"] != observation.etag:
            raise ConcurrencyConflict("the observation changed since it was read")
        version = int(current.get("Version", 1)) + 1
        # The ETag guard is what makes this safe: the read above only tells us the old version.
        entity = observation_entity(observation, version)
        try:
            if new_photo is None:
                etag = self._table.update(entity, etag=observation.etag, replace=True)
            else:
                etag, _ = self._table.transact(
                    [
                        Operation("replace", entity, observation.etag),
                        Operation("create", photo_entity(new_photo)),
                    ]
                )
        except NotFound:
            raise NotFound("That observation no longer exists.") from None
        self._remember({**entity, "_etag": etag})
        self._journal.project(observation, version, children, previous=to_observation(current))
        return replace(observation, etag=etag)

    def delete(self, observation: Observation) -> None:
        """Delete the version that was read (ConcurrencyConflict if it changed), then its projections."""
        row_key = keys.observation_row(observation.observation_id)
        current = self._table.get(observation.setting_id, row_key)
        if current is None:
            return
        self._table.delete(observation.setting_id, row_key, etag=observation.etag)
        self._journal.withdraw(to_observation(current), int(current.get("Version", 1)) + 1)

    def repair(self, setting_id: str, observation_id: str, children: Sequence[NamedChild]) -> bool:
        """Re-project an observation whose projections fell behind; True when something was stale."""
        row = self._table.get(setting_id, keys.observation_row(observation_id))
        if row is None:
            return False
        observation, version = to_observation(row), int(row.get("Version", 1))
        if not self._journal.stale(observation, version):
            return False
        self._journal.project(observation, version, children)
        return True

    def _remember(self, row: Entity) -> None:
        if not row.get("_etag"):
            return
        with self._lock:
            self._read[(row["PartitionKey"], row["RowKey"], row["_etag"])] = dict(row)
            while len(self._read) > _REMEMBERED:
                self._read.popitem(last=False)

    def _remembered(self, observation: Observation) -> Entity | None:
        """The row as it was at the observation's ETag, if this process read or wrote it lately."""
        if observation.etag is None:
            return None
        key = (observation.setting_id, keys.observation_row(observation.observation_id), observation.etag)
        with self._lock:
            row = self._read.get(key)
        return dict(row) if row is not None else None


def observation_entity(observation: Observation, version: int) -> Entity:
    """The canonical row as stored."""
    return {
        "PartitionKey": observation.setting_id,
        "RowKey": keys.observation_row(observation.observation_id),
        "Version": version,
        "ChildIds": json.dumps(observation.child_ids),
        "AuthorId": observation.author_id,
        "Text": observation.text,
        "Areas": json.dumps([a.value for a in observation.areas]),
        "NextSteps": observation.next_steps,
        "ObservedOn": observation.observed_on.isoformat(),
        "Status": observation.status.value,
        "CreatedAt": observation.created_at,
        "UpdatedAt": observation.updated_at,
        "PhotoIds": json.dumps(observation.photo_ids),
        "PublishedAt": observation.published_at,
        "ReturnNote": observation.return_note,
        "Aspects": json.dumps(observation.aspects),
        "Framework": observation.framework or "",
    }


def to_observation(row: Entity) -> Observation:
    return Observation(
        setting_id=row["PartitionKey"],
        observation_id=row["RowKey"],
        child_ids=list(json.loads(row["ChildIds"])),
        author_id=row["AuthorId"],
        text=row["Text"],
        areas=[Area(a) for a in json.loads(row["Areas"])],
        next_steps=row.get("NextSteps") or "",
        observed_on=date.fromisoformat(row["ObservedOn"]),
        status=ObservationStatus(row["Status"]),
        created_at=row["CreatedAt"],
        updated_at=row["UpdatedAt"],
        photo_ids=list(json.loads(row.get("PhotoIds") or "[]")),
        published_at=row.get("PublishedAt"),
        return_note=row.get("ReturnNote") or "",
        aspects=list(json.loads(row.get("Aspects") or "[]")),
        framework=row.get("Framework") or None,
        etag=row["_etag"],
    )
