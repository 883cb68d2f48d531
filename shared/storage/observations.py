"""Observations: the canonical rows with their index rows, kept in step with the journal.

Keys (shared.storage.keys): the setting's partition, RowKey the observation id. The photo rows
share the partition, so that a new photo's row and the write that lists it on its observation are
one transaction. So do the index rows, copies of the canonical row under keys that answer the
staff lists (by status, and by author and status, newest change first) and the purge (by child)
with one range each, never a scan of the setting's observations.

An observation and its index rows change in one entity-group transaction guarded by the ETag of
the canonical row as it was read (a concurrent edit gets ConcurrencyConflict, never a lost update),
and every write bumps `Version`; then the journal projections are brought to that version. See
shared/storage/journal.py for why that is safe. A failed transaction leaves nothing: neither the
new version nor any of its index rows.

The concurrency token the port hands out (`Observation.etag`) is made from `Version`, not the
storage ETag: a copy written in the same transaction can carry the version, and cannot carry the
ETag that transaction produces, so a list read from the copies hands the approvals screen the
same token a point read would. Every write is still guarded by the storage ETag of the row whose
version was checked.

Observations stored before the index rows existed have no `Indexed` column. Until the nightly
backfill (`index_setting`) has given each of them its rows and written the setting's mark, the
lists and the purge read the canonical rows below "photo~", filtered, as they did before.

A save needs the version and the index keys of the row it replaces. A storage ETag names exactly
one version of a row, so what a row held is remembered by its token when it is read or written,
and a save from a version read moments ago (the usual case: read, check access, change, save)
does not read it again.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from shared.domain.errors import ConcurrencyConflict, NotFound
from shared.domain.observations import Area, Observation, ObservationStatus
from shared.domain.photos import Photo
from shared.domain.redaction import NamedChild
from shared.storage import keys
from shared.storage.journal import TableJournal
from shared.storage.photos import photo_entity
from shared.storage.tables import MAX_BATCH, Entity, Operation, Table

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
        self._indexed: set[str] = set()  # settings whose mark was seen: a mark is never taken back

    def add(self, observation: Observation, children: Sequence[NamedChild] = ()) -> Observation:
        """Store a new observation (Conflict when its id is taken) and project it if published."""
        rows = observation_rows(observation, version=1)
        etags = self._table.transact([Operation("create", rows[0]), *(Operation("put", r) for r in rows[1:])])
        self._remember({**rows[0], "_etag": etags[0]})
        self._journal.project(observation, 1, children)
        return replace(observation, etag=version_token(1))

    def get(self, setting_id: str, observation_id: str) -> Observation | None:
        if not keys.is_observation_row(observation_id):  # a photo's or an index row is never one
            return None
        row = self._table.get(setting_id, keys.observation_row(observation_id))
        if row is None:
            return None
        self._remember(row)
        return to_observation(row)

    def list(
        self, setting_id: str, status: ObservationStatus, author_id: str | None
    ) -> Sequence[Observation]:
        """The lists staff work from, newest change first: one range of the index rows."""
        if not self._is_indexed(setting_id):
            return self._list_by_scan(setting_id, status, author_id)
        if author_id is None:
            prefix = keys.observations_in(status.value)
        else:
            prefix = keys.observations_by(author_id, status.value)
        # Row keys are newest change first, so the first page is the answer.
        filter, parameters = keys.index_rows_under(setting_id, prefix)
        rows, _ = self._table.page(filter, parameters, size=LIST_LIMIT)
        return [to_observation(r) for r in rows]

    def save(
        self, observation: Observation, children: Sequence[NamedChild], *, new_photo: Photo | None = None
    ) -> Observation:
        """Write if nobody changed it since it was read (ConcurrencyConflict), then the journals.

        With `new_photo`, the photo's row is created in the same transaction: both or neither.
        """
        current = self._remembered(observation) or self._current(observation)
        if version_token(_version(current)) != observation.etag:
            raise ConcurrencyConflict("the observation changed since it was read")
        try:
            version = self._write(observation, current, new_photo)
        except ConcurrencyConflict:
            # The backfill marks a row indexed without a new version, which moves its storage
            # ETag; read it once more. A real edit is a new version, and _write refuses it.
            current = self._current(observation)
            version = self._write(observation, current, new_photo)
        self._journal.project(observation, version, children, previous=to_observation(current))
        return replace(observation, etag=version_token(version))

    def _write(self, observation: Observation, current: Entity, new_photo: Photo | None) -> int:
        """The new version and its index rows over `current`, in one transaction under its ETag."""
        if version_token(_version(current)) != observation.etag:
            raise ConcurrencyConflict("the observation changed since it was read")
        version = _version(current) + 1
        rows = observation_rows(observation, version)
        operations = [Operation("replace", rows[0], current["_etag"])]
        if new_photo is not None:
            operations.append(Operation("create", photo_entity(new_photo)))
        try:
            etag = self._table.transact([*operations, *_index_changes(current, rows[1:])])[0]
        except NotFound:
            raise NotFound("That observation no longer exists.") from None
        self._remember({**rows[0], "_etag": etag})
        return version

    def delete(self, observation: Observation) -> None:
        """Delete the version that was read (ConcurrencyConflict if it changed), its index rows and
        then its projections."""
        row_key = keys.observation_row(observation.observation_id)
        current = self._table.get(observation.setting_id, row_key)
        if current is None:
            return
        if observation.etag is not None and version_token(_version(current)) != observation.etag:
            raise ConcurrencyConflict("the record changed while it was being updated")
        operations = [Operation("delete", current, current["_etag"]), *_index_changes(current, [])]
        self._table.transact(operations)
        self._journal.withdraw(to_observation(current), _version(current) + 1)

    def repair(self, setting_id: str, observation_id: str, children: Sequence[NamedChild]) -> bool:
        """Re-project an observation whose projections fell behind; True when something was stale."""
        row = self._table.get(setting_id, keys.observation_row(observation_id))
        if row is None:
            return False
        observation, version = to_observation(row), _version(row)
        if not self._journal.stale(observation, version):
            return False
        self._journal.project(observation, version, children)
        return True

    def index_setting(self, setting_id: str, spent: Callable[[], bool] = lambda: False) -> int:
        """Give every observation of the setting stored without index rows its rows, then mark the
        setting; idempotent, and once marked a run reads one row. Stops between transactions when
        `spent` says so, unmarked: the next run carries on. Returns how many it indexed."""
        if self._is_indexed(setting_id):
            return 0
        indexed, batch, operations = 0, list[Entity](), 0
        for row in self._table.query(*_canonical_rows(setting_id)):
            if row.get("Indexed"):
                continue
            needed = len(index_keys(to_observation(row))) + 1  # its mark and its copies
            if operations + needed > MAX_BATCH:
                indexed += self._index_batch(batch)
                batch, operations = [], 0
                if spent():
                    return indexed
            batch.append(row)
            operations += needed
        indexed += self._index_batch(batch)
        self._table.upsert({"PartitionKey": setting_id, "RowKey": keys.OBSERVATIONS_INDEXED})
        with self._lock:
            self._indexed.add(setting_id)
        return indexed

    def _index_batch(self, rows: Sequence[Entity]) -> int:
        """Index older observations in one transaction, each under its ETag; one by one if any
        changed meanwhile."""
        if not rows:
            return 0
        try:
            self._table.transact([op for row in rows for op in _indexing(row)])
            return len(rows)
        except (ConcurrencyConflict, NotFound):
            return sum(self._index_one(row) for row in rows)

    def _index_one(self, row: Entity) -> int:
        """Write one older observation's index rows, with its Indexed mark, under its ETag."""
        for _ in range(3):
            try:
                self._table.transact(_indexing(row))
                return 1
            except ConcurrencyConflict:
                # Saved meanwhile, and a save writes the index rows itself: look again.
                found = self._table.get(row["PartitionKey"], row["RowKey"])
                if found is None or found.get("Indexed"):
                    return 0
                row = found
            except NotFound:  # deleted meanwhile
                return 0
        raise ConcurrencyConflict("the observation kept changing while it was being indexed")

    def _is_indexed(self, setting_id: str) -> bool:
        with self._lock:
            if setting_id in self._indexed:
                return True
        if self._table.get(setting_id, keys.OBSERVATIONS_INDEXED) is None:
            return False
        with self._lock:
            self._indexed.add(setting_id)
        return True

    def _list_by_scan(
        self, setting_id: str, status: ObservationStatus, author_id: str | None
    ) -> Sequence[Observation]:
        """The lists of a setting not yet indexed: every canonical row, filtered on Status."""
        filter, parameters = _canonical_rows(setting_id)
        filter += " and Status eq @status"
        parameters["status"] = status.value
        if author_id is not None:
            filter += " and AuthorId eq @author"
            parameters["author"] = author_id
        found = [to_observation(r) for r in self._table.query(filter, parameters)]
        found.sort(key=lambda o: o.updated_at, reverse=True)
        return found[:LIST_LIMIT]

    def _current(self, observation: Observation) -> Entity:
        current = self._table.get(observation.setting_id, keys.observation_row(observation.observation_id))
        if current is None:
            raise NotFound("That observation no longer exists.")
        return current

    def _remember(self, row: Entity) -> None:
        if not row.get("_etag"):
            return
        with self._lock:
            self._read[(row["PartitionKey"], row["RowKey"], version_token(_version(row)))] = dict(row)
            while len(self._read) > _REMEMBERED:
                self._read.popitem(last=False)

    def _remembered(self, observation: Observation) -> Entity | None:
        """The row as it was at the observation's version, if this process read or wrote it lately."""
        if observation.etag is None:
            return None
        key = (observation.setting_id, keys.observation_row(observation.observation_id), observation.etag)
        with self._lock:
            row = self._read.get(key)
        return dict(row) if row is not None else None


def version_token(version: int) -> str:
    """The concurrency token of one version of an observation, as the port and the If-Match carry it."""
    return f'"v{version}"'


def _version(row: Entity) -> int:
    return int(row.get("Version", 1))


def _canonical_rows(setting_id: str) -> tuple[str, dict[str, str]]:
    """Every canonical row of a setting: the keys below the photo rows (and every index row)."""
    return "PartitionKey eq @setting and RowKey lt @photos", {
        "setting": setting_id,
        "photos": keys.PHOTO_ROWS,
    }


def index_keys(observation: Observation) -> list[str]:
    """The RowKeys of an observation's index rows, in its partition."""
    status, at, oid = observation.status.value, observation.updated_at, observation.observation_id
    return [
        keys.status_row(status, at, oid),
        keys.author_row(observation.author_id, status, at, oid),
        *(keys.with_row(child_id, oid) for child_id in dict.fromkeys(observation.child_ids)),
    ]


def observation_rows(observation: Observation, version: int) -> list[Entity]:
    """The canonical row first, then its index rows: what one observation is in storage."""
    canonical = {**observation_entity(observation, version), "Indexed": True}
    copies = [
        {**canonical, "RowKey": row_key, "ObservationId": observation.observation_id}
        for row_key in index_keys(observation)
    ]
    return [canonical, *copies]


def _indexing(row: Entity) -> list[Operation]:
    """An older row's index rows and its Indexed mark, guarded by the row's ETag: a save meanwhile
    (which writes the index rows itself) makes the transaction fail rather than put back a copy
    of the version it replaced. The mark is a merge that keeps the Version, so no token changes."""
    mark = {"PartitionKey": row["PartitionKey"], "RowKey": row["RowKey"], "Indexed": True}
    copies = observation_rows(to_observation(row), _version(row))[1:]
    return [Operation("update", mark, row["_etag"]), *(Operation("put", r) for r in copies)]


def _index_changes(current: Entity, wanted: Sequence[Entity]) -> list[Operation]:
    """Deletes of the index rows the stored version has and the new one does not, then the new
    rows. Only a row marked Indexed has index rows to delete: a delete of a missing row would fail
    the whole transaction."""
    keep = {r["RowKey"] for r in wanted}
    old = index_keys(to_observation(current)) if current.get("Indexed") else []
    gone = [k for k in old if k not in keep]
    deletes = [Operation("delete", {"PartitionKey": current["PartitionKey"], "RowKey": k}) for k in gone]
    changes = [*deletes, *(Operation("put", r) for r in wanted)]
    assert len(changes) < MAX_BATCH, "an observation's index rows must fit its own transaction"
    return changes


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
        observation_id=row.get("ObservationId") or row["RowKey"],
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
        etag=version_token(_version(row)),
    )
