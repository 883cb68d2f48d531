"""The storage side of purging leavers: find a child's records and delete them in batches.

Deletions are transactions of at most 100 operations within one partition (shared.storage.tables)
and blob batch deletes of at most 256 names. Every method is idempotent: a row or blob already gone
is simply not counted, so a run that stopped half-way is repeated safely by the next one. What
order the methods are called in, and why, is shared.services.leaver_purge's business.

Photo rows and the observations' index rows live in the setting's partition of the observations
table (shared.storage.keys): a child's observations are the range of its `with~` index rows (the
canonical rows below the photo rows in a setting not yet indexed); the orphan sweep reads the photo
rows' range, and the photos marked for discard are a range of their own marks (`~discard~`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime

from shared.domain.children import Child
from shared.domain.errors import ConcurrencyConflict, NotFound
from shared.domain.observations import Observation, ObservationStatus
from shared.domain.photos import CONTAINER, blobs_of, moment_owner
from shared.storage import keys
from shared.storage.blobs import PrivateBlobs
from shared.storage.children import children_book, to_child
from shared.storage.clients import StorageClients
from shared.storage.names_book import families_book, without_child
from shared.storage.observations import index_keys, to_observation
from shared.storage.tables import MAX_BATCH, Entity, Operation, Table


class TableLeavers:
    """The LeaverStore port: what the purge of archived children reads and deletes."""

    def __init__(
        self,
        *,
        observations: Table,
        journal: Table,
        comments: Table,
        moments: Table,
        accounts: Table,
        children: Table,
        blobs: PrivateBlobs,
    ) -> None:
        self._observations = observations
        self._journal = journal
        self._comments = comments
        self._moments = moments
        self._accounts = accounts
        self._children = children
        self._blobs = blobs
        self._children_book = children_book(children)
        self._families_book = families_book(accounts)

    # -- finding ------------------------------------------------------------------------------

    def observations_of(self, setting_id: str, child_id: str) -> list[Observation]:
        """Every observation (any status) that includes the child: the range of the child's index
        rows. A setting the backfill has not marked yet is read the old way, one scan of its
        canonical rows, since a table cannot look inside the list of children."""
        if self._observations.get(setting_id, keys.OBSERVATIONS_INDEXED) is not None:
            rows = self._observations.query(
                *keys.index_rows_under(setting_id, keys.observations_with(child_id))
            )
            return [to_observation(r) for r in rows]
        rows = self._observations.query(
            "PartitionKey eq @setting and RowKey lt @photos",
            {"setting": setting_id, "photos": keys.PHOTO_ROWS},
        )
        return [to_observation(r) for r in rows if child_id in json.loads(r["ChildIds"])]

    def commented(self, setting_id: str) -> set[str]:
        """The ids of the setting's observations that have comments (one range scan, keys only)."""
        rows = self._comments.query(
            *keys.partitions_under(keys.commented_in(setting_id)), select=["PartitionKey"]
        )
        return {keys.split_partition(r["PartitionKey"])[1] for r in rows}

    def moment_photos(self, setting_id: str, child_id: str) -> dict[str, str]:
        """The photos of the child's moments from home, each with the owner its photo row records."""
        rows = self._moments.query(
            "PartitionKey eq @pk", {"pk": keys.moments_partition(setting_id, child_id)}
        )
        return {
            photo_id: moment_owner(child_id, r["MomentId"])
            for r in rows
            for photo_id in json.loads(r.get("PhotoIds") or "[]")
        }

    def marked_photos(self, setting_id: str) -> list[tuple[str, str]]:
        """The photos marked for discard: one range of the marks, however many photos the setting holds."""
        rows = self._observations.query(
            *keys.index_rows_under(setting_id, keys.DISCARD_ROWS), select=["RowKey", "ObservationId"]
        )
        return [(keys.discarded_photo_id(r["RowKey"]), r.get("ObservationId") or "") for r in rows]

    def orphan_blobs(self, setting_id: str, before: datetime) -> list[str]:
        """Blobs of the setting's photos last written before `before` whose photo has no row."""
        old = self._blobs.older_than(f"{setting_id}/", before)
        if not old:
            return []
        owned = {keys.photo_id_of(r["RowKey"]) for r in self._photo_rows(setting_id, ["RowKey"])}
        return [name for name in old if name.split("/")[1] not in owned]

    def _photo_rows(self, setting_id: str, select: list[str]) -> Iterable[Entity]:
        """The setting's photo rows: their key range in its observations partition."""
        return self._observations.query(*keys.rows_under(setting_id, keys.PHOTO_ROWS), select=select)

    # -- changing -----------------------------------------------------------------------------

    def mark_photos(self, setting_id: str, owners: Mapping[str, str]) -> int:
        """Mark photos (id to the observation or moment that lists it) to be discarded: the mark is
        a row of its own beside the photo's, and outlives what listed the photo."""
        marks = [
            Operation("upsert", {"PartitionKey": setting_id, "RowKey": keys.discard_row(p),
                                 "ObservationId": owners[p]})
            for p in sorted(owners)
        ]  # fmt: skip
        if marks:
            self._observations.transact(marks)
        return len(marks)

    def discard_photos(self, setting_id: str, photo_ids: Sequence[str]) -> int:
        """Delete photos' blobs (names derive from the ids), then their rows, then their marks: a row
        outlives its bytes, and a mark its row."""
        self._blobs.delete_counted(blobs_of(setting_id, photo_ids))
        photos = list(dict.fromkeys(photo_ids))
        rows = [keys.photo_row(p) for p in photos] + [keys.discard_row(p) for p in photos]
        _delete(self._observations, setting_id, rows)  # in this order: a mark outlives its row
        return len(photos)

    def rewrite_comments(self, setting_id: str, observation_id: str, rewrite: Callable[[str], str]) -> int:
        """Rewrite the text of an observation's comments; returns how many changed."""
        partition = keys.comments_partition(setting_id, observation_id)
        changed = 0
        for row in self._comments.query("PartitionKey eq @pk", {"pk": partition}):
            text = rewrite(row["Text"])
            if text != row["Text"]:
                try:
                    self._comments.update({"PartitionKey": partition, "RowKey": row["RowKey"], "Text": text},
                                          etag=row["_etag"])  # fmt: skip
                except (ConcurrencyConflict, NotFound):  # comments are never edited; the next run retries
                    continue
                changed += 1
        return changed

    def erase_observations(
        self, setting_id: str, observations: Sequence[Observation], commented: Collection[str]
    ) -> int:
        """Delete observations: their journal rows, then their comments, then the canonical rows with
        their photos' rows, then the photos' bytes.

        An observation's rows (its photos', its index rows and the canonical row) share its
        partition and go in one transaction when they fit in one. Where they do not, the
        child's index row goes last, because it is what finds the rest again after a crash, and
        the canonical row just before it. The bytes go last; a crash before them leaves blobs
        that no row owns, which the orphan sweep of the same run deletes.
        """
        by_journal: dict[str, list[str]] = {}
        for observation in observations:
            if observation.status is ObservationStatus.PUBLISHED:
                row = keys.journal_row(observation.observed_on, observation.observation_id)
                for child_id in observation.child_ids:
                    by_journal.setdefault(keys.journal_partition(setting_id, child_id), []).append(row)
        for partition, rows in by_journal.items():
            _delete(self._journal, partition, rows)
        for observation in observations:
            if observation.observation_id in commented:
                partition = keys.comments_partition(setting_id, observation.observation_id)
                _delete(self._comments, partition, _row_keys(self._comments, partition))
        _delete_grouped(self._observations, setting_id, [_rows_of(o) for o in observations])
        self._blobs.delete_counted(blobs_of(setting_id, [p for o in observations for p in o.photo_ids]))
        return len(observations)

    def erase_moments(self, setting_id: str, child_id: str) -> int:
        partition = keys.moments_partition(setting_id, child_id)
        return _delete(self._moments, partition, _row_keys(self._moments, partition))

    def erase_journal(self, setting_id: str, child_id: str) -> int:
        """Delete whatever is left in the child's journal partition."""
        partition = keys.journal_partition(setting_id, child_id)
        return _delete(self._journal, partition, _row_keys(self._journal, partition))

    def erase_links(self, setting_id: str, child_id: str) -> int:
        """Delete the child's parent links, both directions of each in one transaction."""
        rows = self._accounts.query(
            *keys.rows_under(setting_id, keys.parents_of(child_id)), select=["RowKey", "ParentId"]
        )
        both = [k for r in rows for k in keys.link_rows(r["ParentId"], child_id)]
        # The families' names book forgets the child first: until the rows go too, it only
        # redacts more (S37).
        self._families_book.change(setting_id, lambda book: without_child(book, child_id))
        return _delete(self._accounts, setting_id, both) // 2

    def erase_child(self, child: Child) -> bool:
        """Delete the child's row (with its consents), its room copy and its names if unchanged
        since read; False if it changed."""
        key = keys.child_row(child.child_id)

        def forget(book: dict[str, object]) -> dict[str, object]:
            return {k: v for k, v in book.items() if k != child.child_id}

        current = self._children.get(child.setting_id, key)
        if current is None:  # the row went in an earlier run: its names go now, if they stayed
            self._children_book.change(child.setting_id, forget)
            return True
        if child.etag is not None and to_child(current).etag != child.etag:
            return False
        if current.get("RoomId"):
            # A copy no member row names is never listed, so it can go first on its own.
            self._children.delete(child.setting_id, keys.room_copy_row(current["RoomId"], child.child_id))
        row = {"PartitionKey": child.setting_id, "RowKey": key}
        try:
            # The child's names leave the setting's names book in the same transaction.
            self._children_book.change(
                child.setting_id, forget, lambda: [Operation("delete", row, etag=current["_etag"])]
            )
        except ConcurrencyConflict:
            return False
        except NotFound:
            self._children_book.change(child.setting_id, forget)
        return True

    def delete_blobs(self, names: Sequence[str]) -> int:
        return self._blobs.delete_counted(names)


def leaver_store(clients: StorageClients, table: Callable[[str], Table] | None = None) -> TableLeavers:
    """The leaver store over this deployment's tables (`table` lets a test wrap them)."""
    open_table = table or (lambda name: Table(clients.table(name)))
    return TableLeavers(
        observations=open_table(keys.OBSERVATIONS),
        journal=open_table(keys.JOURNAL),
        comments=open_table(keys.COMMENTS),
        moments=open_table(keys.MOMENTS),
        accounts=open_table(keys.ACCOUNTS),
        children=open_table(keys.CHILDREN),
        blobs=PrivateBlobs(clients, CONTAINER),
    )


def _rows_of(observation: Observation) -> list[str]:
    """An observation's rows in its partition, in the order a crash between them is safe."""
    finding = {keys.with_row(c, observation.observation_id) for c in observation.child_ids}
    lists = [k for k in index_keys(observation) if k not in finding]
    photos = [keys.photo_row(p) for p in observation.photo_ids]
    return [*photos, *lists, keys.observation_row(observation.observation_id), *sorted(finding)]


def _delete_grouped(table: Table, partition: str, groups: Sequence[Sequence[str]]) -> int:
    """Delete rows of one partition, keeping each group in one transaction where it fits."""
    chunk: list[str] = []
    for group in groups:
        if chunk and len(chunk) + len(group) > MAX_BATCH:
            _delete(table, partition, chunk)
            chunk = []
        chunk += group
        if len(chunk) >= MAX_BATCH:  # a group of its own beyond the limit: its order keeps it safe
            _delete(table, partition, chunk)
            chunk = []
    if chunk:
        _delete(table, partition, chunk)
    return sum(len(g) for g in groups)


def _row_keys(table: Table, partition: str) -> list[str]:
    return [r["RowKey"] for r in table.query("PartitionKey eq @pk", {"pk": partition}, select=["RowKey"])]


def _delete(table: Table, partition: str, rows: Iterable[str]) -> int:
    """Delete rows of one partition, 100 to a transaction; returns how many were asked for."""
    unique = list(dict.fromkeys(rows))
    for start in range(0, len(unique), MAX_BATCH):
        chunk = unique[start : start + MAX_BATCH]
        try:
            table.transact(Operation("delete", {"PartitionKey": partition, "RowKey": k}) for k in chunk)
        except NotFound:
            # One was gone already (a repeated run): delete one by one; deleting twice is fine.
            for key in chunk:
                table.delete(partition, key)
    return len(unique)
