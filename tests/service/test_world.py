"""The world builder on the in-memory fakes: the demo seed builds here exactly as on Azurite."""

from __future__ import annotations

from pathlib import Path

from devhost.demo import DEMO_SETTING, seed_demo
from devhost.world import World
from shared.domain.observations import ObservationStatus
from shared.domain.people import Role
from shared.services import journal
from shared.services.deps import Deps
from tests import photos


def test_the_demo_seeds_on_the_fakes_with_its_accounts_children_and_journal(
    deps: Deps, tmp_path: Path
) -> None:
    accounts = seed_demo(deps, tmp_path / "demo-accounts.json")
    assert [(a.name, a.role) for a in accounts] == [
        ("Maya Patel", "manager"), ("Tom Okafor", "practitioner"), ("Aisha Khan", "practitioner"),
        ("Priya Shah", "practitioner"),
        ("Ella Brown", "parent"), ("Jack Wilson", "parent"), ("Sofia Rossi", "parent"),
    ]  # fmt: skip
    # S32: one member of staff already has an authenticator app, whose key the demo prints.
    assert [a.email for a in accounts if a.authenticator_secret] == ["priya@sunflower.example"]
    roll = {c.first_name: c for c in deps.children.list(DEMO_SETTING)}
    assert sorted(roll) == ["Arlo", "Isla", "Leo", "Nia", "Omar", "Poppy"]
    assert not roll["Leo"].photos_in_others_journals
    ella = deps.accounts.find_by_email(DEMO_SETTING, "ella.parent@family.example")
    assert ella is not None
    place = World(deps).place(DEMO_SETTING)
    entries = journal.list_journal(
        deps, place.acting(ella), roll["Poppy"].child_id, cursor=None, area=None
    ).entries
    assert len(entries) == 2
    group = next(e for e in entries if e.photo_ids)
    assert "Wilson" not in group.text and "A. W." in group.text


def test_an_observation_built_with_a_photo_and_published_reaches_the_linked_parents_journal(
    deps: Deps,
) -> None:
    place = World(deps).setting("world-acorns", "Little Acorns")
    maya = place.manager(
        "Maya Patel", "maya@acorns.example", password="maple otter lantern drizzle", pin="480317"
    )
    ada = place.child("Ada", "Lovelace", key_person=maya)
    pat = place.parent("Pat Parent", "pat@home.example", password="quill heron velvet walnut", pin="615243")
    place.link(pat, ada)
    shown = place.observe(
        maya, ada, text="Ada counted to ten.", photos=[photos.plain_jpeg(64, 48)], publish=True
    )
    assert shown.status is ObservationStatus.PUBLISHED and len(shown.photo_ids) == 1
    entries = journal.list_journal(deps, place.acting(pat), ada.child_id, cursor=None, area=None).entries
    assert [(e.text, e.photo_ids) for e in entries] == [("Ada counted to ten.", shown.photo_ids)]
    assert place.acting(pat).role is Role.PARENT
