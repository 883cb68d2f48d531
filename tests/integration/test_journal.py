"""Each child's journal against Azurite: newest first, cursor paging, area filter, who sees what
(S24), redaction for parents, multi-child projections and their repair, and the cost of a page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from shared.domain.children import Child
from shared.domain.errors import InvalidInput, NotFound
from shared.domain.observations import Area, Observation, ObservationStatus
from shared.domain.people import Role
from shared.domain.redaction import NamedChild
from shared.domain.settings import OtherChildren, Setting
from shared.services import journal, observations, sessions
from shared.services.deps import Deps
from shared.services.signin import complete_sign_in, start_sign_in
from shared.storage import keys, tables
from shared.storage.clients import StorageClients
from shared.storage.journal import TableJournal
from shared.storage.tables import Table
from tests.conftest import People
from tests.journal_support import add_child, draft, link, principal, published, set_policy


def fill(deps: Deps, setting: Setting, child: Child, count: int, area: Area | None = None) -> list[str]:
    """`count` published observations, one a day going back; their ids newest first."""
    today = deps.clock.now().date()
    names = [NamedChild(child.child_id, child.first_name, child.last_name)]
    ids = []
    for day in range(count):
        observation = Observation(
            setting_id=setting.setting_id, observation_id=f"o{day:03d}x{child.child_id}",
            child_ids=[child.child_id], author_id="u-author", text=f"Day {day}",
            areas=[area or (Area.MATHEMATICS if day % 3 == 0 else Area.LITERACY)], next_steps="",
            observed_on=today - timedelta(days=day), status=ObservationStatus.PUBLISHED,
            created_at=deps.clock.now(), updated_at=deps.clock.now(), published_at=deps.clock.now(),
        )  # fmt: skip
        deps.observations.add(observation, names)
        ids.append(observation.observation_id)
    return ids


def all_pages(deps: Deps, who: Any, child: Child, area: str | None = None) -> Iterator[list[str]]:
    cursor = None
    while True:
        page = journal.list_journal(deps, who, child.child_id, cursor=cursor, area=area)
        yield [e.observation_id for e in page.entries]
        if page.cursor is None:
            return
        cursor = page.cursor


def test_the_journal_lists_newest_first_twenty_a_page_across_pages(deps: Deps, people: People) -> None:
    setting = people.setting()
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    parent = principal(setting.setting_id, Role.PARENT)
    link(deps, parent, mia)
    ids = fill(deps, setting, mia, 45)
    pages = list(all_pages(deps, parent, mia))
    assert [len(p) for p in pages] == [20, 20, 5]
    assert [i for p in pages for i in p] == ids


def test_the_area_filter_pages_through_only_that_area(deps: Deps, people: People) -> None:
    setting = people.setting()
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    manager = principal(setting.setting_id, Role.MANAGER)
    ids = fill(deps, setting, mia, 66)  # days 0, 3, ... 63 are mathematics: 22 of them
    pages = list(all_pages(deps, manager, mia, area="mathematics"))
    assert [len(p) for p in pages] == [20, 2]
    assert [i for p in pages for i in p] == ids[::3]
    with pytest.raises(InvalidInput):
        journal.list_journal(deps, manager, mia.child_id, cursor=None, area="astrology")


def test_a_cursor_is_bound_to_its_child_and_filter_and_cannot_be_forged(deps: Deps, people: People) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    mia, ollie = (
        add_child(deps, setting.setting_id, "Mia", "R"),
        add_child(deps, setting.setting_id, "Ollie", "S"),
    )
    fill(deps, setting, mia, 25)
    fill(deps, setting, ollie, 25)
    cursor = journal.list_journal(deps, manager, mia.child_id, cursor=None, area=None).cursor
    assert cursor is not None
    for child_id, area, forged in [
        (ollie.child_id, None, cursor),  # another child's journal
        (mia.child_id, "literacy", cursor),  # another filter
        (mia.child_id, None, "not-a-cursor!"),
        (mia.child_id, None, cursor[:-3]),
    ]:
        with pytest.raises(InvalidInput):
            journal.list_journal(deps, manager, child_id, cursor=forged, area=area)


def test_s24_parents_see_only_published_entries_of_linked_children(deps: Deps, people: People) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    parent = principal(setting.setting_id, Role.PARENT)
    mia, ollie = (
        add_child(deps, setting.setting_id, "Mia", "R"),
        add_child(deps, setting.setting_id, "Ollie", "S"),
    )
    link(deps, parent, mia)
    shown = published(deps, manager, mia)
    draft(deps, manager, mia)
    submitted = draft(deps, manager, mia)
    observations.submit_observation(deps, manager, submitted.observation_id)
    assert list(all_pages(deps, parent, mia)) == [[shown.observation_id]]
    with pytest.raises(NotFound):
        journal.list_journal(deps, parent, ollie.child_id, cursor=None, area=None)


def test_s24_unlinking_takes_effect_on_the_next_request(deps: Deps, people: People) -> None:
    setting = people.setting()
    parent = principal(setting.setting_id, Role.PARENT)
    mia = add_child(deps, setting.setting_id, "Mia", "R")
    link(deps, parent, mia)
    published(deps, principal(setting.setting_id, Role.MANAGER), mia)
    assert journal.list_journal(deps, parent, mia.child_id, cursor=None, area=None).entries
    deps.links.unlink(setting.setting_id, parent.user_id, mia.child_id)
    with pytest.raises(NotFound):
        journal.list_journal(deps, parent, mia.child_id, cursor=None, area=None)


def test_s24_another_settings_child_id_is_not_found_for_anyone(deps: Deps, people: People) -> None:
    mine, theirs = people.setting(), people.setting()
    ada = add_child(deps, theirs.setting_id, "Ada", "Far")
    published(deps, principal(theirs.setting_id, Role.MANAGER), ada)
    for role in Role:
        with pytest.raises(NotFound):
            journal.list_journal(deps, principal(mine.setting_id, role), ada.child_id, cursor=None, area=None)


def test_s24_a_key_children_only_practitioner_cannot_read_another_childs_journal(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    set_policy(deps, setting.setting_id, key_children_only=True)
    pat = principal(setting.setting_id, Role.PRACTITIONER)
    mine = add_child(deps, setting.setting_id, "Mia", "R", key_person=pat.user_id)
    other = add_child(deps, setting.setting_id, "Ollie", "S", key_person="u-someone")
    assert journal.list_journal(deps, pat, mine.child_id, cursor=None, area=None).entries == []
    with pytest.raises(NotFound):
        journal.list_journal(deps, pat, other.child_id, cursor=None, area=None)


def test_a_group_observation_is_in_every_childs_journal_redacted_for_each_family(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    set_policy(deps, setting.setting_id, other_children=OtherChildren.HIDDEN)
    manager = principal(setting.setting_id, Role.MANAGER)
    mia, ollie = (
        add_child(deps, setting.setting_id, "Mia", "Rose"),
        add_child(deps, setting.setting_id, "Ollie", "Stone"),
    )
    mias, ollies = principal(setting.setting_id, Role.PARENT), principal(setting.setting_id, Role.PARENT)
    twins_parent = principal(setting.setting_id, Role.PARENT)
    link(deps, mias, mia)
    link(deps, ollies, ollie)
    link(deps, twins_parent, mia, ollie)
    published(deps, manager, mia, ollie, text="Mia Rose and Ollie shared the sand.")
    seen = {
        who: journal.list_journal(deps, p, child.child_id, cursor=None, area=None).entries[0].text
        for who, p, child in [("mia", mias, mia), ("ollie", ollies, ollie), ("both", twins_parent, mia)]
    }
    assert seen == {
        "mia": "Mia Rose and a friend shared the sand.",
        "ollie": "A friend and Ollie shared the sand.",
        "both": "Mia Rose and Ollie shared the sand.",
    }
    staff = journal.list_journal(deps, manager, ollie.child_id, cursor=None, area=None).entries[0]
    assert [c.name for c in staff.children] == ["Mia Rose", "Ollie Stone"]


def test_s24_a_tightened_privacy_policy_protects_other_children_on_the_next_page(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    mia, ollie = (
        add_child(deps, setting.setting_id, "Mia", "Rose"),
        add_child(deps, setting.setting_id, "Ollie", "Stone"),
    )
    parent = principal(setting.setting_id, Role.PARENT)
    link(deps, parent, mia)
    published(deps, manager, mia, ollie, text="Ollie Stone waved.")
    assert (
        journal.list_journal(deps, parent, mia.child_id, cursor=None, area=None).entries[0].text
        == "O. S. waved."
    )
    set_policy(deps, setting.setting_id, other_children=OtherChildren.HIDDEN)
    assert (
        journal.list_journal(deps, parent, mia.child_id, cursor=None, area=None).entries[0].text
        == "A friend waved."
    )


def test_attaching_a_photo_to_a_published_observation_updates_every_projection(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    mia, ollie = (
        add_child(deps, setting.setting_id, "Mia", "Rose"),
        add_child(deps, setting.setting_id, "Ollie", "Stone"),
    )
    shown = published(deps, manager, mia, ollie)
    observations.attach_photo(deps, shown, "photo-1")
    for child in (mia, ollie):
        entry = journal.list_journal(deps, manager, child.child_id, cursor=None, area=None).entries[0]
        assert entry.photo_ids == ["photo-1"]


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


def test_s37_a_parents_journal_page_costs_five_storage_queries_and_none_per_entry(
    deps: Deps, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    setting = people.setting()
    member = people.member(Role.PARENT, setting=setting)
    challenge = start_sign_in(deps, setting=setting.setting_id, email=member.email, password=member.password)
    token = complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="test").token
    mia, ollie = (
        add_child(deps, setting.setting_id, "Mia", "Rose"),
        add_child(deps, setting.setting_id, "Ollie", "S"),
    )
    parent = sessions.authenticate(deps, token)
    link(deps, parent, mia)
    published(deps, principal(setting.setting_id, Role.MANAGER), mia, ollie, text="Mia and Ollie")
    calls: list[str] = []
    for name in ("get", "query", "page", "create", "update", "upsert", "delete", "transact"):
        original = getattr(tables.Table, name)

        def counted(self: Table, *args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            calls.append(_name)
            return _original(self, *args, **kw)

        monkeypatch.setattr(tables.Table, name, counted)
    who = sessions.authenticate(deps, token)
    page = journal.list_journal(deps, who, mia.child_id, cursor=None, area=None)
    assert page.entries[0].text == "Mia and O. S."  # redacted with the setting's default policy
    # The session check (which reads the parent's links in the same query), the privacy policy,
    # the journal partition, and the setting's names (its children, its families): nothing per entry.
    assert sorted(calls) == ["get", "page", "query", "query", "query"]
    calls.clear()
    empty = journal.list_journal(deps, who, mia.child_id, cursor=None, area="communication-and-language")
    assert empty.entries == []
    assert sorted(calls) == ["get", "page"]  # the policy and the partition; no entry, no names
