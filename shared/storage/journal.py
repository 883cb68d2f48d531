"""Each child's journal: one projection row per published observation per child, newest first.

Keys (shared.storage.keys): one partition per child, row keys by inverted observation date then
observation id. A partition query therefore lists a child's journal newest first, and one query serves a page:
the row holds everything the page shows (text, next steps, areas, photo ids and a snapshot of
the children's names for redaction), so no canonical row or child is read per entry.

Only published observations are projected. A bug in a filter can therefore never show a draft to
a parent (S24): what is not published is not in this table.

Each row carries the canonical row's version. The canonical row is written first (ETag-guarded),
then the projections; a projection is only ever replaced by one of a higher version, so a slow
writer cannot put back an older text, and replaying a write is harmless. A crash between the two
leaves projections with a lower version than the canonical row: `stale` finds them and
`project` (called again with the canonical row) repairs them.

Areas are stored as one boolean property per area (Area_MATHEMATICS, ...), because Table queries
cannot look inside a list; the property name comes from our Area enum, never from user text, and
the value is a query parameter (S25).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from contextlib import suppress
from datetime import date
from typing import Any

from shared.domain.errors import ConcurrencyConflict, Conflict, InvalidInput
from shared.domain.journal import JournalEntry
from shared.domain.observations import Area, Observation, ObservationStatus
from shared.domain.redaction import NamedChild
from shared.storage import keys
from shared.storage.tables import Entity, Table

_RETRIES = 3
BAD_CURSOR = "That page link is not valid here. Start again from the first page."


def area_property(area: Area) -> str:
    return f"Area_{area.name}"


class TableJournal:
    """Writes and reads the per-child journal projections."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def project(
        self,
        observation: Observation,
        version: int,
        children: Sequence[NamedChild],
        previous: Observation | None = None,
    ) -> None:
        """Bring every child's projection in step with `observation` at `version`; idempotent."""
        wanted: dict[tuple[str, str], Entity] = {}
        if observation.status is ObservationStatus.PUBLISHED:
            for child_id in observation.child_ids:
                entity = _to_entity(observation, child_id, version, children)
                wanted[(entity["PartitionKey"], entity["RowKey"])] = entity
        for key in _keys(previous) | _keys(observation):
            if key not in wanted:
                self._remove_if_not_newer(key, version)
        for entity in wanted.values():
            self._put_if_newer(entity, version)

    def withdraw(self, observation: Observation, version: int) -> None:
        """Remove the observation from every journal it was in (it was deleted)."""
        for key in _keys(observation):
            self._remove_if_not_newer(key, version)

    def stale(self, observation: Observation, version: int) -> bool:
        """Whether any projection is missing or behind the canonical row (a crash between writes)."""
        if observation.status is not ObservationStatus.PUBLISHED:
            return False
        for partition, row in _keys(observation):
            found = self._table.get(partition, row)
            if found is None or int(found.get("Version", 0)) < version:
                return True
        return False

    def page(
        self, setting_id: str, child_id: str, *, area: Area | None, size: int, cursor: str | None
    ) -> tuple[list[JournalEntry], str | None]:
        """One page of the child's journal, newest first, and the cursor of the next page."""
        partition = keys.journal_partition(setting_id, child_id)
        token = _read_cursor(cursor, partition, area)
        filter, parameters = "PartitionKey eq @pk", dict[str, Any](pk=partition)
        if area is not None:
            filter += f" and {area_property(area)} eq @yes"
            parameters["yes"] = True
        entries: list[JournalEntry] = []
        # A filtered page can come back short with a continuation; fetch on until it is full.
        for _ in range(_RETRIES + 2):
            rows, token = self._table.page(filter, parameters, size=size - len(entries), token=token)
            entries += [_to_entry(r) for r in rows]
            if token is None or len(entries) >= size:
                break
        return entries, _write_cursor(token, partition, area)

    def _put_if_newer(self, entity: Entity, version: int) -> None:
        for _ in range(_RETRIES):
            found = self._table.get(entity["PartitionKey"], entity["RowKey"])
            try:
                if found is None:
                    self._table.create(entity)
                elif int(found.get("Version", 0)) < version:
                    self._table.update(entity, etag=found["_etag"], replace=True)
                return
            except (Conflict, ConcurrencyConflict):
                continue  # another writer got there first: look again, a newer one wins
        raise ConcurrencyConflict("the journal changed while it was being updated")

    def _remove_if_not_newer(self, key: tuple[str, str], version: int) -> None:
        found = self._table.get(*key)
        if found is not None and int(found.get("Version", 0)) <= version:
            # ConcurrencyConflict: rewritten meanwhile by a newer version, which owns the row now.
            with suppress(ConcurrencyConflict):
                self._table.delete(*key, etag=found["_etag"])


def _keys(observation: Observation | None) -> set[tuple[str, str]]:
    if observation is None or observation.status is not ObservationStatus.PUBLISHED:
        return set()
    row = keys.journal_row(observation.observed_on, observation.observation_id)
    return {(keys.journal_partition(observation.setting_id, c), row) for c in observation.child_ids}


def _to_entity(
    observation: Observation, child_id: str, version: int, children: Sequence[NamedChild]
) -> Entity:
    entity: Entity = {
        "PartitionKey": keys.journal_partition(observation.setting_id, child_id),
        "RowKey": keys.journal_row(observation.observed_on, observation.observation_id),
        "ObservationId": observation.observation_id,
        "Version": version,
        "Children": json.dumps([[c.child_id, c.first_name, c.last_name] for c in children]),
        "AuthorId": observation.author_id,
        "Text": observation.text,
        "NextSteps": observation.next_steps,
        "Areas": json.dumps([a.value for a in observation.areas]),
        "ObservedOn": observation.observed_on.isoformat(),
        "PublishedAt": observation.published_at,
        "PhotoIds": json.dumps(observation.photo_ids),
    }
    for area in observation.areas:
        entity[area_property(area)] = True
    return entity


def _to_entry(row: Entity) -> JournalEntry:
    setting_id, child_id = keys.split_partition(row["PartitionKey"])
    return JournalEntry(
        setting_id=setting_id,
        child_id=child_id,
        observation_id=row["ObservationId"],
        version=int(row["Version"]),
        children=[NamedChild(*c) for c in json.loads(row["Children"])],
        author_id=row["AuthorId"],
        text=row["Text"],
        next_steps=row.get("NextSteps") or "",
        areas=[Area(a) for a in json.loads(row["Areas"])],
        observed_on=date.fromisoformat(row["ObservedOn"]),
        published_at=row.get("PublishedAt"),
        photo_ids=list(json.loads(row.get("PhotoIds") or "[]")),
    )


def _write_cursor(token: Any, partition: str, area: Area | None) -> str | None:
    if not token:
        return None
    # The service's token is opaque (Azurite and Azure encode the keys differently), so the cursor
    # names the journal and filter it belongs to beside it, and is checked against them on return.
    raw = json.dumps(
        {
            "j": partition,
            "a": area.value if area else "",
            "p": token.get("PartitionKey"),
            "r": token.get("RowKey"),
        }
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _read_cursor(cursor: str | None, partition: str, area: Area | None) -> dict[str, str] | None:
    """The continuation token inside a cursor, only if it was made for this journal and filter.

    Even a forged token cannot reach another journal: the query itself is fixed to this partition.
    """
    if not cursor:
        return None
    if len(cursor) > 2048:
        raise InvalidInput(BAD_CURSOR, field="cursor")
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        raise InvalidInput(BAD_CURSOR, field="cursor") from None
    if (
        not isinstance(decoded, dict)
        or decoded.get("j") != partition  # bound to this setting and child: useless elsewhere
        or decoded.get("a") != (area.value if area else "")
        or not all(isinstance(decoded.get(k), str) for k in ("p", "r"))
    ):
        raise InvalidInput(BAD_CURSOR, field="cursor")
    return {"PartitionKey": decoded["p"], "RowKey": decoded["r"]}
