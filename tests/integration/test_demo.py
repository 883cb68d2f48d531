"""The demo that `make run` seeds: people who can sign in, and a journal worth looking at."""

from __future__ import annotations

from pathlib import Path

from devhost.demo import DEMO_SETTING, seed_demo
from shared.services import journal, sessions
from shared.services.deps import Deps
from shared.services.signin import complete_sign_in, start_sign_in


def test_a_demo_parent_signs_in_and_sees_the_group_photo_with_the_other_child_redacted(
    deps: Deps, tmp_path: Path
) -> None:
    accounts = seed_demo(deps, tmp_path / "demo-accounts.json")
    ella = next(a for a in accounts if a.email.startswith("ella"))
    challenge = start_sign_in(deps, setting=DEMO_SETTING, email=ella.email, password=ella.password)
    token = complete_sign_in(deps, challenge=challenge.token, pin=ella.pin, device="demo").token
    parent = sessions.authenticate(deps, token)
    poppy = deps.links.children_of(DEMO_SETTING, parent.user_id)[0].child_id
    entries = journal.list_journal(deps, parent, poppy, cursor=None, area=None).entries
    group = next(e for e in entries if e.photo_ids)
    assert "Arlo" not in group.text and "Wilson" not in group.text
    assert "A. W." in group.text  # the setting's default policy: initials
    assert {a.role for a in accounts} == {"manager", "practitioner", "parent"}


def test_seeding_twice_keeps_one_demo(deps: Deps, tmp_path: Path) -> None:
    first = seed_demo(deps, tmp_path / "demo-accounts.json")
    again = seed_demo(deps, tmp_path / "demo-accounts.json")
    assert first == again
    assert len(deps.children.list(DEMO_SETTING)) == 6
    assert len(deps.rooms.list(DEMO_SETTING)) == 3


def test_the_demo_has_rooms_with_children_spread_across_them_and_staff_assigned(
    deps: Deps, tmp_path: Path
) -> None:
    seed_demo(deps, tmp_path / "demo-accounts.json")
    rooms = {r.name: r for r in deps.rooms.list(DEMO_SETTING)}
    assert {name: r.children for name, r in rooms.items()} == {"Babies": 1, "Pre-school": 3, "Toddlers": 2}
    assert len(deps.rooms.placements(DEMO_SETTING)) == len(deps.children.list(DEMO_SETTING))
    staffed = {room for room, _ in deps.rooms.assignments(DEMO_SETTING)}
    assert staffed == {r.room_id for r in rooms.values()}
