"""The setting's names books on Azurite (S37): one point read each, whatever the setting's size;
rebuilt from the rows when missing; never a stale name from a copy another process kept; and
the purges take names out with the rows."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date

import pytest

from shared import bootstrap
from shared.clock import FrozenClock
from shared.config import Config
from shared.domain.children import Child, ChildStatus, ParentLink
from shared.domain.errors import Conflict
from shared.domain.people import Account, Role, Status
from shared.services.deps import Deps
from shared.storage import keys
from shared.storage.clients import StorageClients
from shared.storage.names_book import MAX_PARTS, PART_CHARS, book_entity
from tests.integration.test_flat_costs import Requests


def _child(setting_id: str, first: str, last: str, clock: FrozenClock) -> Child:
    made = Child(setting_id, "c" + secrets.token_hex(10), first, last, date(2023, 5, 1), None, True, True,
                 ChildStatus.ACTIVE, clock.now())  # fmt: skip
    return made


def _parent(setting_id: str, name: str, clock: FrozenClock) -> Account:
    user_id = "u" + secrets.token_hex(10)
    return Account(
        setting_id, user_id, f"{user_id}@family.example", name, Role.PARENT, Status.ACTIVE, clock.now()
    )


def _setting() -> str:
    return "s" + secrets.token_hex(8)


def test_s37_the_names_are_one_point_read_each_with_two_children_or_three_hundred(
    config: Config, clock: FrozenClock
) -> None:
    requests = Requests()
    deps = bootstrap.build(config, StorageClients(config.storage, request_hook=requests), clock)
    sent = []
    for count in (2, 300):
        setting_id = _setting()
        for n in range(count):
            deps.children.add(_child(setting_id, f"Child{n}", "Smith", clock))
        deps.children.names(setting_id)  # warm: the first connection is not what we count
        deps.accounts.families(setting_id)  # and the families' book, made on this first read
        with requests.during() as window:
            assert len(deps.children.names(setting_id)) == count
            deps.accounts.families(setting_id)
        sent.append(window)
    assert [len(w) for w in sent] == [2, 2]
    assert all(method == "GET" and keys.NAMES_BOOK_ROW in url for w in sent for method, url in w)


def test_s37_a_missing_book_is_rebuilt_from_the_rows_once_and_holds_every_name(
    deps: Deps, clients: StorageClients, clock: FrozenClock
) -> None:
    setting_id = _setting()
    mia = _child(setting_id, "Mia", "Smith", clock)
    deps.children.add(mia)
    jane = _parent(setting_id, "Jane Smith", clock)
    deps.accounts.add(jane)
    deps.links.link(ParentLink(setting_id, jane.user_id, mia.child_id, clock.now()))
    # A setting from before books: the rows are there, the books are not; and a child's row that
    # was written without one.
    for table in (keys.CHILDREN, keys.ACCOUNTS):
        clients.table(table).delete_entity(setting_id, keys.NAMES_BOOK_ROW)
    ola = _child(setting_id, "Ola", "Nowak", clock)
    clients.table(keys.CHILDREN).create_entity(
        {"PartitionKey": setting_id, "RowKey": ola.child_id, "FirstName": "Ola", "LastName": "Nowak"}
    )
    fresh = bootstrap.build(deps.config, clients, clock)  # another process: nothing kept in memory
    assert {n.first_name for n in fresh.children.names(setting_id)} == {"Mia", "Ola"}
    assert [(p.name, p.child_ids) for p in fresh.accounts.families(setting_id)] == [
        ("Jane Smith", frozenset({mia.child_id}))
    ]
    book = clients.table(keys.CHILDREN).get_entity(setting_id, keys.NAMES_BOOK_ROW)
    assert book["Kind"] == "names" and book["Version"] == 1
    assert {n.first_name for n in deps.children.names(setting_id)} == {"Mia", "Ola"}  # rebuilt once
    assert (
        clients.table(keys.CHILDREN).get_entity(setting_id, keys.NAMES_BOOK_ROW).metadata["etag"]
        == (book.metadata["etag"])
    )


def test_s37_a_rename_in_one_process_is_read_at_once_by_another_that_kept_the_book(
    deps: Deps, clients: StorageClients, clock: FrozenClock
) -> None:
    setting_id = _setting()
    mia = _child(setting_id, "Mia", "Smith", clock)
    deps.children.add(mia)
    jane = _parent(setting_id, "Jane Smith", clock)
    deps.accounts.add(jane)
    other = bootstrap.build(deps.config, clients, clock)
    assert [n.first_name for n in other.children.names(setting_id)] == ["Mia"]  # kept by `other`
    assert [p.name for p in other.accounts.families(setting_id)] == ["Jane Smith"]
    stored = deps.children.get(setting_id, mia.child_id)
    assert stored is not None
    deps.children.save(replace(stored, first_name="Maya"))
    deps.children.add(_child(setting_id, "Zoë", "Ng", clock))
    read = deps.accounts.get(setting_id, jane.user_id)
    assert read is not None
    read.name = "Jane Brown"
    deps.accounts.save(read)
    assert sorted(n.first_name for n in other.children.names(setting_id)) == ["Maya", "Zoë"]
    assert [p.name for p in other.accounts.families(setting_id)] == ["Jane Brown"]


def test_s37_children_added_at_once_from_four_processes_all_reach_the_book(
    deps: Deps, clients: StorageClients, clock: FrozenClock
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    setting_id = _setting()
    deps.children.add(_child(setting_id, "Mia", "Smith", clock))
    others = [bootstrap.build(deps.config, clients, clock) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: others[n].children.add(_child(setting_id, f"Kid{n}", "Ng", clock)), range(4)))
    assert sorted(n.first_name for n in deps.children.names(setting_id)) == [
        "Kid0",
        "Kid1",
        "Kid2",
        "Kid3",
        "Mia",
    ]


def test_s37_the_leavers_purge_takes_a_childs_names_and_links_out_of_the_books(
    deps: Deps, clients: StorageClients, clock: FrozenClock
) -> None:
    setting_id = _setting()
    mia, ollie = _child(setting_id, "Mia", "Smith", clock), _child(setting_id, "Ollie", "Brown", clock)
    for each in (mia, ollie):
        deps.children.add(each)
    jane = _parent(setting_id, "Jane Smith", clock)
    deps.accounts.add(jane)
    for each in (mia, ollie):
        deps.links.link(ParentLink(setting_id, jane.user_id, each.child_id, clock.now()))
    store = bootstrap.retention_store(clients).leavers
    store.erase_links(setting_id, mia.child_id)
    stored = deps.children.get(setting_id, mia.child_id)
    assert stored is not None and store.erase_child(stored)
    assert [n.first_name for n in deps.children.names(setting_id)] == ["Ollie"]
    assert [p.child_ids for p in deps.accounts.families(setting_id)] == [frozenset({ollie.child_id})]


def test_s37_an_erased_parents_name_leaves_the_families_book_with_the_account(
    deps: Deps, clients: StorageClients, clock: FrozenClock
) -> None:
    setting_id = _setting()
    jane, tom = _parent(setting_id, "Jane Smith", clock), _parent(setting_id, "Tom Ng", clock)
    for each in (jane, tom):
        deps.accounts.add(each)
    deps.links.link(ParentLink(setting_id, jane.user_id, "c-mia", clock.now()))
    bootstrap.retention_store(clients).erase_account(setting_id, jane.user_id)
    assert [p.name for p in deps.accounts.families(setting_id)] == ["Tom Ng"]


def test_a_book_past_its_bound_is_refused_never_cut_short() -> None:
    fits = {"c": "x" * (PART_CHARS * MAX_PARTS - 20)}
    assert book_entity("s1", fits, 1)["Parts"] == MAX_PARTS
    with pytest.raises(Conflict):
        book_entity("s1", {"c": "x" * (PART_CHARS * MAX_PARTS)}, 1)
    # Every piece is ASCII, so its UTF-16 size is twice its length: under 64 KiB a property.
    row = book_entity("s1", {"c": "Zoë Łukasz 李" * 3000}, 1)
    assert all(len(row[f"P{n}"].encode("utf-16-le")) <= 64 * 1024 for n in range(row["Parts"]))
