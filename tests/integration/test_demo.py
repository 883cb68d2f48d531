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
    assert len(deps.children.list(DEMO_SETTING)) == 4
