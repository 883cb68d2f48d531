"""The journal projection and the observation ETag check in Table Storage: what another process,
a crash or a slow writer leaves behind is detected, repaired or refused by the adapters."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.domain.errors import ConcurrencyConflict
from shared.domain.observations import Observation
from shared.domain.people import Role
from shared.services import access, journal, observations
from shared.services.deps import Deps
from shared.storage import keys
from shared.storage.clients import StorageClients
from shared.storage.journal import TableJournal
from shared.storage.observations import TableObservations
from shared.storage.tables import Table
from tests.conftest import People
from tests.journal_support import add_child, draft, principal, published


def test_a_projection_left_behind_by_a_crash_is_detected_and_repaired(
    deps: Deps, people: People, clients: StorageClients
) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    shown = published(deps, manager, mia)
    # As if the process died after the canonical write: a newer version the journal never saw.
    canonical = Table(clients.table(keys.OBSERVATIONS))
    row = canonical.get(setting.setting_id, shown.observation_id)
    assert row is not None
    canonical.update({**row, "Version": row["Version"] + 1, "Text": "Corrected"}, etag=row["_etag"])
    names = observations.named_children(deps, shown)
    assert deps.observations.repair(setting.setting_id, shown.observation_id, names) is True
    assert (
        journal.list_journal(deps, manager, mia.child_id, cursor=None, area=None).entries[0].text
        == "Corrected"
    )
    assert deps.observations.repair(setting.setting_id, shown.observation_id, names) is False


def test_an_older_version_never_overwrites_a_newer_projection(
    deps: Deps, people: People, clients: StorageClients
) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    shown = observations.attach_photo(deps, published(deps, manager, mia), "p1")
    names = observations.named_children(deps, shown)
    # A slow writer of version 1 arrives after version 3 (published, then the photo) was projected.
    TableJournal(Table(clients.table(keys.JOURNAL))).project(
        Observation(**{**shown.__dict__, "photo_ids": [], "text": "old"}), 1, names
    )
    entry = journal.list_journal(deps, manager, mia.child_id, cursor=None, area=None).entries[0]
    assert entry.photo_ids == ["p1"]


def test_a_change_made_by_another_process_is_never_overwritten_by_a_save_from_an_older_read(
    deps: Deps, people: People, clients: StorageClients
) -> None:
    setting = people.setting()
    author = principal(setting.setting_id, Role.MANAGER)
    created = draft(deps, author, add_child(deps, setting.setting_id, "Mia", "Rose"))
    read_here = deps.observations.get(setting.setting_id, created.observation_id)
    assert read_here is not None
    # Another instance of the app, with nothing remembered, edits it in between.
    other = TableObservations(
        Table(clients.table(keys.OBSERVATIONS)), TableJournal(Table(clients.table(keys.JOURNAL)))
    )
    theirs = other.get(setting.setting_id, created.observation_id)
    assert theirs is not None
    other.save(replace(theirs, text="Their edit"), [])
    with pytest.raises(ConcurrencyConflict):
        deps.observations.save(replace(read_here, text="Mine"), [])
    stored = access.visible_observation(deps, author, created.observation_id)
    assert stored.text == "Their edit"
