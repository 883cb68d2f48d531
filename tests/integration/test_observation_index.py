"""Observations stored before the staff lists had index rows: the nightly backfill gives each its
rows once, in the observation's own transaction, and the lists and the purge answer the same before
and after it. Checked against Azurite, with the older rows written as they were stored then."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from shared import bootstrap
from shared.clock import FrozenClock
from shared.domain.observations import Observation, ObservationStatus
from shared.domain.settings import Setting
from shared.services.deps import Deps
from shared.services.retention import Budget, purge_setting
from shared.storage import keys
from shared.storage.clients import StorageClients
from shared.storage.observations import TableObservations, observation_entity
from shared.storage.tables import Table
from tests.conftest import People
from tests.contract.examples import observation

SUBMITTED, DRAFT, PUBLISHED = (
    ObservationStatus.SUBMITTED,
    ObservationStatus.DRAFT,
    ObservationStatus.PUBLISHED,
)


def stored_before_the_index(clients: StorageClients, made: Observation) -> None:
    """The canonical row alone, as every observation was stored before the index rows."""
    Table(clients.table(keys.OBSERVATIONS)).create(observation_entity(made, 1))


def older(
    setting_id: str, clock: FrozenClock, minutes: int, children: list[str], **given: object
) -> Observation:
    made = observation(setting_id, clock.now(), children, **given)  # type: ignore[arg-type]
    return replace(
        made, text=f"Observed {minutes} minutes in.", updated_at=clock.now() + timedelta(minutes=minutes)
    )


def index_rows(clients: StorageClients, setting_id: str) -> list[str]:
    found = Table(clients.table(keys.OBSERVATIONS)).query(
        "PartitionKey eq @pk and RowKey gt @photos", {"pk": setting_id, "photos": keys.PHOTO_ROWS + "~"}
    )
    return sorted(r["RowKey"] for r in found)


def queue(deps: Deps, setting_id: str) -> list[str]:
    return [o.text for o in deps.observations.list(setting_id, SUBMITTED, None)]


def nightly(deps: Deps, clients: StorageClients, setting: Setting, seconds: float = 600) -> dict[str, int]:
    return purge_setting(deps, bootstrap.retention_store(clients), setting, Budget(seconds)).counts


def test_the_nightly_backfill_indexes_older_observations_once_and_the_lists_answer_the_same(
    deps: Deps, people: People, clients: StorageClients, clock: FrozenClock
) -> None:
    setting = people.setting()
    sid = setting.setting_id
    waiting = older(sid, clock, 1, ["c-mia"], status=SUBMITTED)
    group = older(sid, clock, 2, ["c-mia", "c-leo"], status=SUBMITTED)
    drafted = older(sid, clock, 3, ["c-mia"], status=DRAFT, author_id="u-ann")
    for made in (waiting, group, drafted, older(sid, clock, 4, ["c-leo"], status=PUBLISHED)):
        stored_before_the_index(clients, made)
    leavers = bootstrap.retention_store(clients).leavers
    before = queue(deps, sid)
    read_before = deps.observations.get(sid, waiting.observation_id)
    assert before == ["Observed 2 minutes in.", "Observed 1 minutes in."] and index_rows(clients, sid) == []

    assert nightly(deps, clients, setting)["observations-indexed"] == 4
    assert keys.OBSERVATIONS_INDEXED in index_rows(clients, sid)
    assert queue(deps, sid) == before
    assert [o.text for o in deps.observations.list(sid, DRAFT, "u-ann")] == ["Observed 3 minutes in."]
    assert {o.observation_id for o in leavers.observations_of(sid, "c-mia")} == {
        waiting.observation_id, group.observation_id, drafted.observation_id,
    }  # fmt: skip
    rows_after_first_run = index_rows(clients, sid)
    assert "observations-indexed" not in nightly(deps, clients, setting)  # marked: nothing to do
    assert index_rows(clients, sid) == rows_after_first_run

    # The backfill kept every version: the approvals screen read before it still publishes.
    assert read_before is not None and deps.observations.get(sid, waiting.observation_id) == read_before
    deps.observations.save(replace(read_before, status=PUBLISHED, published_at=clock.now()), [])
    assert queue(deps, sid) == ["Observed 2 minutes in."]
    assert not [
        r
        for r in index_rows(clients, sid)
        if r.startswith("status~submitted~") and waiting.observation_id in r
    ]


def test_a_backfill_out_of_time_leaves_the_setting_unmarked_and_the_next_run_finishes_it(
    deps: Deps, people: People, clients: StorageClients, clock: FrozenClock
) -> None:
    sid = people.setting().setting_id
    # 60 older observations are more than one transaction of 100 operations (4 each).
    for minutes in range(60):
        stored_before_the_index(clients, older(sid, clock, minutes, ["c-mia"], status=SUBMITTED))
    first = deps.observations.index_setting(sid, spent=lambda: True)
    assert 0 < first < 60 and keys.OBSERVATIONS_INDEXED not in index_rows(clients, sid)
    assert len(queue(deps, sid)) == 60  # unmarked: still every one, the old way
    assert first + deps.observations.index_setting(sid) == 60
    assert queue(deps, sid) == [f"Observed {m} minutes in." for m in reversed(range(60))]
    assert deps.observations.index_setting(sid) == 0


def test_an_observation_saved_while_the_backfill_runs_keeps_its_new_version_in_the_lists(
    deps: Deps, people: People, clients: StorageClients, clock: FrozenClock
) -> None:
    sid = people.setting().setting_id
    made = older(sid, clock, 1, ["c-mia"], status=SUBMITTED)
    stored_before_the_index(clients, made)
    read = deps.observations.get(sid, made.observation_id)
    assert read is not None
    # The backfill read the old row; the manager sends it back before the backfill writes.
    stale_row = Table(clients.table(keys.OBSERVATIONS)).get(sid, made.observation_id)
    assert stale_row is not None
    deps.observations.save(replace(read, status=DRAFT, text="Returned: add what Mia said."), [])
    adapter = deps.observations
    assert isinstance(adapter, TableObservations)
    assert adapter._index_batch([stale_row]) == 0  # its copy of the old version is refused
    assert queue(deps, sid) == []
    assert [o.text for o in deps.observations.list(sid, DRAFT, None)] == ["Returned: add what Mia said."]
    assert (
        len([r for r in index_rows(clients, sid) if made.observation_id in r]) == 3
    )  # status, author, child
