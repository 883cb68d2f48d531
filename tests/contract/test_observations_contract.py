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

DRAFT, SUBMITTED, PUBLISHED = (
    ObservationStatus.DRAFT,
    ObservationStatus.SUBMITTED,
    ObservationStatus.PUBLISHED,
)
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


@pytest.fixture(params=["unmarked", "indexed"])
def lists_from(request: pytest.FixtureRequest, ports: Deps, setting_id: str) -> str:
    """Lists read before the setting is marked (the scan) and after (the index rows): the same."""
    if request.param == "indexed":
        ports.observations.index_setting(setting_id)
    return str(request.param)


def test_lists_hold_one_status_and_author_newest_change_first(
    ports: Deps, setting_id: str, clock: FrozenClock, lists_from: str
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


def test_the_approvals_queue_follows_each_observation_as_it_is_submitted_published_or_deleted(
    ports: Deps, setting_id: str, clock: FrozenClock, lists_from: str
) -> None:
    def queue() -> list[str]:
        return [o.text for o in ports.observations.list(setting_id, SUBMITTED, None)]

    def submitted(text: str, minutes: int, children: list[str]) -> Observation:
        made = observation(setting_id, clock.now(), children, status=SUBMITTED)
        return ports.observations.add(
            replace(made, text=text, updated_at=clock.now() + timedelta(minutes=minutes))
        )

    painting = submitted("Ada mixed purple.", 1, ["ca"])
    tower = submitted("Ada and Ben built a tower.", 2, ["ca", "cb"])
    assert queue() == ["Ada and Ben built a tower.", "Ada mixed purple."]
    published = ports.observations.save(
        replace(
            painting,
            status=PUBLISHED,
            published_at=clock.now(),
            updated_at=clock.now() + timedelta(minutes=3),
        ),
        NAMES[:1],
    )
    assert queue() == ["Ada and Ben built a tower."]
    assert [o.text for o in ports.observations.list(setting_id, PUBLISHED, None)] == ["Ada mixed purple."]
    edited = ports.observations.save(replace(tower, text="They built a tower of nine."), NAMES)
    assert queue() == ["They built a tower of nine."]  # the new text, listed once
    ports.observations.save(replace(edited, status=DRAFT, updated_at=clock.now() + timedelta(minutes=4)), [])
    assert queue() == []
    ports.observations.delete(published)
    assert ports.observations.list(setting_id, PUBLISHED, None) == []


def test_the_queue_hands_out_the_version_a_read_would_so_a_manager_can_publish_from_it(
    ports: Deps, setting_id: str, clock: FrozenClock, lists_from: str
) -> None:
    added = ports.observations.add(observation(setting_id, clock.now(), ["ca"], status=SUBMITTED))
    (listed,) = ports.observations.list(setting_id, SUBMITTED, None)
    assert listed == ports.observations.get(setting_id, added.observation_id)
    published = ports.observations.save(
        replace(listed, status=PUBLISHED, published_at=clock.now()), NAMES[:1]
    )
    with pytest.raises(ConcurrencyConflict):  # the queue's copy of the old version is spent too
        ports.observations.save(replace(listed, text="Published twice."), NAMES[:1])
    assert [e.version for e in _journal(ports, setting_id, "ca")] == [2]
    assert ports.observations.get(setting_id, added.observation_id) == published


def test_a_write_that_fails_leaves_every_list_as_it_was(
    ports: Deps, setting_id: str, clock: FrozenClock, lists_from: str
) -> None:
    added = ports.observations.add(observation(setting_id, clock.now(), ["ca"], status=SUBMITTED))
    taken = photo(setting_id, added.observation_id, clock.now())
    ports.photos.add(taken)
    with pytest.raises(Conflict):  # the photo's row is there already: neither is written
        ports.observations.save(replace(added, status=DRAFT, photo_ids=[taken.photo_id]), [], new_photo=taken)
    stale = replace(added, etag='"v0"', status=DRAFT)
    with pytest.raises(ConcurrencyConflict):
        ports.observations.save(stale, [])
    assert ports.observations.list(setting_id, SUBMITTED, None) == [added]
    assert ports.observations.list(setting_id, DRAFT, None) == []
