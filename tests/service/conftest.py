"""The service tier: the use cases wired to in-memory fakes (tests/fakes), with no emulator.

The fixtures keep the names tests/conftest.py gives the Azurite wiring (`config`, `deps`,
`mailbox`, `people`, `nursery`), so a use-case test runs here unchanged. Anything that would
start or reach Azurite fails the test instead: this tier must stay fast and self-contained.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.clock import FrozenClock
from shared.config import Config, load_config
from shared.mail.message import Mail
from shared.services.deps import Deps
from shared.services.link_mails import deliver as deliver_link_mail
from tests.fakes import wiring

NO_EMULATOR = "the service tier runs on in-memory fakes: it must not ask for Azurite or storage clients"


@pytest.fixture(scope="session")
def azurite() -> Iterator[None]:
    pytest.fail(NO_EMULATOR)
    yield


@pytest.fixture
def local_env() -> dict[str, str]:
    pytest.fail(NO_EMULATOR)


@pytest.fixture
def clients() -> None:
    pytest.fail(NO_EMULATOR)


@pytest.fixture(scope="session")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """A local configuration with the cheap "test" Argon2 profile and keys made once per run."""
    var = Path(tmp_path_factory.mktemp("service")) / "var"
    return load_config(
        {"JOURNAL_ENVIRONMENT": "local", "JOURNAL_VAR_DIR": str(var), "JOURNAL_ARGON2_PROFILE": "test"}
    )


@pytest.fixture
def fakes(config: Config, clock: FrozenClock) -> wiring.Fakes:
    return wiring.build(config, clock)


@pytest.fixture
def deps(fakes: wiring.Fakes) -> Deps:
    """Every port an in-memory fake; the real hasher and token service; the frozen clock."""
    return fakes.deps


class OutboxMailbox:
    """The mail the app queued, read as tests/conftest.py's Mailbox reads the real queue; link
    mail instructions are delivered through the real worker first."""

    def __init__(self, fakes: wiring.Fakes) -> None:
        self._fakes = fakes
        self._outbox = fakes.outbox

    def to(self, address: str) -> list[Mail]:
        for instruction in self._fakes.link_mails.take():
            deliver_link_mail(self._fakes.deps, instruction.to_json(), self._outbox.send)
        return self._outbox.to(address)

    def link(self, address: str, page: str) -> str:
        """The token of the newest link to `page` mailed to `address`."""
        for mail in reversed(self.to(address)):
            found = re.search(rf"/{page}#([A-Za-z0-9._-]+)", mail.text)
            if found:
                return found.group(1)
        raise AssertionError(f"no {page} link was mailed to {address}")


@pytest.fixture
def mailbox(fakes: wiring.Fakes) -> OutboxMailbox:
    return OutboxMailbox(fakes)
