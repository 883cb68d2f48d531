"""A demo setting for local running: a manager, practitioners and parents who can sign in at once.

Passwords and PINs are generated on this machine the first time (never committed), stored only as
hashes like any other, and written in clear only to var/demo-accounts.json for the developer.
"""

from __future__ import annotations

import io
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from devhost.world import Person, Place, World, enrol_authenticator
from shared.domain.children import Child
from shared.domain.errors import InvalidInput
from shared.domain.frameworks import DEFAULT_FRAMEWORK, framework
from shared.domain.passwords import check_password
from shared.domain.people import Role
from shared.domain.pins import check_pin
from shared.domain.two_year_check import add_months
from shared.services import assessments, two_year_check
from shared.services.cohort_report import previous_point
from shared.services.deps import Deps

DEMO_SETTING = "sunflower-demo"
DEMO_NAME = "Sunflower Nursery (demo)"
# A member of staff already enrolled with an authenticator app (S32): `make run` prints the secret
# to add to a phone app, and `python -m devhost code` prints the current code.
AUTHENTICATOR_DEMO = "priya@sunflower.example"
_PEOPLE = (
    ("Maya Patel", "manager@sunflower.example", Role.MANAGER),
    ("Tom Okafor", "tom@sunflower.example", Role.PRACTITIONER),
    ("Aisha Khan", "aisha@sunflower.example", Role.PRACTITIONER),
    ("Priya Shah", AUTHENTICATOR_DEMO, Role.PRACTITIONER),
    ("Ella Brown", "ella.parent@family.example", Role.PARENT),
    ("Jack Wilson", "jack.parent@family.example", Role.PARENT),
    ("Sofia Rossi", "sofia.parent@family.example", Role.PARENT),
)
_WORDS = (
    "acorn",
    "badger",
    "lantern",
    "meadow",
    "pebble",
    "otter",
    "willow",
    "thistle",
    "harbour",
    "quill",
    "saffron",
    "juniper",
    "marble",
    "orchard",
    "puffin",
    "copper",
    "drizzle",
    "velvet",
    "walnut",
    "heron",
)


@dataclass(frozen=True)
class DemoAccount:
    name: str
    role: str
    setting: str
    email: str
    password: str
    pin: str
    authenticator_secret: str = ""


def seed_demo(deps: Deps, accounts_file: Path) -> list[DemoAccount]:
    """Create the demo setting once; afterwards return the accounts written the first time."""
    if deps.settings.get(DEMO_SETTING) is not None and accounts_file.exists():
        return [DemoAccount(**row) for row in json.loads(accounts_file.read_text())]
    place = World(deps).setting(DEMO_SETTING, DEMO_NAME, retention_days=365)
    people = {}
    for name, email, role in _PEOPLE:
        people[email] = place.person(role, name, email, password=_passphrase(name, email), pin=_pin())
    if not deps.children.list(DEMO_SETTING):
        _seed_journal(place, people)
    secret = _fresh_authenticator(deps, people[AUTHENTICATOR_DEMO].user_id)
    created = [
        DemoAccount(
            p.account.name,
            p.account.role.value,
            DEMO_SETTING,
            p.email,
            p.password,
            p.pin,
            secret if p.email == AUTHENTICATOR_DEMO else "",
        )
        for p in people.values()
    ]
    accounts_file.parent.mkdir(parents=True, exist_ok=True)
    accounts_file.write_text(json.dumps([asdict(a) for a in created], indent=2))
    accounts_file.chmod(0o600)
    return created


# (first name, last name, parent's e-mail or None, photos in others' journals)
_CHILDREN = (
    ("Poppy", "Brown", "ella.parent@family.example", True),
    ("Arlo", "Wilson", "jack.parent@family.example", True),
    ("Isla", "Rossi", "sofia.parent@family.example", True),
    ("Leo", "Rossi", "sofia.parent@family.example", False),
)


def _seed_journal(place: Place, people: dict[str, Person]) -> None:
    """Four children, their families' links, and observations: one of them a group observation
    with a photo, so a parent sees the other child shown as the setting's policy says."""
    tom, manager = people["tom@sunflower.example"], people["manager@sunflower.example"]
    children: dict[str, Child] = {}
    for first, last, parent_email, others in _CHILDREN:
        born = date(2023, 4, 2 + len(children))
        children[first] = place.child(first, last, born=born, key_person=tom, others_photos=others)
        if parent_email in people:
            place.link(people[parent_email], children[first])
    place.observe(
        tom,
        children["Poppy"],
        children["Arlo"],
        text="Poppy and Arlo Wilson built a bridge of blocks and drove the cars across it, "
        "taking turns and counting each car.",
        areas=["mathematics", "personal-social-emotional", "playing-and-exploring"],
        next_steps="Poppy: count beyond ten. Arlo: describe what happens when the bridge falls.",
        photos=[_picture()],
        publish=manager,
    )
    for first, text, area in (
        ("Poppy", "Poppy painted a sunflower and named its colours.", "expressive-arts-and-design"),
        ("Isla", "Isla listened to 'The Gruffalo' and joined in with the repeated lines.", "literacy"),
    ):
        place.observe(tom, children[first], text=text, areas=[area], publish=manager)
    place.observe(
        tom,
        children["Leo"],
        text="Leo climbed the A-frame on his own for the first time.",
        areas=["physical-development"],
        submit=True,
    )
    _seed_rooms(place, people, children)
    _seed_two_year_check(place, people, children["Leo"])
    _seed_assessments(place, people, children)


def _seed_two_year_check(place: Place, people: dict[str, Person], leo: Child) -> None:
    """Leo's progress check at age two, written by his key person, finalised and shared with his
    mother (Sofia Rossi, who reads it when she signs in)."""
    tom, manager = (
        place.acting(people["tom@sunflower.example"]),
        place.acting(people["manager@sunflower.example"]),
    )
    areas = {
        "communication-and-language": {
            "strengths": "Leo listens to stories with interest and names familiar objects and people.",
            "lessThanExpected": "He uses few two-word phrases yet.",
        },
        "personal-social-emotional": {
            "strengths": "Leo settles quickly and seeks out his friends at the sand tray."
        },
        "physical-development": {"strengths": "Leo climbs, runs and kicks a ball with confidence."},
    }
    plans = "Daily small-group talk time and naming games; we will share the words we use with his family."
    written = two_year_check.record_check(place.deps, tom, leo.child_id, areas, plans, None)
    final = two_year_check.finalise_check(place.deps, manager, leo.child_id, written.etag)
    two_year_check.share_check(place.deps, manager, leo.child_id, True, final.etag)


def _seed_assessments(place: Place, people: dict[str, Person], children: dict[str, Child]) -> None:
    """Judgements at the assessment point of today's term: Isla's and Arlo's approved by the
    manager (Arlo not yet on track in writing), Poppy's a draft by her key person, waiting for the
    manager's approval; and both approved at the point before, when Arlo was not yet on track in
    speaking either, so the cohort report shows a change in communication and language."""
    tom, manager = (
        place.acting(people["tom@sunflower.example"]),
        place.acting(people["manager@sunflower.example"]),
    )
    today = place.deps.clock.now().date()
    plan = assessments.read_plan(place.deps, manager)
    term = next((p for p in plan.points[1:] if p.opens <= today <= p.closes), plan.points[1])
    before = previous_point(plan, term)
    isla = {
        **_every_aspect(),
        "comprehension": {"judgement": "working-beyond", "note": "Joins in with every repeated line."},
    }
    judged = {term.point_id: {"Isla": isla, "Arlo": _every_aspect(behind=("writing",))}}
    if before is not None:
        judged[before.point_id] = {
            "Isla": _every_aspect(),
            "Arlo": _every_aspect(behind=("writing", "speaking")),
        }
    for point_id, records in judged.items():
        for name, values in records.items():
            made = assessments.record_judgements(
                place.deps, tom, children[name].child_id, point_id, values, None
            )
            assessments.approve(place.deps, manager, children[name].child_id, point_id, made.etag)
    poppy = {
        "creating-with-materials": {"judgement": "working-beyond", "note": "Mixes her own colours."},
        "number": {"judgement": "not-yet-on-track", "note": "Counts to five; we will count beyond ten."},
    }
    assessments.record_judgements(place.deps, tom, children["Poppy"].child_id, term.point_id, poppy, None)


def _every_aspect(behind: tuple[str, ...] = ()) -> dict[str, dict[str, str]]:
    """Every aspect of the demo's framework judged on track, or not yet for those named."""
    aspects = framework(DEFAULT_FRAMEWORK).aspects
    return {
        a.aspect_id: {"judgement": "not-yet-on-track" if a.aspect_id in behind else "on-track"}
        for a in aspects
    }


# The demo's rooms, who is in each (the first four children above, and two younger ones with no
# family signed up), and which practitioners work there.
_ROOMS = {
    "Babies": ("Nia",),
    "Toddlers": ("Omar", "Leo"),
    "Pre-school": ("Poppy", "Arlo", "Isla"),
}
# Ages in months on the day the demo is seeded: Omar is due his progress check at age two.
_YOUNGER = (("Nia", "Osei", 16), ("Omar", "Haddad", 25))
_ROOM_STAFF = {"tom@sunflower.example": ("Pre-school",), "aisha@sunflower.example": ("Babies", "Toddlers")}


def _seed_rooms(place: Place, people: dict[str, Person], children: dict[str, Child]) -> None:
    """Rooms with children spread across them and staff assigned, so the room filters show."""
    manager, aisha = people["manager@sunflower.example"], people["aisha@sunflower.example"]
    today = place.deps.clock.now().date()
    for first, last, months in _YOUNGER:
        children[first] = place.child(first, last, born=add_months(today, -months), key_person=aisha)
    rooms = {name: place.room(name, by=manager) for name in _ROOMS}
    term_began = place.deps.clock.now().date() - timedelta(days=90)
    for name, firsts in _ROOMS.items():
        for first in firsts:
            place.move(children[first], rooms[name], by=manager, on=term_began)
    for email, names in _ROOM_STAFF.items():
        place.assign(people[email], *(rooms[n] for n in names), by=manager)


def _fresh_authenticator(deps: Deps, user_id: str) -> str:
    """The demo app's secret; seeding again without the accounts file makes a new one to print."""
    account = deps.accounts.get(DEMO_SETTING, user_id)
    if account is not None and account.factors.authenticator is not None:
        account.factors.authenticator = None
        deps.accounts.save(account)
    return enrol_authenticator(deps, DEMO_SETTING, user_id)


def _picture() -> bytes:
    """A generated picture: blocks and a bridge, no camera, no metadata."""
    image = Image.new("RGB", (1200, 900), (250, 236, 200))
    draw = ImageDraw.Draw(image)
    for x, colour in ((150, (220, 80, 60)), (850, (60, 120, 200))):
        draw.rectangle((x, 450, x + 200, 800), fill=colour)
    draw.rectangle((150, 380, 1050, 450), fill=(240, 190, 40))
    draw.ellipse((480, 300, 620, 380), fill=(40, 160, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _passphrase(name: str, email: str) -> str:
    while True:
        words = " ".join(secrets.choice(_WORDS) for _ in range(4))
        try:
            check_password(words, personal=[name, email, DEMO_NAME])
            return words
        except InvalidInput:
            continue


def _pin() -> str:
    while True:
        pin = f"{secrets.randbelow(10**6):06d}"
        try:
            check_pin(pin)
            return pin
        except InvalidInput:
            continue
