"""A setting of any size for the scale bench: people and children through the one world builder
(devhost/world.py, so they are what the use cases would make), and the bulk written straight to
storage in 100-entity transactions from a thread pool, because one request per row would take
hours: observations with their journal rows, photos, two years of audit entries and tens of
thousands of expired sessions.

    LARGE  300 children in rooms of 26, 60 staff, 600 parents, 100,000 observations (a third
           with a photo), two years of audit entries, 50,000 expired sessions
    SMALL  a one-room nursery: 26 children, 2 staff, 1 parent, 1,300 observations, a week of audit

Every child of both has final judgements at each of the default plan's four points.

Both have the same few people who sign in (a manager and a parent linked to the first child) and
the same number of observations waiting for approval, so an operation does the same work in
each; what differs is only how much else the setting holds.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from azure.core.exceptions import ServiceRequestError, ServiceResponseError

from devhost.world import Person, Place
from devhost.world import World as BuiltWorld
from shared.domain.assessments import ChildAssessment, Judgement, RecordStatus, Scale, default_plan
from shared.domain.audit_chain import GENESIS, link_hash, to_millisecond
from shared.domain.children import Child, ChildStatus, ParentLink
from shared.domain.frameworks import DEFAULT_FRAMEWORK, framework
from shared.domain.observations import Area, Observation, ObservationStatus
from shared.domain.people import Account, Role, Status
from shared.domain.photos import CONTAINER, Photo, PhotoSize, StoredImage
from shared.domain.rooms import Room
from shared.domain.two_year_check import setting_today
from shared.services.deps import Deps
from shared.services.invitations import new_user_id
from shared.storage import keys
from shared.storage.assessments import judgement_entity, record_entity
from shared.storage.clients import StorageClients
from shared.storage.journal import area_property
from shared.storage.observations import observation_rows
from shared.storage.photos import photo_entity

PASSWORD = "lantern otter meadow quill"
PIN = "480317"
BATCH = 100  # the Table service's limit for one transaction
WORKERS = 4  # more only queue up inside the emulator on a two-core machine
WAITING = 10  # observations submitted for approval, in every size
# Children a room: a pre-school room of 26 at 1:13 with two practitioners (the EYFS ratios for
# three- and four-year-olds); the small setting is one such room.
ROOM_SIZE = 26
# One tiny JPEG-shaped payload for every stored photo: reads hand out SAS links and the purge only
# deletes, so no operation here looks at the bytes, and 66,000 copies stay small.
PHOTO_BYTES = b"\xff\xd8" + bytes(510)
IMAGE = StoredImage("image/jpeg", 32, 24, len(PHOTO_BYTES))
ACTIONS = ("sign-in", "observation.publish", "observation.create", "child.update", "sign-out")


@dataclass(frozen=True)
class Size:
    children: int
    staff: int
    parents: int
    observations: int
    audit_days: int
    audit_per_day: int
    expired_sessions: int
    photo_every: int = 3  # a third of the observations have a photo


LARGE = Size(300, 60, 600, 100_000, 730, 40, 50_000)
# One room: the same room of 26 the large setting's parent's child is in, so a room's list and
# report do the same work on both sides; 50 observations a child, so the parent's child has a
# full second page.
SMALL = Size(26, 2, 1, 1_300, 7, 40, 0)


@dataclass
class Built:
    """A seeded setting: who signs in, the parent's child, and what seeding took."""

    place: Place
    manager: Person
    parent: Person
    child: Child
    friend: Child
    photo_id: str
    size: Size
    seconds: float = 0.0
    entities: int = 0
    blobs: int = 0
    steps: dict[str, float] = field(default_factory=dict)
    signers: list[str] = field(default_factory=list)  # other parents' e-mails, same secrets
    room_id: str = ""  # the room of the parent's child, for the staff list by room

    @property
    def setting_id(self) -> str:
        return self.place.setting_id


def build(deps: Deps, clients: StorageClients, size: Size, *, name: str) -> Built:
    """Seed one setting of `size`; every row is what the app itself would have written."""
    start = time.perf_counter()
    steps: dict[str, float] = {}
    place = BuiltWorld(deps).setting(f"{name}-{secrets.token_hex(3)}", f"Scale {name.title()}")
    manager = place.manager("Scale Manager", f"manager@{name}.example", password=PASSWORD, pin=PIN)
    parent = place.parent("Scale Parent", f"parent@{name}.example", password=PASSWORD, pin=PIN)
    now = deps.clock.now()
    with ThreadPoolExecutor(WORKERS) as pool:
        mark = time.perf_counter()
        children = list(pool.map(lambda n: place.child(f"Child{n}", f"Family{n}"), range(size.children)))
        staff = [
            a.user_id for a in _people(deps, pool, place, manager, Role.PRACTITIONER, size.staff - 1, now)
        ]
        others = _people(deps, pool, place, parent, Role.PARENT, size.parents - 1, now)
        parents = [parent.user_id, *(a.user_id for a in others)]
        links = [ParentLink(place.setting_id, p, children[n % len(children)].child_id, now)
                 for n, p in enumerate(parents)]  # fmt: skip
        list(pool.map(deps.links.link, links))
        steps["people_and_children_s"] = time.perf_counter() - mark

        mark = time.perf_counter()
        rooms = _rooms(pool, place, manager, children)
        steps["rooms_s"] = time.perf_counter() - mark

        mark = time.perf_counter()
        rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        blobs = _journal(place.setting_id, children, [manager.user_id, *staff], size, now, rows)
        # Indexed as the nightly backfill leaves a setting, so the lists read the index rows.
        rows[keys.OBSERVATIONS].append(
            {"PartitionKey": place.setting_id, "RowKey": keys.OBSERVATIONS_INDEXED}
        )
        judged_rows(deps, place, manager.user_id, children, rows)
        _audit(place.setting_id, [manager.user_id, *staff, *parents], size, now, rows)
        _expired_sessions(place.setting_id, parents + staff, size, now, rows)
        entities = write_rows(clients, pool, rows)
        steps["rows_s"] = time.perf_counter() - mark

        mark = time.perf_counter()
        container = clients.container(CONTAINER)
        list(pool.map(lambda blob: container.upload_blob(blob, PHOTO_BYTES, overwrite=True), blobs))
        steps["blobs_s"] = time.perf_counter() - mark
    first_photo = blobs_photo(blobs, children[0], size)
    return Built(place, manager, parent, children[0], children[1], first_photo, size,
                 time.perf_counter() - start, entities, len(blobs), steps,
                 [a.email for a in others[:10]], rooms[0].room_id)  # fmt: skip


def _rooms(pool: ThreadPoolExecutor, place: Place, manager: Person, children: list[Child]) -> list[Room]:
    """Rooms of ROOM_SIZE children (the last one smaller), each child moved in by the manager
    through the use case; a room's moves in turn, since each move is guarded by the room's count."""
    groups = [children[at : at + ROOM_SIZE] for at in range(0, len(children), ROOM_SIZE)]
    made = [place.room(f"Room {n + 1}", by=manager) for n in range(len(groups))]

    def fill(n: int) -> None:
        for child in groups[n]:
            place.move(child, made[n], by=manager)

    list(pool.map(fill, range(len(groups))))
    return made


def blobs_photo(blobs: list[str], child: Child, size: Size) -> str:
    """The photo of the child's newest published observation that has one (the parent may view it)."""
    nth = next(
        n for n in range(0, size.observations, size.children) if n >= WAITING and n % size.photo_every == 0
    )
    photo_id = f"p{child.child_id[1:]}{nth // size.children:04d}"
    assert any(f"/{photo_id}/" in blob for blob in blobs), photo_id
    return photo_id


def _people(
    deps: Deps, pool: ThreadPoolExecutor, place: Place, like: Person, role: Role, count: int, now: datetime
) -> list[Account]:
    """`count` more accounts with the same secrets as `like` (one Argon2 hash, reused: hashing
    hundreds at production cost is not what the bench measures), added through the port."""

    def add(n: int) -> Account:
        account = Account(place.setting_id, new_user_id(), f"{role.value}{n}@{place.setting_id}.example",
                          f"{role.value.title()} {n}", role, Status.ACTIVE, now)  # fmt: skip
        account.password_hash, account.pin_hash = like.account.password_hash, like.account.pin_hash
        deps.accounts.add(account)
        return account

    return list(pool.map(add, range(count)))


def _journal(
    setting_id: str, children: list[Child], authors: list[str], size: Size, now: datetime,
    rows: dict[str, list[dict[str, Any]]], waiting: int = WAITING,
) -> list[str]:  # fmt: skip
    """Observations spread over the children's journals, newest first, over two years; the first
    WAITING are waiting for approval (no journal row yet). Returns the photo blobs to upload."""
    blobs: list[str] = []
    per_child = max(1, size.observations // len(children))
    for n in range(size.observations):
        child = children[n % len(children)]
        nth = n // len(children)
        observed = now.date() - timedelta(days=nth * 730 // per_child)
        photo_ids = []
        is_waiting = n < waiting
        if n % size.photo_every == 0:
            photo_ids = [f"p{child.child_id[1:]}{nth:04d}"]
        made = Observation(
            setting_id, secrets.token_hex(12), [child.child_id], authors[n % len(authors)],
            f"{child.first_name} counted the bricks of tower {nth}.", [Area.MATHEMATICS], "",
            observed, ObservationStatus.SUBMITTED if is_waiting else ObservationStatus.PUBLISHED,
            now, now, photo_ids, None if is_waiting else now,
        )  # fmt: skip
        rows[keys.OBSERVATIONS] += observation_rows(made, 1)  # with its index rows, as the app writes it
        for photo_id in photo_ids:
            photo = Photo(setting_id, photo_id, made.observation_id, made.author_id, IMAGE, IMAGE, now)
            rows[keys.OBSERVATIONS].append(photo_entity(photo))
            blobs += [photo.blob(size) for size in PhotoSize]
        if not is_waiting:
            rows[keys.JOURNAL].append(_journal_entity(made, child))
    return blobs


def _journal_entity(observation: Observation, child: Child) -> dict[str, Any]:
    """The projection the journal adapter writes for a published observation of one child."""
    entity = {
        "PartitionKey": keys.journal_partition(observation.setting_id, child.child_id),
        "RowKey": keys.journal_row(observation.observed_on, observation.observation_id),
        "ObservationId": observation.observation_id,
        "Version": 1,
        "Children": json.dumps([[child.child_id, child.first_name, child.last_name]]),
        "AuthorId": observation.author_id,
        "Text": observation.text,
        "NextSteps": "",
        "Areas": json.dumps([a.value for a in observation.areas]),
        "ObservedOn": observation.observed_on.isoformat(),
        "PublishedAt": observation.published_at,
        "PhotoIds": json.dumps(observation.photo_ids),
    }
    for area in observation.areas:
        entity[area_property(area)] = True
    return entity


def judged_rows(
    deps: Deps, place: Place, manager_id: str, children: list[Child], rows: dict[str, list[dict[str, Any]]]
) -> None:
    """Every child judged on every aspect at every point of the default plan, final: the record
    and a row per aspect, as the assessments adapter writes them. A fifth of the children are not
    yet on track in writing, so a report names some children behind."""
    known, now = framework(DEFAULT_FRAMEWORK), deps.clock.now()
    today = setting_today(now, place.setting.time_zone)
    for point in default_plan(place.setting_id, today).points:
        for n, child in enumerate(children):
            behind = "writing" if n % 5 == 0 else ""
            judged = {a.aspect_id: Judgement(a.aspect_id, "not-yet-on-track" if a.aspect_id == behind
                                             else "on-track") for a in known.aspects}  # fmt: skip
            record = ChildAssessment(
                place.setting_id, point.point_id, child.child_id, known.framework_id.value, known.version,
                Scale.ON_TRACK, judged, RecordStatus.FINAL, manager_id, now, manager_id, now,
            )  # fmt: skip
            rows[keys.ASSESSMENTS].append(record_entity(record))
            rows[keys.ASSESSMENTS] += [judgement_entity(record, j) for j in judged.values()]


def _audit(
    setting_id: str, actors: list[str], size: Size, now: datetime, rows: dict[str, list[dict[str, Any]]]
) -> None:
    """`audit_days` of entries, `audit_per_day` a day, chained per month as the audit log chains
    them (S41), with each month's head row."""
    by_month: dict[str, list[tuple[datetime, str, str, str]]] = defaultdict(list)
    step = timedelta(days=1) / size.audit_per_day
    for n in range(size.audit_days * size.audit_per_day):
        at = to_millisecond(now - timedelta(days=size.audit_days) + step * n)
        event = (at, actors[n % len(actors)], ACTIONS[n % len(ACTIONS)], actors[(n * 7) % len(actors)])
        by_month[keys.audit_partition(setting_id, at.year, at.month)].append(event)
    for partition, events in by_month.items():
        prev = GENESIS
        for seq, (at, actor, action, target) in enumerate(events, start=1):
            digest = link_hash(seq=seq, prev=prev, at=at, setting_id=setting_id, actor=actor,
                               action=action, target=target, outcome="success", detail="")  # fmt: skip
            rows[keys.AUDIT].append({
                "PartitionKey": partition, "RowKey": keys.audit_row(at, secrets.token_hex(4)), "At": at,
                "Setting": setting_id, "Actor": actor, "Action": action, "Target": target,
                "Outcome": "success", "Detail": "", "Seq": seq, "Prev": prev, "Hash": digest,
            })  # fmt: skip
            prev = digest
        rows[keys.AUDIT].append(
            {"PartitionKey": partition, "RowKey": keys.AUDIT_HEAD, "Seq": len(events), "Hash": prev}
        )


def _expired_sessions(
    setting_id: str, users: list[str], size: Size, now: datetime, rows: dict[str, list[dict[str, Any]]]
) -> None:
    """Sessions that ended by idling out, not yet swept: a tenth of them the measured parent's."""
    for n in range(size.expired_sessions):
        user_id = users[0] if n % 10 == 0 else users[n % len(users)]
        started = now - timedelta(hours=2 + n % 20)
        rows[keys.ACCOUNTS].append(
            {"PartitionKey": setting_id, "RowKey": keys.session_row(user_id, secrets.token_hex(32)),
             "Kind": "session", "UserId": user_id, "StartedAt": started, "LastSeenAt": started,
             "ExpiresAt": started + timedelta(hours=12), "Device": "bench"}
        )  # fmt: skip


def write_rows(
    clients: StorageClients, pool: ThreadPoolExecutor, rows: dict[str, list[dict[str, Any]]]
) -> int:
    """Every row, in transactions of up to 100 entities of one partition, from the pool."""
    batches: list[tuple[str, list[dict[str, Any]]]] = []
    for table, entities in rows.items():
        for chunk in _chunks(entities):
            batches.append((table, chunk))

    def submit(batch: tuple[str, list[dict[str, Any]]]) -> int:
        table, chunk = batch
        for attempt in range(5):
            try:
                clients.table(table).submit_transaction([("upsert", entity) for entity in chunk])
                return len(chunk)
            except (ServiceResponseError, ServiceRequestError):
                # A busy emulator drops a kept-alive connection now and then; upserts can repeat.
                if attempt == 4:
                    raise
                time.sleep(1)
        return 0

    return sum(pool.map(submit, batches))


def _chunks(entities: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    by_partition: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entity in entities:
        by_partition[entity["PartitionKey"]].append(entity)
    for partition_rows in by_partition.values():
        for first in range(0, len(partition_rows), BATCH):
            yield partition_rows[first : first + BATCH]


def leaver(deps: Deps, clients: StorageClients, place: Place, observations: int) -> Child:
    """A child who left past retention, with `observations` published observations in the setting,
    a photo (its row and both blobs) on a third of them as in the rest of the world, and a journal
    row each: what the nightly purge removes."""
    now = deps.clock.now()
    child = place.child("Leaver", "Gone", status=ChildStatus.ARCHIVED, archived_at=now - timedelta(days=800))
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    size = Size(1, 1, 0, observations, 0, 0, 0)
    blobs = _journal(place.setting_id, [child], ["u-author"], size, now, rows, waiting=0)
    container = clients.container(CONTAINER)
    with ThreadPoolExecutor(WORKERS) as pool:
        write_rows(clients, pool, rows)
        list(pool.map(lambda blob: container.upload_blob(blob, PHOTO_BYTES, overwrite=True), blobs))
    return child
