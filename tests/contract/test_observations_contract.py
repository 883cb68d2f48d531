"""The ObservationRepository and PhotoRepository contract: ETag-guarded canonical rows, kept in
step with the children's journals, and a photo's row written with the save that lists it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.journal import JournalEntry
from shared.domain.observations import Observation, ObservationStatus
from shared.domain.photos import blobs_of
from shared.domain.redaction import NamedChild
from shared.services.deps import Deps
from tests.contract.examples import observation, photo

DRAFT, PUBLISHED = ObservationStatus.DRAFT, ObservationStatus.PUBLISHED
NAMES = [NamedChild("ca", "Ada", "Lovelace"), NamedChild("cb", "Ben", "Okri")]


def _journal(ports: Deps, setting_id: str, child_id: str) -> list[JournalEntry]:
    entries, _ = ports.journal.page(setting_id, child_id, area=None, size=50, cursor=None)
    return entries


def test_an_observation_reads_back_as_added_with_the_etag_add_returned(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    new = observation(setting_id, clock.now(), ["ca"], status=DRAFT)
    added = ports.observations.add(new)
    assert added.etag and replace(added, etag=None) == new
    assert ports.observations.get(setting_id, new.observation_id) == added
    assert ports.observations.get(setting_id + "x", new.observation_id) is None
    with pytest.raises(Conflict):
        ports.observations.add(new)


def test_s24_only_a_published_observation_reaches_each_of_its_childrens_journals(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    draft = ports.observations.add(observation(setting_id, clock.now(), ["ca", "cb"], status=DRAFT), NAMES)
    assert _journal(ports, setting_id, "ca") == []
    published = ports.observations.save(replace(draft, status=PUBLISHED, published_at=clock.now()), NAMES)
    for child_id in ("ca", "cb"):
        (entry,) = _journal(ports, setting_id, child_id)
        assert (entry.observation_id, entry.child_id, entry.version) == (draft.observation_id, child_id, 2)
        assert entry.children == NAMES and entry.text == draft.text and entry.areas == draft.areas
    ports.observations.save(replace(published, status=DRAFT, published_at=None), NAMES)
    assert _journal(ports, setting_id, "ca") == [] and _journal(ports, setting_id, "cb") == []


def test_a_child_taken_off_an_observation_loses_it_from_their_journal(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    added = ports.observations.add(observation(setting_id, clock.now(), ["ca", "cb"]), NAMES)
    ports.observations.save(replace(added, child_ids=["cb"], text="Only Ben."), NAMES[1:])
    assert _journal(ports, setting_id, "ca") == []
    (entry,) = _journal(ports, setting_id, "cb")
    assert entry.text == "Only Ben." and entry.version == 2


def test_every_save_changes_the_etag_and_a_stale_one_changes_nothing(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = ports.observations.add(observation(setting_id, clock.now(), ["ca"]), NAMES[:1])
    saved = ports.observations.save(replace(read, text="Second."), NAMES[:1])
    assert saved.etag != read.etag and ports.observations.get(setting_id, read.observation_id) == saved
    with pytest.raises(ConcurrencyConflict):
        ports.observations.save(replace(read, text="Lost update."), NAMES[:1])
    with pytest.raises(ConcurrencyConflict):
        ports.observations.save(replace(saved, etag=None, text="Never read."), NAMES[:1])
    assert [e.text for e in _journal(ports, setting_id, "ca")] == ["Second."]
    with pytest.raises(NotFound):
        ports.observations.save(observation(setting_id, clock.now(), ["ca"]), NAMES[:1])


def test_a_new_photos_row_is_written_with_the_save_that_lists_it(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = ports.observations.add(observation(setting_id, clock.now(), ["ca"], status=DRAFT))
    new_photo = photo(setting_id, read.observation_id, clock.now())
    saved = ports.observations.save(replace(read, photo_ids=[new_photo.photo_id]), [], new_photo=new_photo)
    assert ports.photos.get(setting_id, new_photo.photo_id) == new_photo
    assert ports.observations.get(setting_id, read.observation_id) == saved
    assert ports.observations.get(setting_id, f"photo~{new_photo.photo_id}") is None


def test_a_stale_save_with_a_photo_writes_neither(ports: Deps, setting_id: str, clock: FrozenClock) -> None:
    read = ports.observations.add(observation(setting_id, clock.now(), ["ca"], status=DRAFT))
    ports.observations.save(replace(read, text="Changed meanwhile."), [])
    new_photo = photo(setting_id, read.observation_id, clock.now())
    with pytest.raises(ConcurrencyConflict):
        ports.observations.save(replace(read, photo_ids=[new_photo.photo_id]), [], new_photo=new_photo)
    assert ports.photos.get(setting_id, new_photo.photo_id) is None


def test_a_save_whose_photo_row_exists_writes_neither(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = ports.observations.add(observation(setting_id, clock.now(), ["ca"], status=DRAFT))
    taken = photo(setting_id, read.observation_id, clock.now())
    ports.photos.add(taken)
    with pytest.raises(Conflict):
        ports.observations.save(replace(read, photo_ids=[taken.photo_id]), [], new_photo=taken)
    assert ports.observations.get(setting_id, read.observation_id) == read


def test_photo_rows_stand_alone_for_moments_and_removing_twice_is_fine(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    own = photo(setting_id, "moment-abc", clock.now())
    ports.photos.add(own)
    with pytest.raises(Conflict):
        ports.photos.add(own)
    assert ports.photos.get(setting_id, own.photo_id) == own
    assert ports.photos.get(setting_id + "x", own.photo_id) is None
    ports.photos.remove(setting_id, own.photo_id)
    ports.photos.remove(setting_id, own.photo_id)
    assert ports.photos.get(setting_id, own.photo_id) is None


def test_discarding_photos_takes_their_blobs_then_their_rows_and_can_run_again(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    kept, gone = photo(setting_id, "moment-abc", clock.now()), photo(setting_id, "moment-abc", clock.now())
    for each in (kept, gone):
        ports.photos.add(each)
        for name in blobs_of(setting_id, [each.photo_id]):
            ports.photo_blobs.put(name, b"jpeg bytes", "image/jpeg")
    ports.photos.discard(setting_id, [gone.photo_id])
    ports.photos.discard(setting_id, [gone.photo_id])
    assert ports.photos.get(setting_id, gone.photo_id) is None
    assert ports.photos.get(setting_id, kept.photo_id) == kept
    for name in blobs_of(setting_id, [gone.photo_id]):
        with pytest.raises(NotFound):
            ports.photo_bytes.read(name)
    assert all(
        ports.photo_bytes.read(name) == b"jpeg bytes" for name in blobs_of(setting_id, [kept.photo_id])
    )


def test_deleting_the_version_read_withdraws_it_from_every_journal(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = ports.observations.add(observation(setting_id, clock.now(), ["ca", "cb"]), NAMES)
    saved = ports.observations.save(replace(read, text="Edited."), NAMES)
    with pytest.raises(ConcurrencyConflict):
        ports.observations.delete(read)
    assert len(_journal(ports, setting_id, "ca")) == 1
    ports.observations.delete(saved)
    ports.observations.delete(saved)
    assert ports.observations.get(setting_id, read.observation_id) is None
    assert _journal(ports, setting_id, "ca") == [] and _journal(ports, setting_id, "cb") == []


def test_lists_hold_one_status_and_author_newest_change_first(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    def add(minutes: int, status: ObservationStatus, author: str) -> Observation:
        made = observation(setting_id, clock.now(), ["ca"], status=status, author_id=author)
        return ports.observations.add(replace(made, updated_at=clock.now() + timedelta(minutes=minutes)))

    older, newer = add(1, DRAFT, "ua"), add(5, DRAFT, "ua")
    other = add(3, DRAFT, "ub")
    add(9, PUBLISHED, "ua")
    ports.observations.add(observation(setting_id + "x", clock.now(), ["ca"], status=DRAFT, author_id="ua"))
    ports.photos.add(photo(setting_id, older.observation_id, clock.now()))  # never listed as one
    assert ports.observations.list(setting_id, DRAFT, "ua") == [newer, older]
    assert ports.observations.list(setting_id, DRAFT, None) == [newer, other, older]


def test_repair_finds_nothing_to_do_when_the_journals_are_in_step(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = ports.observations.add(observation(setting_id, clock.now(), ["ca"]), NAMES[:1])
    assert ports.observations.repair(setting_id, read.observation_id, NAMES[:1]) is False
    assert ports.observations.repair(setting_id, "missing", NAMES[:1]) is False


def test_an_observations_aspects_and_their_framework_read_back_and_none_is_the_default(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    linked = replace(observation(setting_id, clock.now(), ["ca"], status=DRAFT),
                     aspects=["speaking", "number"], framework="development-matters")  # fmt: skip
    ports.observations.add(linked)
    found = ports.observations.get(setting_id, linked.observation_id)
    assert found is not None and found.aspects == ["speaking", "number"]
    assert found.framework == "development-matters"
    plain = ports.observations.add(observation(setting_id, clock.now(), ["ca"], status=DRAFT))
    assert plain.aspects == [] and plain.framework is None
    again = ports.observations.get(setting_id, plain.observation_id)
    assert again is not None and again.aspects == [] and again.framework is None
