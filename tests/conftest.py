"""Fixtures shared by every test layer: one in-memory Azurite for the whole run, on free ports."""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from devhost.azurite import Azurite, start_azurite
from devhost.world import World
from shared import bootstrap
from shared.clock import FrozenClock
from shared.config import Config, load_config
from shared.domain.people import Role
from shared.domain.settings import Setting
from shared.mail.message import Mail
from shared.services.credentials import activate, process_reset_request
from shared.services.deps import Deps
from shared.services.invitations import invite
from shared.services.link_mails import deliver as deliver_link_mail
from shared.storage.clients import StorageClients
from shared.storage.queue_names import LINK_QUEUE, MAIL_QUEUE, RESET_QUEUE

if TYPE_CHECKING:
    from tests.nurseries import Nursery


@pytest.fixture(scope="session")
def azurite() -> Iterator[Azurite]:
    """A real Azurite, started by the tests themselves so they can run beside `make run`."""
    emulator = start_azurite()
    yield emulator
    emulator.stop()


@pytest.fixture
def local_env(azurite: Azurite, tmp_path: Path) -> dict[str, str]:
    """The environment of a local deployment pointed at the test Azurite, with keys under tmp_path."""
    return {
        "JOURNAL_ENVIRONMENT": "local",
        "JOURNAL_VAR_DIR": str(tmp_path / "var"),
        "JournalStorage": azurite.connection_string,
        "JOURNAL_ARGON2_PROFILE": "test",
        "JOURNAL_PUBLIC_BASE_URL": "http://127.0.0.1:7071",
        "PATH": os.environ.get("PATH", ""),
    }


@pytest.fixture
def config(local_env: dict[str, str]) -> Config:
    return load_config(local_env)


@pytest.fixture
def clients(config: Config) -> StorageClients:
    return StorageClients(config.storage)


@pytest.fixture
def clock() -> FrozenClock:
    """Now, frozen: tokens issued by the app are checked against this clock, not the wall."""
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def deps(config: Config, clients: StorageClients, clock: FrozenClock) -> Deps:
    """The real wiring against Azurite, with a frozen clock."""
    return bootstrap.build(config, clients, clock)


class Mailbox:
    """Reads the mail queues the app writes to, as the mail functions would: link mail
    instructions are delivered through the real worker, which mints the link as it sends."""

    def __init__(self, clients: StorageClients, deps: Deps | None = None) -> None:
        self._clients = clients
        self._seen: list[Mail] = []
        self.deps = deps

    def _drain(self) -> None:
        queue = self._clients.queue(MAIL_QUEUE)
        for message in queue.receive_messages(messages_per_page=32, visibility_timeout=60):
            self._seen.append(Mail.from_json(message.content.decode("utf-8")))
            queue.delete_message(message)
        links = self._clients.queue(LINK_QUEUE)
        for message in links.receive_messages(messages_per_page=32, visibility_timeout=60):
            assert self.deps is not None
            deliver_link_mail(self.deps, message.content.decode("utf-8"), self._seen.append)
            links.delete_message(message)

    def to(self, address: str, *, notices: bool = False) -> list[Mail]:
        """Mail to `address`, oldest first. New-device notices (S36) are left out unless asked for:
        every first sign-in sends one, and other tests look at the mail they are about."""
        self._drain()
        return [m for m in self._seen if m.to == address and (notices or "/not-me#" not in m.text)]

    def link(self, address: str, page: str) -> str:
        """The token of the newest link to `page` mailed to `address`."""
        for mail in reversed(self.to(address)):
            found = re.search(rf"/{page}#([A-Za-z0-9._-]+)", mail.text)
            if found:
                return found.group(1)
        raise AssertionError(f"no {page} link was mailed to {address}")


_MAILBOXES: dict[int, Mailbox] = {}


@pytest.fixture
def mailbox(clients: StorageClients, azurite: Azurite, deps: Deps) -> Mailbox:
    # One per emulator: the queue is shared, so every test's mail is kept, filtered by address.
    box = _MAILBOXES.setdefault(id(azurite), Mailbox(clients))
    box.deps = deps  # links are minted with this test's clock
    return box


def run_reset_worker(deps: Deps, clients: StorageClients) -> int:
    """Do what the queue-triggered reset function does, for every queued request."""
    queue = clients.queue(RESET_QUEUE)
    handled = 0
    for message in queue.receive_messages(messages_per_page=32, visibility_timeout=60):
        request = json.loads(message.content.decode("utf-8"))
        process_reset_request(deps, request["setting"], request["email"])
        queue.delete_message(message)
        handled += 1
    return handled


PASSWORD = "maple otter lantern drizzle"
PIN = "480317"


@dataclass
class Member:
    setting_id: str
    user_id: str
    email: str
    password: str = PASSWORD
    pin: str = PIN


class People:
    """Creates settings and signed-up people through the real use cases."""

    def __init__(self, deps: Deps, mailbox: Mailbox) -> None:
        self.deps = deps
        self.mailbox = mailbox

    def setting(self) -> Setting:
        slug = f"nursery-{secrets.token_hex(4)}"
        place, _ = World(self.deps).created_setting(
            name="Little Acorns", slug=slug, manager_name="Maya Manager", manager_email=f"maya@{slug}.example"
        )
        return place.setting

    def member(self, role: Role = Role.PARENT, *, setting: Setting | None = None) -> Member:
        setting = setting or self.setting()
        email = f"{role.value}-{secrets.token_hex(3)}@family.example"
        account = invite(self.deps, setting, email=email, name="Sam Parent", role=role, actor="test")
        activate(self.deps, token=self.mailbox.link(email, "activate"), password=PASSWORD, pin=PIN)
        return Member(setting.setting_id, account.user_id, email)


@pytest.fixture
def people(deps: Deps, mailbox: Mailbox) -> People:
    return People(deps, mailbox)


@pytest.fixture
def nursery(deps: Deps, people: People, mailbox: Mailbox) -> Nursery:
    """A setting whose first manager has activated and signed in."""
    from tests.nurseries import open_nursery  # it imports this module

    return open_nursery(deps, people, mailbox)


@pytest.fixture
def other_nursery(deps: Deps, people: People, mailbox: Mailbox) -> Nursery:
    """A second, unrelated setting: its ids must be invisible from the first (S24)."""
    from tests.nurseries import open_nursery

    return open_nursery(deps, people, mailbox)
