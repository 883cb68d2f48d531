"""The JournalReader port in memory: each child's journal, newest first, with the adapter's cursors.

Entries are kept exactly as the adapter projects them: one per published observation per child,
carrying the canonical version, replaced only by a higher one. Cursors have the adapter's shape
and checks, so a cursor made for one journal or filter is refused by another.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Sequence
from datetime import date

from shared.domain.errors import InvalidInput
from shared.domain.journal import JournalEntry
from shared.domain.observations import Area, Observation, ObservationStatus
from shared.domain.redaction import NamedChild
from tests.fakes.rows import copied

BAD_CURSOR = "That page link is not valid here. Start again from the first page."
_DATE_MAX = 99999999

Key = tuple[str, str]  # (journal partition, row)


def _partition(setting_id: str, child_id: str) -> str:
    return f"{setting_id}~{child_id}"


def _row(observed_on: date, observation_id: str) -> str:
    return f"{_DATE_MAX - int(observed_on.strftime('%Y%m%d')):08d}~{observation_id}"


def _keys(observation: Observation | None) -> set[Key]:
    if observation is None or observation.status is not ObservationStatus.PUBLISHED:
        return set()
    row = _row(observation.observed_on, observation.observation_id)
    return {(_partition(observation.setting_id, c), row) for c in observation.child_ids}


class MemoryJournal:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._rows: dict[Key, JournalEntry] = {}

    def project(
        self,
        observation: Observation,
        version: int,
        children: Sequence[NamedChild],
        previous: Observation | None = None,
    ) -> None:
        wanted: dict[Key, JournalEntry] = {}
        if observation.status is ObservationStatus.PUBLISHED:
            for child_id in observation.child_ids:
                row = _row(observation.observed_on, observation.observation_id)
                key = (_partition(observation.setting_id, child_id), row)
                wanted[key] = _entry(observation, child_id, version, children)
        with self._lock:
            for key in _keys(previous) | _keys(observation):
                if key not in wanted:
                    self._remove_if_not_newer(key, version)
            for key, entry in wanted.items():
                found = self._rows.get(key)
                if found is None or found.version < version:
                    self._rows[key] = entry

    def withdraw(self, observation: Observation, version: int) -> None:
        with self._lock:
            for key in _keys(observation):
                self._remove_if_not_newer(key, version)

    def stale(self, observation: Observation, version: int) -> bool:
        with self._lock:
            return any(
                key not in self._rows or self._rows[key].version < version for key in _keys(observation)
            )

    def page(
        self, setting_id: str, child_id: str, *, area: Area | None, size: int, cursor: str | None
    ) -> tuple[list[JournalEntry], str | None]:
        partition = _partition(setting_id, child_id)
        start = _read_cursor(cursor, partition, area)
        with self._lock:
            rows = sorted((row, e) for (p, row), e in self._rows.items() if p == partition and row >= start)
        matching = [(row, e) for row, e in rows if area is None or area in e.areas]
        taken, rest = matching[:size], matching[size:]
        next_cursor = _write_cursor(partition, area, rest[0][0]) if rest else None
        return [copied(e) for _, e in taken], next_cursor

    def _remove_if_not_newer(self, key: Key, version: int) -> None:
        found = self._rows.get(key)
        if found is not None and found.version <= version:
            del self._rows[key]


def _entry(
    observation: Observation, child_id: str, version: int, children: Sequence[NamedChild]
) -> JournalEntry:
    return JournalEntry(
        setting_id=observation.setting_id,
        child_id=child_id,
        observation_id=observation.observation_id,
        version=version,
        children=[NamedChild(c.child_id, c.first_name, c.last_name) for c in children],
        author_id=observation.author_id,
        text=observation.text,
        next_steps=observation.next_steps,
        areas=list(observation.areas),
        observed_on=observation.observed_on,
        published_at=observation.published_at,
        photo_ids=list(observation.photo_ids),
    )


def _write_cursor(partition: str, area: Area | None, next_row: str) -> str:
    raw = json.dumps({"j": partition, "a": area.value if area else "", "p": partition, "r": next_row})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _read_cursor(cursor: str | None, partition: str, area: Area | None) -> str:
    """The row to start from: "" for the first page; InvalidInput for a cursor made elsewhere."""
    if not cursor:
        return ""
    if len(cursor) > 2048:
        raise InvalidInput(BAD_CURSOR, field="cursor")
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        raise InvalidInput(BAD_CURSOR, field="cursor") from None
    if (
        not isinstance(decoded, dict)
        or decoded.get("j") != partition
        or decoded.get("a") != (area.value if area else "")
        or not all(isinstance(decoded.get(k), str) for k in ("p", "r"))
    ):
        raise InvalidInput(BAD_CURSOR, field="cursor")
    return str(decoded["r"])
