"""A day of nursery activity that notifications are about, built through devhost/world.py.

Used by the service tests (fakes), the SMTP tests (Azurite and a real SMTP server) and the bench.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from devhost.world import Person, Place, World
from shared.domain.children import Child
from shared.services import comments, moments
from shared.services.deps import Deps
from tests.conftest import PASSWORD, PIN

# A Wednesday in winter (GMT): 18:00 in London is 18:00 UTC.
MORNING = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SECRET_TEXT = "Poppy whispered the secret password to the hamster"


@dataclass
class Day:
    place: Place
    manager: Person
    practitioner: Person
    poppy: Child
    ben: Child
    poppys_parent: Person
    bens_parent: Person


def nursery(deps: Deps, setting_id: str = "acorns") -> Day:
    """A setting with a manager, a practitioner, Poppy Smith and Ben Jones and a parent each."""
    place = World(deps).setting(setting_id, "Little Acorns")
    domain = f"{setting_id}.example"
    manager = place.manager("Maya Manager", f"maya@{domain}", password=PASSWORD, pin=PIN)
    practitioner = place.practitioner("Priya Practitioner", f"priya@{domain}", password=PASSWORD, pin=PIN)
    poppy = place.child("Poppy", "Smith", key_person=practitioner)
    ben = place.child("Ben", "Jones", key_person=practitioner)
    poppys_parent = place.parent("Pat Smith", f"pat@{domain}", password=PASSWORD, pin=PIN)
    bens_parent = place.parent("Bo Jones", f"bo@{domain}", password=PASSWORD, pin=PIN)
    place.link(poppys_parent, poppy)
    place.link(bens_parent, ben)
    return Day(place, manager, practitioner, poppy, ben, poppys_parent, bens_parent)


def activity(day: Day) -> None:
    """Two entries for Poppy (one with Ben in it), one for Ben, a comment, a moment accepted."""
    place, deps = day.place, day.place.deps
    place.observe(day.practitioner, day.poppy, text=SECRET_TEXT, submit=True, publish=day.manager)
    together = place.observe(
        day.practitioner, day.poppy, day.ben, text="Poppy and Ben Jones built a den.", submit=True,
        publish=day.manager,
    )  # fmt: skip
    place.observe(day.practitioner, day.ben, text="Ben painted a whale.", submit=True, publish=day.manager)
    comments.add_comment(deps, place.acting(day.poppys_parent), together.observation_id, "Lovely!")
    moment = moments.share_moment(deps, place.acting(day.bens_parent), day.ben.child_id, "Ben baked bread.")
    moments.accept_moment(deps, place.acting(day.practitioner), day.ben.child_id, moment.moment_id)
