"""The ChildRepository and LinkRepository contracts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from shared.clock import FrozenClock
from shared.domain.children import ChildStatus, ParentLink
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.services.deps import Deps
from tests.contract.examples import child


def test_a_child_reads_back_as_added_and_a_taken_id_is_a_conflict(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    new = child(setting_id, clock.now())
    ports.children.add(new)
    found = ports.children.get(setting_id, new.child_id)
    assert found is not None and found.etag and replace(found, etag=None) == new
    with pytest.raises(Conflict):
        ports.children.add(replace(new, first_name="Other"))
    assert ports.children.get(setting_id + "x", new.child_id) is None


def test_get_many_keeps_the_order_asked_and_skips_the_missing(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    made = [child(setting_id, clock.now()) for _ in range(16)]  # more than one query's worth
    for each in made:
        ports.children.add(each)
    wanted = [made[5].child_id, "cmissing", made[0].child_id, *[c.child_id for c in made[6:]]]
    assert [c.child_id for c in ports.children.get_many(setting_id, wanted)] == [
        i for i in wanted if i != "cmissing"
    ]
    assert [c.child_id for c in ports.children.get_many(setting_id, [made[1].child_id])] == [made[1].child_id]
    assert ports.children.get_many(setting_id, []) == []


def test_a_settings_children_come_sorted_by_first_then_last_name(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    for first, last in (("zara", "Ali"), ("Ada", "Young"), ("ada", "Byron")):
        ports.children.add(child(setting_id, clock.now(), first, last))
    ports.children.add(child(setting_id + "x", clock.now(), "Aaron", "Elsewhere"))
    names = [(c.first_name, c.last_name) for c in ports.children.list(setting_id)]
    assert names == [("ada", "Byron"), ("Ada", "Young"), ("zara", "Ali")]


def test_a_stale_save_of_a_child_is_refused_and_a_missing_one_is_not_found(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    new = child(setting_id, clock.now())
    ports.children.add(new)
    read = ports.children.get(setting_id, new.child_id)
    assert read is not None
    ports.children.save(replace(read, leaving_date=clock.now().date(), legal_hold="court order"))
    saved = ports.children.get(setting_id, new.child_id)
    assert saved is not None and saved.etag != read.etag and saved.legal_hold == "court order"
    with pytest.raises(ConcurrencyConflict):
        ports.children.save(replace(read, first_name="Lost"))
    ports.children.save(replace(saved, legal_hold=None, leaving_date=None))
    cleared = ports.children.get(setting_id, new.child_id)
    assert cleared is not None and cleared.legal_hold is None and cleared.leaving_date is None
    with pytest.raises(NotFound):
        ports.children.save(child(setting_id, clock.now()))


def test_s24_a_link_is_seen_from_both_sides_and_linking_twice_changes_nothing(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    link = ParentLink(setting_id, "uparent", "cchild", clock.now())
    ports.links.link(link)
    ports.links.link(replace(link, linked_at=clock.now() + timedelta(days=1)))
    ports.links.link(ParentLink(setting_id, "uparent", "cbrother", clock.now()))
    ports.links.link(ParentLink(setting_id, "uother", "cchild", clock.now()))
    assert ports.links.children_of(setting_id, "uparent") == [
        ParentLink(setting_id, "uparent", "cbrother", clock.now()),
        link,
    ]
    assert [p.parent_id for p in ports.links.parents_of(setting_id, "cchild")] == ["uother", "uparent"]
    assert ports.links.is_linked(setting_id, "uparent", "cchild")
    assert not ports.links.is_linked(setting_id + "x", "uparent", "cchild")
    assert ports.links.children_of(setting_id + "x", "uparent") == []


def test_s24_unlinking_removes_both_sides_and_twice_is_fine(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    ports.links.link(ParentLink(setting_id, "uparent", "cchild", clock.now()))
    ports.links.unlink(setting_id, "uparent", "cchild")
    ports.links.unlink(setting_id, "uparent", "cchild")
    assert not ports.links.is_linked(setting_id, "uparent", "cchild")
    assert ports.links.children_of(setting_id, "uparent") == []
    assert ports.links.parents_of(setting_id, "cchild") == []


def test_closing_a_childs_links_dates_both_sides_and_none_opens_them_again(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    for parent in ("ua", "ub"):
        ports.links.link(ParentLink(setting_id, parent, "cchild", clock.now()))
    ports.links.link(ParentLink(setting_id, "ua", "csibling", clock.now()))
    until = clock.now() + timedelta(days=30)
    ports.links.close_at(setting_id, "cchild", until)
    assert [link.readable_until for link in ports.links.parents_of(setting_id, "cchild")] == [until, until]
    assert [(link.child_id, link.readable_until) for link in ports.links.children_of(setting_id, "ua")] == [
        ("cchild", until),
        ("csibling", None),
    ]
    ports.links.close_at(setting_id, "cchild", None)
    assert [link.readable_until for link in ports.links.children_of(setting_id, "ub")] == [None]


def test_s37_the_names_read_holds_every_child_active_or_archived_and_nothing_else(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    made = [
        child(setting_id, clock.now(), first, last)
        for first, last in (("Mia", "Smith"), ("Ola", "Nowak"), ("Zoë", "Ng"))
    ]
    made[1] = replace(made[1], status=ChildStatus.ARCHIVED, archived_at=clock.now())
    for each in made:
        ports.children.add(each)
    ports.children.add(child(setting_id + "x", clock.now()))  # another setting's child is not named
    names = {(n.child_id, n.first_name, n.last_name) for n in ports.children.names(setting_id)}
    assert names == {(c.child_id, c.first_name, c.last_name) for c in made}


def test_s37_the_names_read_holds_a_rename_at_once_and_never_the_old_name(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    mia = child(setting_id, clock.now(), "Mia", "Smith")
    ports.children.add(mia)
    ports.children.names(setting_id)  # read once, so a kept copy would be the stale one
    stored = ports.children.get(setting_id, mia.child_id)
    assert stored is not None
    ports.children.save(replace(stored, first_name="Maya", last_name="Smythe"))
    assert [(n.first_name, n.last_name) for n in ports.children.names(setting_id)] == [("Maya", "Smythe")]


def test_s37_a_refused_save_leaves_the_names_read_as_it_was(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    mia = child(setting_id, clock.now(), "Mia", "Smith")
    ports.children.add(mia)
    stored = ports.children.get(setting_id, mia.child_id)
    assert stored is not None
    ports.children.save(replace(stored, key_person_id="u-kim"))  # not a name: the names stay
    with pytest.raises(ConcurrencyConflict):
        ports.children.save(replace(stored, first_name="Maya"))  # stale: read before the save above
    assert [n.first_name for n in ports.children.names(setting_id)] == ["Mia"]
    listed = ports.children.list(setting_id)
    assert [c.child_id for c in listed] == [mia.child_id]  # the names are not a child of the list


def test_a_room_reads_its_childrens_copies_as_they_are_now_with_the_version_an_edit_names(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    mia, noah, other = (child(setting_id, clock.now(), first) for first in ("Mia", "Noah", "Other"))
    for each in (mia, noah, other):
        ports.children.add(each)
    ports.children.place(setting_id, mia.child_id, "rbabies")
    ports.children.place(setting_id, noah.child_id, "rbabies")
    ports.children.place(setting_id, other.child_id, "rtoddlers")
    read = ports.children.get(setting_id, mia.child_id)
    assert read is not None
    ports.children.save(replace(read, first_name="Maya", legal_hold="court order"))
    listed = {c.child_id: c for c in ports.children.in_room(setting_id, "rbabies")}
    assert sorted(c.first_name for c in listed.values()) == ["Maya", "Noah"]
    assert listed[mia.child_id] == ports.children.get(setting_id, mia.child_id)  # every field, the version
    # The version the room hands out is the one an edit must name: it saves, and an older one does not.
    ports.children.save(replace(listed[mia.child_id], first_name="Mia"))
    with pytest.raises(ConcurrencyConflict):
        ports.children.save(replace(listed[mia.child_id], first_name="Lost"))
    assert [c.first_name for c in ports.children.in_room(setting_id, "rtoddlers")] == ["Other"]
    assert ports.children.in_room(setting_id + "x", "rbabies") == []
    assert [c.first_name for c in ports.children.list(setting_id)] == ["Mia", "Noah", "Other"]  # no copies


def test_a_placed_child_is_in_one_room_at_a_time_and_a_move_is_not_an_edit(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    new = child(setting_id, clock.now(), "Isla")
    ports.children.add(new)
    before = ports.children.get(setting_id, new.child_id)
    assert before is not None and ports.children.in_room(setting_id, "rbabies") == []
    ports.children.place(setting_id, new.child_id, "rbabies")
    ports.children.place(setting_id, new.child_id, "rtoddlers")
    ports.children.place(setting_id, new.child_id, "rtoddlers")  # placing twice changes nothing
    assert ports.children.in_room(setting_id, "rbabies") == []
    assert [c.child_id for c in ports.children.in_room(setting_id, "rtoddlers")] == [new.child_id]
    # A manager who opened the child before the move still saves their edit, and the copy has it.
    ports.children.save(replace(before, last_name="Moved"))
    assert [c.last_name for c in ports.children.in_room(setting_id, "rtoddlers")] == ["Moved"]
    ports.children.place(setting_id, new.child_id, None)
    assert ports.children.in_room(setting_id, "rtoddlers") == []
    with pytest.raises(NotFound):
        ports.children.place(setting_id, "cnosuchchild", "rbabies")
