"""A names book: the names the S37 redactor needs, kept in one row beside the rows they come from.

A parent's every journal page needs every child's and every family's name. Read from the
children and the accounts themselves that is one row a child, two a family: a setting of 300
children and 600 parents crosses the Table service's page of 1,000 rows and pays a round trip
more than a small one. A book is one row (`keys.NAMES_BOOK_ROW`) in the same partition as the
rows it summarises, so every write that adds, renames or removes a name changes the book in the
same entity-group transaction, under the book's ETag: a reader can never see a name without its
book entry. Reading it is one point read, whatever the setting's size.

The row: `Kind` "names", `Version` (counts the book's writes: with the ETag, how a reader knows
the copy it parsed is still the book), `Parts` and `P0` .. `P{Parts-1}`, one JSON document cut
into pieces. JSON is written ASCII-only, so a piece of 30,000 characters is 60,000 bytes as the
service stores strings (UTF-16), under its 64 KiB a property; 15 pieces are 900,000 bytes, under
its 1 MiB an entity (and its 252 properties). That bounds a book at 450,000 characters: about
10,000 children or 6,000 families with names in Latin letters, a third of that in scripts
escaped as \\uXXXX; twenty times the largest setting we measure (300 children, 600 parents). A
write past the bound is refused (Conflict): a book never drops a name to fit.

A book that is missing (a setting from before books, or one whose book was lost) is rebuilt from
the rows themselves: the reader or writer that finds it missing reads them all and creates the
book; creating twice fails harmlessly, so the rebuild is idempotent. Writers rebuild before
writing, so a row is never written while its partition has no book, and a book created from a
read can miss only rows written after it existed, which updated it.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from typing import Any

from shared.domain.errors import ConcurrencyConflict, Conflict
from shared.storage import keys
from shared.storage.tables import Entity, Operation, Table

PART_CHARS = 30_000
MAX_PARTS = 15
# Writes of one setting's names take turns on the book's ETag; a writer that lost the race waits
# a little (random, so racing writers spread out) and tries again on the book as it is now.
_ATTEMPTS = 40
_BACKOFF_MS = 25
# Parsed books kept per process (each up to 450,000 characters): the busiest settings' pages.
_KEPT_SETTINGS = 64

Entries = dict[str, Any]  # id -> what the book holds for it (JSON-ready)


class Book:
    """One partition's book as read: its entries and the ETag a write must name."""

    __slots__ = ("entries", "etag", "setting_id", "version")

    def __init__(self, setting_id: str, entries: Entries, etag: str, version: int) -> None:
        self.setting_id, self.entries, self.etag, self.version = setting_id, entries, etag, version

    def write(self, entries: Entries) -> Operation:
        """The transaction step that replaces this book with `entries`, if nobody changed it."""
        return Operation("replace", book_entity(self.setting_id, entries, self.version + 1), etag=self.etag)


class NamesBook:
    """The book of one table's partitions. `rebuild` reads a setting's rows into entries when
    the book is missing. Parsed books are kept per setting and reused while the ETag is the same."""

    def __init__(self, table: Table, rebuild: Callable[[str], Entries]) -> None:
        self._table = table
        self._rebuild = rebuild
        self._lock = threading.Lock()
        self._parsed: dict[str, tuple[str, Entries]] = {}

    def read(self, setting_id: str) -> Book:
        """The book now (one point read), rebuilt first if it is missing."""
        row = self._table.get(setting_id, keys.NAMES_BOOK_ROW)
        if row is None:
            entries = self._rebuild(setting_id)
            with suppress(Conflict):  # another request rebuilt it first: theirs is as good
                self._table.create(book_entity(setting_id, entries, 1))
            row = self._table.get(setting_id, keys.NAMES_BOOK_ROW)
            if row is None:  # removed with its setting meanwhile
                return Book(setting_id, entries, "", 0)
        return Book(setting_id, self._entries(setting_id, row), row["_etag"], int(row.get("Version") or 0))

    def change(
        self,
        setting_id: str,
        edit: Callable[[Entries], Entries | None],
        steps: Callable[[], Iterable[Operation]] = list,
    ) -> list[str]:
        """Apply `steps` and the book edited by `edit` in one transaction, retried while only the
        book moved. `edit` gets a copy of the entries and answers the new ones, or None when the
        book needs no change (then `steps` run alone, as before books). The first step is the one
        the book follows (the child's, parent's or link's row): past 100 steps the rest follow in
        further transactions, as `Table.transact` does. The ETags of `steps`."""
        for _ in range(_ATTEMPTS):
            book = self.read(setting_id)
            edited = edit(dict(book.entries))
            own = list(steps())
            if edited is None or edited == book.entries:
                return self._table.transact(own) if own else []
            # The book goes second: the Table service commits 100 operations at a time, and the
            # first step (the row whose name changes) and the book must be in the same hundred.
            try:
                etags = self._table.transact([*own[:1], book.write(edited), *own[1:]])
                return etags[:1] + etags[2:]
            except ConcurrencyConflict:
                # Either a row of `steps` or the book changed; only the book's change is ours to retry.
                if self._etag(setting_id) == book.etag:
                    raise
                time.sleep(secrets.randbelow(_BACKOFF_MS) / 1000)
        raise ConcurrencyConflict("the setting's names changed too often to record this change")

    def _etag(self, setting_id: str) -> str | None:
        row = self._table.get(setting_id, keys.NAMES_BOOK_ROW)
        return row["_etag"] if row else None

    def _entries(self, setting_id: str, row: Entity) -> Entries:
        etag = row["_etag"]
        with self._lock:
            kept = self._parsed.get(setting_id)
        if kept is not None and kept[0] == etag:
            return kept[1]
        parts = int(row.get("Parts") or 0)
        entries: Entries = json.loads("".join(row[f"P{n}"] for n in range(parts))) if parts else {}
        with self._lock:
            self._parsed.pop(setting_id, None)
            self._parsed[setting_id] = (etag, entries)
            while len(self._parsed) > _KEPT_SETTINGS:  # the one parsed longest ago goes first
                del self._parsed[next(iter(self._parsed))]
        return entries


def book_entity(setting_id: str, entries: Mapping[str, Any], version: int) -> Entity:
    """The book's row: the entries as ASCII JSON, in pieces each property can hold."""
    text = json.dumps(entries, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    parts = [text[at : at + PART_CHARS] for at in range(0, len(text), PART_CHARS)]
    if len(parts) > MAX_PARTS:
        raise Conflict("This setting has more names than it can keep; ask the platform team for help.")
    return {
        "PartitionKey": setting_id,
        "RowKey": keys.NAMES_BOOK_ROW,
        "Kind": "names",
        "Version": version,
        "Parts": len(parts),
        **{f"P{n}": part for n, part in enumerate(parts)},
    }


# -- the families' book, in the setting's partition of `accounts` --------------------------------
# Entries: parent id -> [name, [child ids]]. A link may be written before its parent's account
# (or for an account that is not a parent's): its entry has no name until a parent's account is
# added, and is not a family until then.


def families_book(table: Table) -> NamesBook:
    """The book of every family in `table`'s setting partitions, rebuilt from the accounts and
    links (one range: "user~" .. "user~~")."""

    def rebuild(setting_id: str) -> Entries:
        low, high = keys.prefix_bounds(keys.every_account())
        rows = table.query(
            "PartitionKey eq @setting and RowKey gt @from and RowKey lt @to"
            " and ( ( Kind eq @account and Role eq @parent ) or Kind eq @link )",
            {"setting": setting_id, "from": low, "to": high, "account": "account", "parent": "parent",
             "link": "link"},
            select=["RowKey", "Kind", "UserId", "Name", "ParentId", "ChildId"],
        )  # fmt: skip
        entries: Entries = {}
        for row in rows:
            if row.get("Kind") == "account":
                entries[row["UserId"]] = [row.get("Name") or "", entries.get(row["UserId"], [None, []])[1]]
            else:
                name, children = entries.get(row["ParentId"], [None, []])
                entries[row["ParentId"]] = [name, sorted({*children, row["ChildId"]})]
        return entries

    return NamesBook(table, rebuild)


def with_parent(book: Entries, parent_id: str, name: str) -> Entries:
    """The book with a parent's name as it is now (their children unchanged)."""
    book[parent_id] = [name, book.get(parent_id, [None, []])[1]]
    return book


def without_parent(book: Entries, parent_id: str) -> Entries:
    book.pop(parent_id, None)
    return book


def without_links_of(book: Entries, parent_id: str) -> Entries:
    """The book with a parent in no family, their name still there (so still redacted)."""
    if parent_id in book:
        book[parent_id] = [book[parent_id][0], []]
    return book


def with_link(book: Entries, parent_id: str, child_id: str) -> Entries:
    name, children = book.get(parent_id, [None, []])
    book[parent_id] = [name, sorted({*children, child_id})]
    return book


def without_link(book: Entries, parent_id: str, child_id: str) -> Entries:
    if parent_id in book:
        name, children = book[parent_id]
        book[parent_id] = [name, [c for c in children if c != child_id]]
    return book


def without_child(book: Entries, child_id: str) -> Entries:
    """The book with a child in no family: a parent left listed without them is redacted to the
    child's other families, never the other way round."""
    return {p: [name, [c for c in children if c != child_id]] for p, (name, children) in book.items()}
