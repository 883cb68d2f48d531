"""A demo setting for local running: a manager, practitioners and parents who can sign in at once.

Passwords and PINs are generated on this machine the first time (never committed), stored only as
hashes like any other, and written in clear only to var/demo-accounts.json for the developer.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from shared.domain.errors import InvalidInput
from shared.domain.passwords import check_password
from shared.domain.people import Account, Role, Status
from shared.domain.pins import check_pin
from shared.domain.settings import Setting
from shared.services.deps import Deps
from shared.services.invitations import new_user_id

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
    "acorn", "badger", "lantern", "meadow", "pebble", "otter", "willow", "thistle", "harbour", "quill",
    "saffron", "juniper", "marble", "orchard", "puffin", "copper", "drizzle", "velvet", "walnut", "heron",
)  # fmt: skip


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
    accounts_file.parent.mkdir(parents=True, exist_ok=True)
    accounts_file.write_text(json.dumps([asdict(a) for a in created], indent=2))
    accounts_file.chmod(0o600)
    return created


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
