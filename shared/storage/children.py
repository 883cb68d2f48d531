"""Children: one table partitioned by setting (S23), row key the child id, and the setting's
names book (shared.storage.names_book): every child's names, changed in the transaction of each
add, rename and erasure, so a parent's page reads them all with one point read (S37).

The room copies: a placed child's row names its room (`RoomId`), and a copy of the whole row
sits under `room~{room}~{child}` in the same partition, written in the same transaction as every
change to the row. The staff list of one room is then one range of its copies, whatever the size
of the setting. A room takes at most a few dozen children, far below the Table service's page of
1,000 rows, so one page is always the whole room. The rooms table decides who is in which room;
a move writes the copies afterwards (`place`), in a second step, and the list repairs what it
finds out of step (shared.services.rooms.children_in_room).

The concurrency token the port hands out (`Child.etag`) is made from `Version`, not the storage
ETag: a copy written in the same transaction can carry the version and cannot carry the ETag
that transaction produces, so the list hands out the token a point read would. A save checks the
version and is guarded by the storage ETag of the row whose version it checked. Moving the copy
to another room is not an edit of the child, so it keeps the version.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date

from shared.domain.children import Child, ChildStatus
from shared.domain.errors import ConcurrencyConflict, NotFound
from shared.domain.redaction import NamedChild
from shared.storage import keys
from shared.storage.names_book import Entries, NamesBook
from shared.storage.tables import Entity, Operation, Table

# The Table service allows at most 15 comparisons in one filter; one is the PartitionKey's.
_IDS_PER_QUERY = 14
# One page of a room's copies is the whole room: a room holds a few dozen children, never 1,000.
ROOM_PAGE = 1000
# Rows remembered by token: enough for the requests in flight in one process, bounded in memory.
_REMEMBERED = 1024
_ATTEMPTS = 3


class TableChildren:
    """The ChildRepository port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table
        self._book = children_book(table)
        self._lock = threading.Lock()
        self._read: OrderedDict[tuple[str, str, str], Entity] = OrderedDict()

    def add(self, child: Child) -> None:
        entity = _to_entity(child, version=1, room_id="")
        self._book.change(
            child.setting_id, lambda book: booked(book, child), lambda: [Operation("create", entity)]
        )

    def get(self, setting_id: str, child_id: str) -> Child | None:
        row = self._table.get(setting_id, keys.child_row(child_id))
        return self._child(row) if row else None

    def get_many(self, setting_id: str, child_ids: Sequence[str]) -> list[Child]:
        """The children of these ids that exist, in the order asked: one query per 14 ids."""
        found: dict[str, Child] = {}
        for start in range(0, len(child_ids), _IDS_PER_QUERY):
            chunk = child_ids[start : start + _IDS_PER_QUERY]
            if len(chunk) == 1:
                child = self.get(setting_id, chunk[0])
                found.update({child.child_id: child} if child else {})
                continue
            # Parameter names are ours (c0, c1, ...); the ids themselves only ever travel as values (S25).
            wanted = " or ".join(f"RowKey eq @c{i}" for i in range(len(chunk)))
            parameters = {"setting": setting_id, **{f"c{i}": keys.child_row(c) for i, c in enumerate(chunk)}}
            for row in self._table.query(f"PartitionKey eq @setting and ( {wanted} )", parameters):
                found[row["RowKey"]] = self._child(row)
        return [found[c] for c in child_ids if c in found]

    def list(self, setting_id: str) -> Sequence[Child]:
        rows = self._table.query(_EVERY_CHILD, _every_child(setting_id))
        children = (self._child(r) for r in rows)
        return sorted(children, key=lambda c: (c.first_name.lower(), c.last_name.lower()))

    def in_room(self, setting_id: str, room_id: str) -> Sequence[Child]:
        """The copies of the children placed in the room: one page of one range, in id order."""
        filter, parameters = keys.index_rows_under(setting_id, keys.children_of_room(room_id))
        rows, _ = self._table.page(filter, parameters, size=ROOM_PAGE)
        return [to_child(r) for r in rows]

    def place(self, setting_id: str, child_id: str, room_id: str | None) -> None:
        """Make the child's copy the one of `room_id` (None: no room), with the row in one
        transaction; NotFound when the child is gone."""
        for _ in range(_ATTEMPTS):
            current = self._table.get(setting_id, keys.child_row(child_id))
            if current is None:
                raise NotFound("That child no longer exists.")
            was, now = current.get("RoomId") or "", room_id or ""
            entity = {**_stored_fields(current), "ChildId": child_id, "RoomId": now}
            steps = [Operation("replace", entity, etag=current["_etag"])]
            if was and was != now:  # a transaction names each row once: a put alone replaces it
                steps.append(Operation("delete", _key(setting_id, keys.room_copy_row(was, child_id))))
            if now:
                steps.append(Operation("put", _copy(entity, now)))
            try:
                self._transact_row(setting_id, steps, was)
                return
            except ConcurrencyConflict:
                continue  # the child was edited meanwhile: place the version there is now
        raise ConcurrencyConflict("the child changed too often to move their copy")

    def names(self, setting_id: str) -> Sequence[NamedChild]:
        """The names book: one point read, whatever the number of children."""
        entries = self._book.read(setting_id).entries
        return [NamedChild(child_id, first, last) for child_id, (first, last) in sorted(entries.items())]

    def save(self, child: Child) -> None:
        """Write the child over the version it was read at (ConcurrencyConflict otherwise)."""
        current = self._remembered(child)
        for _ in range(_ATTEMPTS):
            if current is None:
                current = self._table.get(child.setting_id, keys.child_row(child.child_id))
            if current is None:
                raise NotFound("not found")
            if child.etag is not None and version_token(_version(current)) != child.etag:
                raise ConcurrencyConflict("the child changed since it was read")
            room_id = current.get("RoomId") or ""
            entity = _to_entity(child, _version(current) + 1, room_id)
            steps = [Operation("replace", entity, etag=current["_etag"])]
            if room_id:
                steps.append(Operation("put", _copy(entity, room_id)))
            try:
                etags = self._book.change(child.setting_id, lambda book: booked(book, child), steps.copy)
            except ConcurrencyConflict:
                # A move of the copy changes the storage ETag and not the version: read it again.
                current = None
                continue
            self._remember({**entity, "_etag": etags[0]})
            return
        raise ConcurrencyConflict("the child changed since it was read")

    def _transact_row(self, setting_id: str, steps: Sequence[Operation], was_room: str) -> None:
        try:
            etags = self._table.transact(steps)
        except NotFound:
            if not was_room:
                raise
            # The copy to remove was already gone (a repair, or a copy never written): move on
            # without it rather than leave the row unplaced.
            etags = self._table.transact([s for s in steps if s.kind != "delete"])
        self._remember({**steps[0].entity, "_etag": etags[0]})

    def _child(self, row: Entity) -> Child:
        self._remember(row)
        return to_child(row)

    def _remember(self, row: Entity) -> None:
        key = (row["PartitionKey"], row["RowKey"], version_token(_version(row)))
        with self._lock:
            self._read[key] = row
            self._read.move_to_end(key)
            while len(self._read) > _REMEMBERED:
                self._read.popitem(last=False)

    def _remembered(self, child: Child) -> Entity | None:
        if child.etag is None:
            return None
        with self._lock:
            return self._read.get((child.setting_id, keys.child_row(child.child_id), child.etag))


# The child rows: below the room copies, without the names book.
_EVERY_CHILD = "PartitionKey eq @setting and RowKey lt @copies and RowKey ne @book"


def _every_child(setting_id: str) -> dict[str, str]:
    return {"setting": setting_id, "copies": keys.ROOM_COPIES, "book": keys.NAMES_BOOK_ROW}


def children_book(table: Table) -> NamesBook:
    """The book of every child's names in `table`'s setting partitions, rebuilt from the rows."""

    def rebuild(setting_id: str) -> Entries:
        rows = table.query(_EVERY_CHILD, _every_child(setting_id), select=["RowKey", "FirstName", "LastName"])
        return {r["RowKey"]: [r["FirstName"], r["LastName"]] for r in rows}

    return NamesBook(table, rebuild)


def booked(book: Entries, child: Child) -> Entries:
    """The book with the child's names as they are now."""
    book[child.child_id] = [child.first_name, child.last_name]
    return book


def version_token(version: int) -> str:
    """The concurrency token of one version of a child, as the port and the If-Match carry it."""
    return f'"v{version}"'


def _version(row: Entity) -> int:
    # A row written before versions were counted is version 1.
    return int(row.get("Version") or 1)


def _key(setting_id: str, row_key: str) -> Entity:
    return {"PartitionKey": setting_id, "RowKey": row_key}


def _stored_fields(row: Entity) -> Entity:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _copy(entity: Entity, room_id: str) -> Entity:
    """The room copy of a child's row: the same columns under the room's key."""
    return {**entity, "RowKey": keys.room_copy_row(room_id, entity["ChildId"])}


def _to_entity(child: Child, version: int, room_id: str) -> Entity:
    return {
        "PartitionKey": child.setting_id,
        "RowKey": keys.child_row(child.child_id),
        "ChildId": child.child_id,
        "Version": version,
        "RoomId": room_id,
        "FirstName": child.first_name,
        "LastName": child.last_name,
        "DateOfBirth": child.date_of_birth.isoformat(),
        "KeyPersonId": child.key_person_id or "",
        "PhotosInOwnJournal": child.photos_in_own_journal,
        "PhotosInOthersJournals": child.photos_in_others_journals,
        "Status": child.status.value,
        "CreatedAt": child.created_at,
        "ArchivedAt": child.archived_at,
        "LeavingDate": child.leaving_date.isoformat() if child.leaving_date else "",
        "LegalHold": child.legal_hold or "",
    }


def to_child(row: Entity) -> Child:
    return Child(
        setting_id=row["PartitionKey"],
        child_id=row.get("ChildId") or row["RowKey"],
        first_name=row["FirstName"],
        last_name=row["LastName"],
        date_of_birth=date.fromisoformat(row["DateOfBirth"]),
        key_person_id=row.get("KeyPersonId") or None,
        photos_in_own_journal=bool(row["PhotosInOwnJournal"]),
        photos_in_others_journals=bool(row["PhotosInOthersJournals"]),
        status=ChildStatus(row["Status"]),
        created_at=row["CreatedAt"],
        archived_at=row.get("ArchivedAt"),
        leaving_date=date.fromisoformat(row["LeavingDate"]) if row.get("LeavingDate") else None,
        legal_hold=row.get("LegalHold") or None,
        etag=version_token(_version(row)),
    )
