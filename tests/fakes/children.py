"""The ChildRepository and LinkRepository ports in memory."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from shared.domain.children import Child, ParentLink
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.redaction import NamedChild
from tests.fakes.rows import copied, new_etag


class MemoryChildren:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._rows: dict[tuple[str, str], Child] = {}
        self._rooms: dict[tuple[str, str], str] = {}  # (setting, child) -> the room of its copy

    def add(self, child: Child) -> None:
        with self._lock:
            key = (child.setting_id, child.child_id)
            if key in self._rows:
                raise Conflict("that already exists")
            self._rows[key] = replace(copied(child), etag=new_etag())

    def get(self, setting_id: str, child_id: str) -> Child | None:
        with self._lock:
            found = self._rows.get((setting_id, child_id))
            return copied(found) if found else None

    def get_many(self, setting_id: str, child_ids: Sequence[str]) -> list[Child]:
        with self._lock:
            return [copied(self._rows[(setting_id, c)]) for c in child_ids if (setting_id, c) in self._rows]

    def names(self, setting_id: str) -> Sequence[NamedChild]:
        return [NamedChild(c.child_id, c.first_name, c.last_name) for c in self.list(setting_id)]

    def list(self, setting_id: str) -> Sequence[Child]:
        with self._lock:
            # Key order first, as a partition query returns them, then the adapter's stable sort.
            rows = [copied(c) for (s, _), c in sorted(self._rows.items()) if s == setting_id]
        return sorted(rows, key=lambda c: (c.first_name.lower(), c.last_name.lower()))

    def save(self, child: Child) -> None:
        with self._lock:
            key = (child.setting_id, child.child_id)
            current = self._rows.get(key)
            if current is None:
                raise NotFound("not found")
            if child.etag is not None and child.etag != current.etag:
                raise ConcurrencyConflict("the record changed while it was being updated")
            self._rows[key] = replace(copied(child), etag=new_etag())

    def in_room(self, setting_id: str, room_id: str) -> Sequence[Child]:
        with self._lock:
            return [
                copied(self._rows[key])
                for key, room in sorted(self._rooms.items())
                if key[0] == setting_id and room == room_id and key in self._rows
            ]

    def place(self, setting_id: str, child_id: str, room_id: str | None) -> None:
        with self._lock:
            key = (setting_id, child_id)
            if key not in self._rows:
                raise NotFound("That child no longer exists.")
            if room_id is None:
                self._rooms.pop(key, None)
            else:
                self._rooms[key] = room_id


class MemoryLinks:
    """Both directions of a link are one record here, so they can never disagree."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._rows: dict[tuple[str, str, str], ParentLink] = {}  # (setting, parent, child)

    def link(self, link: ParentLink) -> None:
        with self._lock:
            # Linking twice changes nothing, not even a closing time.
            self._rows.setdefault((link.setting_id, link.parent_id, link.child_id), copied(link))

    def unlink(self, setting_id: str, parent_id: str, child_id: str) -> None:
        with self._lock:
            self._rows.pop((setting_id, parent_id, child_id), None)

    def children_of(self, setting_id: str, parent_id: str) -> Sequence[ParentLink]:
        with self._lock:
            found = [v for (s, p, _), v in self._rows.items() if s == setting_id and p == parent_id]
        return sorted(found, key=lambda link: link.child_id)

    def parents_of(self, setting_id: str, child_id: str) -> Sequence[ParentLink]:
        with self._lock:
            found = [v for (s, _, c), v in self._rows.items() if s == setting_id and c == child_id]
        return sorted(found, key=lambda link: link.parent_id)

    def is_linked(self, setting_id: str, parent_id: str, child_id: str) -> bool:
        with self._lock:
            return (setting_id, parent_id, child_id) in self._rows

    def close_at(self, setting_id: str, child_id: str, until: datetime | None) -> None:
        with self._lock:
            for key, link in list(self._rows.items()):
                if key[0] == setting_id and key[2] == child_id:
                    self._rows[key] = replace(link, readable_until=until)
