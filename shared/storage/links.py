"""Parent-child links, kept in the setting's partition of `accounts` in both directions.

One row under the parent's account (the children a parent may see, read by every session check)
and one under the child (its parents, for managers); keys in shared.storage.keys. Both rows are
written and removed in one transaction with the families' names book (S37), so the two views and
the book never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime

from shared.domain.children import ParentLink
from shared.domain.errors import Conflict, NotFound
from shared.storage import keys
from shared.storage.names_book import families_book, with_link, without_link
from shared.storage.tables import Entity, Operation, Table


class TableLinks:
    """The LinkRepository port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table
        self._book = families_book(table)

    def link(self, link: ParentLink) -> None:
        rows = [
            {"PartitionKey": link.setting_id, "RowKey": key, "Kind": "link", "ParentId": link.parent_id,
             "ChildId": link.child_id, "LinkedAt": link.linked_at}
            for key in keys.link_rows(link.parent_id, link.child_id)
        ]  # fmt: skip
        with suppress(Conflict):  # already linked: linking twice changes nothing
            self._book.change(
                link.setting_id,
                lambda book: with_link(book, link.parent_id, link.child_id),
                lambda: [Operation("create", row) for row in rows],
            )

    def unlink(self, setting_id: str, parent_id: str, child_id: str) -> None:
        with suppress(NotFound):
            self._book.change(
                setting_id,
                lambda book: without_link(book, parent_id, child_id),
                lambda: [
                    Operation("delete", {"PartitionKey": setting_id, "RowKey": k})
                    for k in keys.link_rows(parent_id, child_id)
                ],
            )

    def children_of(self, setting_id: str, parent_id: str) -> Sequence[ParentLink]:
        return self._range(setting_id, keys.children_of(parent_id))

    def parents_of(self, setting_id: str, child_id: str) -> Sequence[ParentLink]:
        return self._range(setting_id, keys.parents_of(child_id))

    def is_linked(self, setting_id: str, parent_id: str, child_id: str) -> bool:
        return self._table.get(setting_id, keys.parent_link_row(parent_id, child_id)) is not None

    def close_at(self, setting_id: str, child_id: str, until: datetime | None) -> None:
        """Mark every parent link of a child readable until `until` (None: open again)."""
        stamp = until.isoformat() if until else ""
        for link in self.parents_of(setting_id, child_id):
            self._table.transact(
                Operation("update", {"PartitionKey": setting_id, "RowKey": key, "ReadableUntil": stamp})
                for key in keys.link_rows(link.parent_id, child_id)
            )

    def _range(self, setting_id: str, prefix: str) -> list[ParentLink]:
        rows = self._table.query(*keys.rows_under(setting_id, prefix))
        return [to_link(row) for row in rows]


def to_link(row: Entity) -> ParentLink:
    until = row.get("ReadableUntil") or None
    return ParentLink(
        row["PartitionKey"],
        row["ParentId"],
        row["ChildId"],
        row["LinkedAt"],
        datetime.fromisoformat(until) if until else None,
    )
