"""The ObservationRepository port in memory: canonical rows with a version, kept in step with the
journal, and a new photo's row written in the same step as the observation that lists it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.observations import Observation, ObservationStatus
from shared.domain.photos import Photo
from shared.domain.redaction import NamedChild
from tests.fakes.journal import MemoryJournal
from tests.fakes.photos import MemoryPhotos
from tests.fakes.rows import copied, new_etag

LIST_LIMIT = 200
GONE = "That observation no longer exists."


class MemoryObservations:
    def __init__(self, photos: MemoryPhotos, journal: MemoryJournal) -> None:
        self._photos = photos
        self._lock = photos.lock  # one partition in the adapter: photo rows and observations together
        self._journal = journal
        self._rows: dict[tuple[str, str], tuple[Observation, int]] = {}

    def add(self, observation: Observation, children: Sequence[NamedChild] = ()) -> Observation:
        with self._lock:
            key = (observation.setting_id, observation.observation_id)
            if key in self._rows:
                raise Conflict("that already exists")
            stored = replace(copied(observation), etag=new_etag())
            self._rows[key] = (stored, 1)
            self._journal.project(stored, 1, children)
            return copied(stored)

    def get(self, setting_id: str, observation_id: str) -> Observation | None:
        with self._lock:
            found = self._rows.get((setting_id, observation_id))
            return copied(found[0]) if found else None

    def list(
        self, setting_id: str, status: ObservationStatus, author_id: str | None
    ) -> Sequence[Observation]:
        with self._lock:
            found = [
                copied(o)
                for (s, _), (o, _) in sorted(self._rows.items())
                if s == setting_id and o.status is status and (author_id is None or o.author_id == author_id)
            ]
        found.sort(key=lambda o: o.updated_at, reverse=True)
        return found[:LIST_LIMIT]

    def save(
        self, observation: Observation, children: Sequence[NamedChild], *, new_photo: Photo | None = None
    ) -> Observation:
        with self._lock:
            key = (observation.setting_id, observation.observation_id)
            current = self._rows.get(key)
            if current is None:
                raise NotFound(GONE)
            previous, version = current
            if previous.etag != observation.etag:
                raise ConcurrencyConflict("the observation changed since it was read")
            if new_photo is not None:
                self._photos.check_new(new_photo)
            stored = replace(copied(observation), etag=new_etag())
            self._rows[key] = (stored, version + 1)
            if new_photo is not None:
                self._photos.add(new_photo)
            self._journal.project(stored, version + 1, children, previous=previous)
            return copied(stored)

    def delete(self, observation: Observation) -> None:
        with self._lock:
            key = (observation.setting_id, observation.observation_id)
            current = self._rows.get(key)
            if current is None:
                return
            if observation.etag is not None and observation.etag != current[0].etag:
                raise ConcurrencyConflict("the record changed while it was being updated")
            del self._rows[key]
            self._journal.withdraw(current[0], current[1] + 1)

    def repair(self, setting_id: str, observation_id: str, children: Sequence[NamedChild]) -> bool:
        with self._lock:
            found = self._rows.get((setting_id, observation_id))
            if found is None or not self._journal.stale(*found):
                return False
            self._journal.project(*found, children)
            return True

    def index_setting(self, setting_id: str, spent: Callable[[], bool] = lambda: False) -> int:
        # Every observation held here was written with everything the lists read.
        return 0
