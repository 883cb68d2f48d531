"""The purge of leavers against Azurite: export windows end, archived children's records go
after the retention period unless held, group observations survive without the leaver's name, and
a run that stops anywhere is finished by the next. Checked by reading tables and blobs directly."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from PIL import Image

from functions.retention import RUN_BUDGET_SECONDS
from shared import bootstrap
from shared.clock import FrozenClock
from shared.domain.children import Child, ChildStatus
from shared.domain.errors import Conflict
from shared.domain.observations import Area, Observation, ObservationStatus
from shared.domain.people import Principal, Role, Status
from shared.domain.photos import CONTAINER, PhotoSize, blob_name
from shared.services import comments, leaving, moments, observations, photos
from shared.services.deps import Deps
from shared.services.retention import Budget, PurgeReport, purge, purge_setting
from shared.storage import keys
from shared.storage.blobs import PrivateBlobs
from shared.storage.clients import StorageClients
from shared.storage.leavers import leaver_store
from shared.storage.observations import observation_entity
from shared.storage.retention import TableRetention
from shared.storage.tables import Operation, Table
from tests.conftest import Mailbox
from tests.journal_support import draft, link, reviewed
from tests.nurseries import Nursery, signed_in

# Photo rows live in the observations table, beside the observations (shared/storage/photos.py).
TABLES = (keys.CHILDREN, keys.OBSERVATIONS, keys.JOURNAL, keys.COMMENTS, keys.MOMENTS, keys.ACCOUNTS)
RECORDS = (keys.CHILDREN, keys.OBSERVATIONS, keys.JOURNAL, keys.COMMENTS, keys.MOMENTS)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


@dataclass
class World:
    """A setting with a leaver (Mia) and a child who stays (Ollie), and everything around them."""

    nursery: Nursery
    mia: Child
    ollie: Child
    mias_parent: Principal
    ollies_parent: Principal
    solo: str  # about Mia alone, with a photo and a comment
    group: str  # Mia and Ollie, with a photo and comments naming Mia
    mia_draft: str
    ollies_own: str
    photo_ids: list[str]

    @property
    def setting_id(self) -> str:
        return self.nursery.setting.setting_id


def build_world(nursery: Nursery) -> World:
    deps, manager = nursery.deps, nursery.manager
    mia = nursery.child(firstName="Mia", lastName="Rose", photosInOthersJournals=True)
    ollie = nursery.child(firstName="Ollie", lastName="Stone", photosInOthersJournals=True)
    _, mias_parent = nursery.principal(Role.PARENT)
    _, ollies_parent = nursery.principal(Role.PARENT)
    link(deps, mias_parent, mia)
    link(deps, ollies_parent, ollie)

    place = nursery.place
    solo = place.observe(manager, mia, text="Mia painted a yellow sun.", photos=[jpeg()], publish=True)
    comments.add_comment(deps, mias_parent, solo.observation_id, "She told us all about it.")

    group = place.observe(
        manager, mia, ollie, text="Mia and Ollie built a den. Mia Rose found the blanket.",
        next_steps="Invite Mia to count the pegs.", photos=[jpeg()], publish=True,
    )  # fmt: skip
    comments.add_comment(deps, ollies_parent, group.observation_id, "Ollie loved playing with Mia!")
    comments.add_comment(deps, manager, group.observation_id, "They worked well together.")

    moment = moments.share_moment(deps, mias_parent, mia.child_id, "Mia baked bread at home.")
    moments.accept_moment(deps, manager, mia.child_id, moment.moment_id)
    swimming = moments.share_moment(deps, mias_parent, mia.child_id, "Mia went swimming.")
    from_home = photos.upload_moment_photo(deps, mias_parent, mia.child_id, swimming.moment_id,
                                           photos.Upload(jpeg()))  # fmt: skip
    mia_draft = place.observe(manager, mia, text="A draft about Mia.").observation_id
    ollies_own = place.observe(manager, ollie, text="Ollie climbed the frame.", publish=True).observation_id
    photo_ids = [*solo.photo_ids, *group.photo_ids, from_home.photo_id]
    return World(nursery, mia, ollie, mias_parent, ollies_parent, solo.observation_id,
                 group.observation_id, mia_draft, ollies_own, photo_ids)  # fmt: skip


def archive(world: World) -> None:
    today = world.nursery.deps.clock.now().date().isoformat()
    leaving.archive_child(world.nursery.deps, world.nursery.manager, world.mia.child_id, today)


def rows(
    clients: StorageClients, setting_id: str, tables: Iterable[str] = TABLES
) -> dict[str, list[dict[str, Any]]]:
    """Every row of the setting in these tables, as stored (keys start with the setting id, S23),
    but its names books: those are the setting's, and the purge's tests read them by name."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table in tables:
        entities = Table(clients.table(table)).query(*keys.setting_partitions(setting_id))
        found[table] = sorted(
            ({k: v for k, v in e.items() if k != "_etag"} for e in entities
             if keys.split_partition(e["PartitionKey"])[0] == setting_id
             # The first nightly run marks the observations indexed, and the names book belongs
             # to the setting: facts about no one.
             and e["RowKey"] not in (keys.OBSERVATIONS_INDEXED, keys.NAMES_BOOK_ROW)),
            key=lambda e: (e["PartitionKey"], e["RowKey"]),
        )  # fmt: skip
    return found


def blobs(clients: StorageClients, setting_id: str) -> list[str]:
    return sorted(b.name for b in clients.container(CONTAINER).list_blobs(name_starts_with=f"{setting_id}/"))


# Her name as a word of its own: "Mia" also turns up by chance inside base64 (an Argon2 hash holds
# about 65 random characters of it), which is no trace of her.
MIAS_NAME = re.compile(r"(?<![\w+/-])Mia(?![\w+/-])")
# Properties that hold only hashes and keys: random characters, never anyone's name.
OPAQUE = ("PasswordHash", "PinHash", "LinkDigest", "PublicKey", "CredentialId")


def names_mia(entity: dict[str, Any], mia: Child) -> bool:
    text = json.dumps({k: v for k, v in entity.items() if k not in OPAQUE}, default=str)
    return mia.child_id in text or MIAS_NAME.search(text) is not None


def test_a_trace_of_mia_is_her_name_or_id_and_never_chance_letters_of_a_hash(nursery: Nursery) -> None:
    mia = nursery.child(firstName="Mia", lastName="Rose")
    traces = [{"Text": "Mia's den"}, {"Text": "with Mia!"}, {"Children": f'[["{mia.child_id}"]]'}]
    assert all(names_mia(row, mia) for row in traces)
    chance = {"PasswordHash": "$argon2id$v=19$m=65536,t=3,p=4$q2Mia8/x$Zk+Miaw", "Name": "Amiable Miah"}
    assert not names_mia(chance, mia)


def leftovers(clients: StorageClients, world: World) -> list[str]:
    """Anything of Mia still stored: rows naming her id or name, her comments, her photos' rows and
    blobs."""
    found = []
    for table, entities in rows(clients, world.setting_id).items():
        found += [f"{table}: {e['PartitionKey']}/{e['RowKey']}" for e in entities if names_mia(e, world.mia)]
    solo_comments = [e for e in rows(clients, world.setting_id, [keys.COMMENTS])[keys.COMMENTS]
                     if e["PartitionKey"].endswith(world.solo)]  # fmt: skip
    found += [f"comment of the solo observation {e['RowKey']}" for e in solo_comments]
    canonical = rows(clients, world.setting_id, [keys.OBSERVATIONS])[keys.OBSERVATIONS]
    photo_rows = {e["RowKey"] for e in canonical}
    found += [f"photo row {p}" for p in world.photo_ids if keys.photo_row(p) in photo_rows]
    found += [f"discard mark {p}" for p in world.photo_ids if keys.discard_row(p) in photo_rows]
    names = set(blobs(clients, world.setting_id))
    found += [
        n
        for p in world.photo_ids
        for n in (blob_name(world.setting_id, p, s) for s in PhotoSize)
        if n in names
    ]
    return found


def run(deps: Deps, clients: StorageClients, setting_id: str, *, store: TableRetention | None = None,
        budget: Budget | None = None) -> PurgeReport:  # fmt: skip
    setting = deps.settings.get(setting_id)
    assert setting is not None
    return purge_setting(deps, store or bootstrap.retention_store(clients), setting, budget or Budget(600))


def assert_purged_cleanly(deps: Deps, clients: StorageClients, world: World) -> None:
    assert leftovers(clients, world) == []
    assert deps.children.get(world.setting_id, world.mia.child_id) is None
    group = deps.observations.get(world.setting_id, world.group)
    assert group is not None
    assert group.child_ids == [world.ollie.child_id]
    assert group.text == "A friend and Ollie built a den. A friend found the blanket."
    assert group.next_steps == "Invite a friend to count the pegs."
    assert group.photo_ids == []
    assert sorted(c.text for c in deps.comments.of(world.setting_id, world.group)) == [
        "Ollie loved playing with a friend!",
        "They worked well together.",
    ]
    ollies_journal = keys.journal_partition(world.setting_id, world.ollie.child_id)
    projection = [
        r
        for r in rows(clients, world.setting_id, [keys.JOURNAL])[keys.JOURNAL]
        if r["PartitionKey"] == ollies_journal
    ]
    group_row = next(r for r in projection if r["ObservationId"] == world.group)
    assert group_row["Text"] == group.text and group_row["NextSteps"] == group.next_steps
    assert json.loads(group_row["Children"]) == [[world.ollie.child_id, "Ollie", "Stone"]]
    assert json.loads(group_row["PhotoIds"]) == []
    assert {r["ObservationId"] for r in projection} == {world.group, world.ollies_own}
    assert deps.observations.get(world.setting_id, world.ollies_own) is not None
    assert deps.children.get(world.setting_id, world.ollie.child_id) is not None


def past_retention(world: World, clock: FrozenClock, days_after: int = 1) -> None:
    clock.advance(days=world.nursery.setting.retention_days + days_after)


# -- the purge ------------------------------------------------------------------------------------


def test_one_day_before_retention_nothing_of_the_leaver_is_deleted(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    world = build_world(nursery)
    archive(world)
    before, before_blobs = rows(clients, world.setting_id, RECORDS), blobs(clients, world.setting_id)
    past_retention(world, clock, days_after=-1)
    run(deps, clients, world.setting_id)
    assert rows(clients, world.setting_id, RECORDS) == before
    assert blobs(clients, world.setting_id) == before_blobs
    assert len(before_blobs) == 2 * len(world.photo_ids)


def test_one_day_after_retention_every_row_and_blob_of_the_leaver_is_gone_and_other_settings_are_untouched(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery, other_nursery: Nursery
) -> None:
    world = build_world(nursery)
    elsewhere = build_world(other_nursery)  # the same names and shapes in another setting, not archived
    archive(world)
    assert leftovers(clients, world) != []
    other_before = rows(clients, elsewhere.setting_id, RECORDS), blobs(clients, elsewhere.setting_id)
    past_retention(world, clock)
    reports = purge(deps, bootstrap.retention_store(clients), Budget(RUN_BUDGET_SECONDS))
    report = next(r for r in reports if r.setting_id == world.setting_id)
    assert report.finished
    assert_purged_cleanly(deps, clients, world)
    assert (
        rows(clients, elsewhere.setting_id, RECORDS),
        blobs(clients, elsewhere.setting_id),
    ) == other_before
    assert report.counts["children"] == 1 and report.counts["group-observations"] == 1
    assert report.counts["observations"] == 3  # the solo one, the draft and the accepted moment
    assert report.counts["photos"] == 3  # the solo one's, the group one's and the moment's from home


def test_a_second_run_finds_nothing_more_to_delete(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    world = build_world(nursery)
    archive(world)
    past_retention(world, clock)
    run(deps, clients, world.setting_id)
    after, after_blobs = rows(clients, world.setting_id, RECORDS), blobs(clients, world.setting_id)
    second = run(deps, clients, world.setting_id)
    assert second.finished and second.counts == {}
    assert rows(clients, world.setting_id, RECORDS) == after
    assert blobs(clients, world.setting_id) == after_blobs


def test_a_child_on_legal_hold_survives_the_purge_until_the_hold_is_lifted(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    world = build_world(nursery)
    archive(world)
    leaving.place_hold(deps, nursery.manager, world.mia.child_id, "Requested by the local authority")
    before, before_blobs = rows(clients, world.setting_id, RECORDS), blobs(clients, world.setting_id)
    past_retention(world, clock, days_after=30)
    run(deps, clients, world.setting_id)
    assert rows(clients, world.setting_id, RECORDS) == before
    assert blobs(clients, world.setting_id) == before_blobs
    # Months later the manager signs in again and confirms it is them before lifting it (S35).
    leaving.lift_hold(deps, signed_in(deps, nursery.manager_member), world.mia.child_id)
    run(deps, clients, world.setting_id)
    assert_purged_cleanly(deps, clients, world)


def test_a_group_observation_survives_for_the_other_child_with_the_leavers_name_gone_for_every_reader(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    world = build_world(nursery)
    archive(world)
    past_retention(world, clock)
    run(deps, clients, world.setting_id)
    shown = observations.read_observation(deps, world.ollies_parent, world.group)
    assert [c.name for c in shown.children] == ["Ollie Stone"]
    assert "Mia" not in json.dumps([shown.text, shown.next_steps, [c.text for c in shown.comments or []]])
    staff = observations.read_observation(deps, nursery.manager, world.group)
    assert "Mia" not in staff.text + staff.next_steps and "Rose" not in staff.text


class FailingTable(Table):
    """Our Table, failing on the Nth write of a run: a crash in the middle of a purge."""

    def __init__(self, table: Table, state: dict[str, int]) -> None:
        super().__init__(table._client)
        self._state = state

    def _tick(self) -> None:
        self._state["writes"] += 1
        if self._state["writes"] == self._state["fail_at"]:
            raise RuntimeError("injected failure")

    def transact(self, operations: Iterable[Operation]) -> list[str]:
        self._tick()
        return super().transact(operations)

    def delete(self, partition: str, row: str, *, etag: str | None = None) -> None:
        self._tick()
        super().delete(partition, row, etag=etag)

    def update(self, entity: Any, *, etag: str | None, replace: bool = False) -> str:
        self._tick()
        return super().update(entity, etag=etag, replace=replace)


def failing_store(clients: StorageClients, fail_at: int) -> tuple[TableRetention, dict[str, int]]:
    state = {"writes": 0, "fail_at": fail_at}
    leavers = leaver_store(clients, lambda name: FailingTable(Table(clients.table(name)), state))
    plain = bootstrap.retention_store(clients)
    return TableRetention(plain._settings, plain._accounts, plain._audit, leavers), state


# Where in the run the crash comes, counted in the writes a clean run of the same world makes.
CRASH_POINTS = {"first": 0.0, "second": 0.2, "early": 0.35, "middle": 0.5, "late": 0.75, "last": 1.0}


@pytest.mark.parametrize("point", list(CRASH_POINTS))
def test_a_run_that_fails_after_some_deletions_and_a_normal_run_end_as_one_clean_run(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery, other_nursery: Nursery,
    point: str,
) -> None:  # fmt: skip
    clean, crashed = build_world(nursery), build_world(other_nursery)
    archive(clean)
    archive(crashed)
    past_retention(clean, clock)
    counting, counted = failing_store(clients, fail_at=0)  # counts the writes, never fails
    run(deps, clients, clean.setting_id, store=counting)
    fail_at = 1 + round(CRASH_POINTS[point] * (counted["writes"] - 1))
    store, state = failing_store(clients, fail_at)
    with pytest.raises(RuntimeError, match="injected"):
        run(deps, clients, crashed.setting_id, store=store)
    assert state["writes"] == fail_at
    run(deps, clients, crashed.setting_id)
    assert_purged_cleanly(deps, clients, crashed)
    shape = {t: len(r) for t, r in rows(clients, clean.setting_id).items()}
    assert {t: len(r) for t, r in rows(clients, crashed.setting_id).items()} == shape
    assert len(blobs(clients, crashed.setting_id)) == len(blobs(clients, clean.setting_id))


class BytesThatWillNotGo(PrivateBlobs):
    """Blob deletes that fail: a run dying after the leaver's rows went and before their bytes."""

    def delete_counted(self, names: Sequence[str]) -> int:
        raise RuntimeError("injected failure")


def test_photo_bytes_left_by_a_run_that_died_after_their_rows_are_swept_by_the_next_run(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    world = build_world(nursery)
    archive(world)
    past_retention(world, clock)
    plain = bootstrap.retention_store(clients)
    leavers = leaver_store(clients)
    leavers._blobs = BytesThatWillNotGo(clients, CONTAINER)
    dying = TableRetention(plain._settings, plain._accounts, plain._audit, leavers)
    with pytest.raises(RuntimeError, match="injected"):
        run(deps, clients, world.setting_id, store=dying)
    solo_photo = world.photo_ids[0]
    assert deps.observations.get(world.setting_id, world.solo) is None  # the rows went ...
    assert blob_name(world.setting_id, solo_photo, PhotoSize.DISPLAY) in blobs(clients, world.setting_id)
    run(deps, clients, world.setting_id)
    assert_purged_cleanly(deps, clients, world)  # ... and the next run found the bytes without them


def test_a_run_out_of_budget_stops_between_batches_and_the_next_run_finishes(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    world = build_world(nursery)
    many(deps, clients, world.setting_id, world.mia, 250)
    archive(world)
    past_retention(world, clock)
    leavers = bootstrap.retention_store(clients).leavers

    def hers_alone() -> int:
        return sum(
            o.child_ids == [world.mia.child_id]
            for o in leavers.observations_of(world.setting_id, world.mia.child_id)
        )

    before = hers_alone()

    def clock_of_run() -> float:
        # Time runs out the moment the first batch of the observations about her alone is gone.
        return 0.0 if hers_alone() == before else 2.0

    stopped = run(deps, clients, world.setting_id, budget=Budget(1, clock_of_run))
    assert not stopped.finished
    assert deps.children.get(world.setting_id, world.mia.child_id) is not None
    assert 0 < stopped.counts.get("observations", 0) < 253
    finished = run(deps, clients, world.setting_id)
    assert finished.finished
    assert_purged_cleanly(deps, clients, world)


def many(
    deps: Deps,
    clients: StorageClients,
    setting_id: str,
    child: Child,
    count: int,
    *,
    published_every: int = 1,
) -> None:
    """`count` observations about one child, every `published_every`th one published (and in the
    child's journal), the rest drafts; written 100 to a transaction."""
    now = deps.clock.now()
    names = json.dumps([[child.child_id, child.first_name, child.last_name]])

    def observation(n: int) -> Observation:
        return Observation(setting_id, f"bulk{n:05d}{child.child_id}", [child.child_id], "u-author",
                           f"Day {n}", [Area.MATHEMATICS], "", now.date() - timedelta(days=n % 2000),
                           status(n), now, now, [], now)  # fmt: skip

    def status(n: int) -> ObservationStatus:
        return ObservationStatus.DRAFT if n % published_every else ObservationStatus.PUBLISHED

    def projection(o: Observation) -> dict[str, Any]:
        return {"PartitionKey": keys.journal_partition(setting_id, child.child_id),
                "RowKey": keys.journal_row(o.observed_on, o.observation_id),
                "ObservationId": o.observation_id, "Version": 1, "Children": names, "AuthorId": o.author_id,
                "Text": o.text, "NextSteps": "", "Areas": json.dumps(["mathematics"]),
                "ObservedOn": o.observed_on.isoformat(), "PublishedAt": now, "PhotoIds": "[]",
                "Area_MATHEMATICS": True}  # fmt: skip

    canonical, journal = Table(clients.table(keys.OBSERVATIONS)), Table(clients.table(keys.JOURNAL))
    made = [observation(n) for n in range(count)]
    canonical.transact(Operation("create", observation_entity(o, 1)) for o in made)
    journal.transact(
        Operation("create", projection(o)) for o in made if o.status is ObservationStatus.PUBLISHED
    )


def test_ten_thousand_observations_of_one_leaver_are_purged_within_one_run(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    mia = nursery.child(firstName="Mia", lastName="Rose")
    # A quarter published: Azurite deletes slowly from a large partition, and the drafts weigh the same.
    many(deps, clients, nursery.setting.setting_id, mia, 10_000, published_every=4)
    today = clock.now().date().isoformat()
    leaving.archive_child(deps, nursery.manager, mia.child_id, today)
    clock.advance(days=nursery.setting.retention_days + 1)
    report = run(deps, clients, nursery.setting.setting_id, budget=Budget(RUN_BUDGET_SECONDS))
    assert report.finished
    assert report.counts["observations"] == 10_000
    assert rows(clients, nursery.setting.setting_id, [keys.OBSERVATIONS, keys.JOURNAL, keys.CHILDREN]) == {
        keys.OBSERVATIONS: [],
        keys.JOURNAL: [],
        keys.CHILDREN: [],
    }
    assert deps.children.names(nursery.setting.setting_id) == []  # Mia's name went with her row


# -- the export window --------------------------------------------------------------------------


def test_when_the_export_window_ends_the_links_end_and_a_parent_with_no_child_left_is_deactivated(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    world = build_world(nursery)
    _, both = nursery.principal(Role.PARENT)
    link(deps, both, world.mia, world.ollie)
    archive(world)
    clock.advance(days=nursery.setting.export_window_days - 1)
    run(deps, clients, world.setting_id)
    assert deps.links.is_linked(world.setting_id, world.mias_parent.user_id, world.mia.child_id)
    clock.advance(days=2)
    report = run(deps, clients, world.setting_id)
    assert report.counts["export-window-links"] == 2 and report.counts["parents-deactivated"] == 1
    assert deps.links.parents_of(world.setting_id, world.mia.child_id) == []
    gone = deps.accounts.get(world.setting_id, world.mias_parent.user_id)
    assert gone is not None and gone.status is Status.DEACTIVATED and gone.deactivated_at == clock.now()
    assert deps.accounts.sessions(world.setting_id, world.mias_parent.user_id) == []
    kept = deps.accounts.get(world.setting_id, both.user_id)
    assert kept is not None and kept.status is Status.ACTIVE
    assert [link.child_id for link in deps.links.children_of(world.setting_id, both.user_id)] == [
        world.ollie.child_id
    ]
    assert deps.children.get(world.setting_id, world.mia.child_id) is not None  # records stay


def test_parents_are_mailed_the_day_the_journal_closes_when_their_child_is_archived(
    deps: Deps, clients: StorageClients, nursery: Nursery, mailbox: Mailbox
) -> None:
    mia = nursery.child(firstName="Mia", lastName="<b>Rose</b>")
    member, parent = nursery.principal(Role.PARENT)
    link(deps, parent, mia)
    leaving.archive_child(deps, nursery.manager, mia.child_id, deps.clock.now().date().isoformat())
    mail = mailbox.to(member.email)[-1]
    closes = deps.clock.now() + timedelta(days=nursery.setting.export_window_days)
    assert "closes on" in mail.subject and str(closes.year) in mail.text
    assert "Mia" in mail.text and "<img" not in mail.html


# -- orphan blobs ---------------------------------------------------------------------------------


def test_blobs_no_photo_row_owns_are_deleted_once_they_are_a_day_old(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    world = build_world(nursery)
    orphan = blob_name(world.setting_id, "pabandoned0000000000000000", PhotoSize.DISPLAY)
    deps.photo_blobs.put(orphan, jpeg(), "image/jpeg")
    run(deps, clients, world.setting_id)
    assert orphan in blobs(clients, world.setting_id)
    clock.advance(hours=25)
    report = run(deps, clients, world.setting_id)
    assert report.counts["orphan-blobs"] == 1
    remaining = blobs(clients, world.setting_id)
    assert orphan not in remaining and len(remaining) == 2 * len(world.photo_ids)


# -- restore ----------------------------------------------------------------------------------------


def test_a_leaver_past_retention_cannot_be_restored_unless_held(
    deps: Deps, clock: FrozenClock, nursery: Nursery
) -> None:
    mia, ollie = nursery.child(firstName="Mia"), nursery.child(firstName="Ollie")
    today = clock.now().date().isoformat()
    for child in (mia, ollie):
        leaving.archive_child(deps, nursery.manager, child.child_id, today)
    leaving.place_hold(deps, nursery.manager, ollie.child_id, "Inspection")
    clock.advance(days=nursery.setting.retention_days + 1)
    with pytest.raises(Conflict):
        leaving.restore_child(deps, nursery.manager, mia.child_id)
    restored = leaving.restore_child(deps, nursery.manager, ollie.child_id)
    assert restored.status is ChildStatus.ACTIVE and restored.archived_at is None


def test_a_draft_about_a_child_who_has_since_left_cannot_be_published(deps: Deps, nursery: Nursery) -> None:
    mia, ollie = nursery.child(firstName="Mia"), nursery.child(firstName="Ollie")
    created = draft(deps, nursery.manager, mia, ollie, text="Mia and Ollie raced.")
    leaving.archive_child(deps, nursery.manager, mia.child_id, deps.clock.now().date().isoformat())
    with pytest.raises(Conflict):
        observations.publish_observation(
            deps,
            nursery.manager,
            created.observation_id,
            reviewed(deps, nursery.manager, created.observation_id),
        )


def test_s37_after_a_leavers_purge_the_kept_group_observation_holds_no_name_of_the_leaver_or_their_family(
    deps: Deps, clients: StorageClients, clock: FrozenClock, nursery: Nursery
) -> None:
    manager = nursery.manager
    mia = nursery.child(firstName="Mia", lastName="Patel")
    oliver = nursery.child(firstName="Oliver", lastName="Smith")
    _, mias_parent = nursery.principal(Role.PARENT)
    _, jane = nursery.principal(Role.PARENT)
    account = deps.accounts.get(jane.setting_id, jane.user_id)
    assert account is not None
    account.name = "Jane Smith"
    deps.accounts.save(account)
    link(deps, mias_parent, mia)
    link(deps, jane, oliver)
    text = "Mia and Oliver Smith built a tower. The Smith twins joined in. Oliver's tower was tallest."
    group = draft(deps, manager, mia, oliver, text=text, next_steps="Ask O. Smith and Mia to rebuild it.")
    observations.publish_observation(
        deps, manager, group.observation_id, reviewed(deps, manager, group.observation_id)
    )
    comments.add_comment(deps, jane, group.observation_id, "Love from Jane Smith (Oliver's mum)")
    leaving.archive_child(deps, manager, oliver.child_id, clock.now().date().isoformat())
    clock.advance(days=nursery.setting.retention_days + 1)
    run(deps, clients, nursery.setting.setting_id)
    kept = deps.observations.get(nursery.setting.setting_id, group.observation_id)
    assert kept is not None and kept.child_ids == [mia.child_id]
    assert kept.text == "Mia and a friend built a tower. The twins joined in. A friend's tower was tallest."
    assert kept.next_steps == "Ask a friend and Mia to rebuild it."
    stored = [
        kept.text,
        kept.next_steps,
        *(c.text for c in deps.comments.of(kept.setting_id, kept.observation_id)),
    ]
    assert stored[-1] == "Love from a parent (a friend's mum)"
    assert not any(word in " ".join(stored).lower() for word in ("oliver", "smith", "jane"))
