"""Children: one table partitioned by setting (S23), row key the child id, and the setting's
names book (shared.storage.names_book): every child's names, changed in the transaction of each
add, rename and erasure, so a parent's page reads them all with one point read (S37)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from shared.domain.children import Child, ChildStatus
from shared.domain.redaction import NamedChild
from shared.storage import keys
from shared.storage.names_book import Entries, NamesBook
from shared.storage.tables import Entity, Operation, Table

# The Table service allows at most 15 comparisons in one filter; one is the PartitionKey's.
_IDS_PER_QUERY = 14


class TableChildren:
    """The ChildRepository port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table
        self._book = children_book(table)

    def add(self, child: Child) -> None:
        entity = _to_entity(child)
        self._book.change(
            child.setting_id, lambda book: booked(book, child), lambda: [Operation("create", entity)]
        )

    def get(self, setting_id: str, child_id: str) -> Child | None:
        row = self._table.get(setting_id, keys.child_row(child_id))
        return _to_child(row) if row else None

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
                found[row["RowKey"]] = _to_child(row)
        return [found[c] for c in child_ids if c in found]

    def list(self, setting_id: str) -> Sequence[Child]:
        rows = self._table.query(_EVERY_CHILD, {"setting": setting_id, "book": keys.NAMES_BOOK_ROW})
        return sorted((_to_child(r) for r in rows), key=lambda c: (c.first_name.lower(), c.last_name.lower()))

    def names(self, setting_id: str) -> Sequence[NamedChild]:
        """The names book: one point read, whatever the number of children."""
        entries = self._book.read(setting_id).entries
        return [NamedChild(child_id, first, last) for child_id, (first, last) in sorted(entries.items())]

    def save(self, child: Child) -> None:
        entity = _to_entity(child)
        self._book.change(
            child.setting_id,
            lambda book: booked(book, child),
            lambda: [Operation("replace", entity, etag=child.etag)],
        )


_EVERY_CHILD = "PartitionKey eq @setting and RowKey ne @book"


def children_book(table: Table) -> NamesBook:
    """The book of every child's names in `table`'s setting partitions, rebuilt from the rows."""

    def rebuild(setting_id: str) -> Entries:
        rows = table.query(
            _EVERY_CHILD, {"setting": setting_id, "book": keys.NAMES_BOOK_ROW},
            select=["RowKey", "FirstName", "LastName"],
        )  # fmt: skip
        return {r["RowKey"]: [r["FirstName"], r["LastName"]] for r in rows}

    return NamesBook(table, rebuild)


def booked(book: Entries, child: Child) -> Entries:
    """The book with the child's names as they are now."""
    book[child.child_id] = [child.first_name, child.last_name]
    return book


def _to_entity(child: Child) -> Entity:
    return {
        "PartitionKey": child.setting_id,
        "RowKey": keys.child_row(child.child_id),
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


def _to_child(row: Entity) -> Child:
    return Child(
        setting_id=row["PartitionKey"],
        child_id=row["RowKey"],
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
        etag=row["_etag"],
    )
