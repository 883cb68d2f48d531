"""A demo setting for local running: a manager, practitioners and parents who can sign in at once.

Passwords and PINs are generated on this machine the first time (never committed), stored only as
hashes like any other, and written in clear only to var/demo-accounts.json for the developer.
"""

from __future__ import annotations

import io
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from shared.domain.children import Child, ChildStatus, ParentLink
from shared.domain.errors import InvalidInput
from shared.domain.identifiers import new_child_id
from shared.domain.passwords import check_password
from shared.domain.people import Account, Principal, Role, Status
from shared.domain.pins import check_pin
from shared.domain.settings import Setting
from shared.services import access, observations
from shared.services.deps import Deps
from shared.services.invitations import new_user_id
from shared.services.photos import Upload, upload_photo

DEMO_SETTING = "sunflower-demo"
DEMO_NAME = "Sunflower Nursery (demo)"
_PEOPLE = (
    ("Maya Patel", "manager@sunflower.example", Role.MANAGER),
    ("Tom Okafor", "tom@sunflower.example", Role.PRACTITIONER),
    ("Aisha Khan", "aisha@sunflower.example", Role.PRACTITIONER),
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


def seed_demo(deps: Deps, accounts_file: Path) -> list[DemoAccount]:
    """Create the demo setting once; afterwards return the accounts written the first time."""
    if deps.settings.get(DEMO_SETTING) is not None and accounts_file.exists():
        return [DemoAccount(**row) for row in json.loads(accounts_file.read_text())]
    now = deps.clock.now()
    if deps.settings.get(DEMO_SETTING) is None:
        deps.settings.add(Setting(DEMO_SETTING, DEMO_NAME, None, retention_days=365, created_at=now))
    created = []
    for name, email, role in _PEOPLE:
        password, pin = _passphrase(name, email), _pin()
        existing = deps.accounts.find_by_email(DEMO_SETTING, email)
        account = existing or Account(DEMO_SETTING, new_user_id(), email, name, role, Status.ACTIVE, now)
        account.password_hash = deps.hasher.hash(password)
        account.pin_hash = deps.hasher.hash(pin)
        account.failed_logins = account.failed_pins = 0
        account.pin_locked = False
        if existing:
            deps.accounts.save(account)
        else:
            deps.accounts.add(account)
        created.append(DemoAccount(name, role.value, DEMO_SETTING, email, password, pin))
    if not deps.children.list(DEMO_SETTING):
        _seed_journal(deps)
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


def _seed_journal(deps: Deps) -> None:
    """Four children, their families' links, and observations: one of them a group observation
    with a photo, so a parent sees the other child shown as the setting's policy says."""
    now = deps.clock.now()
    staff = {a.role: a for a in deps.accounts.in_setting(DEMO_SETTING) if a.role is not Role.PARENT}
    tom = deps.accounts.find_by_email(DEMO_SETTING, "tom@sunflower.example")
    assert tom is not None
    children: dict[str, Child] = {}
    for first, last, parent_email, others in _CHILDREN:
        child = Child(
            DEMO_SETTING,
            new_child_id(),
            first,
            last,
            date(2023, 4, 2 + len(children)),
            tom.user_id,
            True,
            others,
            ChildStatus.ACTIVE,
            now,
        )
        deps.children.add(child)
        children[first] = child
        parent = deps.accounts.find_by_email(DEMO_SETTING, parent_email)
        if parent is not None:
            deps.links.link(ParentLink(DEMO_SETTING, parent.user_id, child.child_id, now))
    author, manager = _acting(tom, now), _acting(staff[Role.MANAGER], now)
    group = observations.create_observation(
        deps,
        author,
        observations.ObservationText(
            child_ids=[children["Poppy"].child_id, children["Arlo"].child_id],
            text="Poppy and Arlo Wilson built a bridge of blocks and drove the cars across it, "
            "taking turns and counting each car.",
            areas=["mathematics", "personal-social-emotional", "playing-and-exploring"],
            next_steps="Poppy: count beyond ten. Arlo: describe what happens when the bridge falls.",
            observed_on=now.date().isoformat(),
        ),
    )
    upload_photo(deps, author, group.observation_id, Upload(_picture()))
    observations.publish_observation(
        deps, manager, group.observation_id, _reviewed(deps, manager, group.observation_id)
    )
    for first, text, area in (
        ("Poppy", "Poppy painted a sunflower and named its colours.", "expressive-arts-and-design"),
        ("Isla", "Isla listened to 'The Gruffalo' and joined in with the repeated lines.", "literacy"),
    ):
        single = observations.create_observation(
            deps,
            author,
            observations.ObservationText(
                child_ids=[children[first].child_id],
                text=text,
                areas=[area],
                observed_on=now.date().isoformat(),
            ),
        )
        observations.publish_observation(
            deps, manager, single.observation_id, _reviewed(deps, manager, single.observation_id)
        )
    waiting = observations.create_observation(
        deps,
        author,
        observations.ObservationText(
            child_ids=[children["Leo"].child_id],
            text="Leo climbed the A-frame on his own for the first time.",
            areas=["physical-development"],
            observed_on=now.date().isoformat(),
        ),
    )
    observations.submit_observation(deps, author, waiting.observation_id)


def _acting(account: Account, now: datetime) -> Principal:
    """The account as a session check would present it, for seeding through the use cases."""
    end = now + timedelta(hours=1)
    return Principal(
        account.setting_id, account.user_id, account.name, account.email, account.role, "", end, end
    )


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


def _reviewed(deps: Deps, reviewer: Principal, observation_id: str) -> str | None:
    """The version of an observation a reviewer has open: read as they may see it, now."""
    return access.visible_observation(deps, reviewer, observation_id).etag
