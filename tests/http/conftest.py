"""The real app served by the local host over HTTP, against its own Azurite.

The host has its own emulator because its queue workers consume the mail and reset queues,
which the service-level tests read directly.
"""

from __future__ import annotations

import email
import email.policy
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from devhost.azurite import start_azurite
from devhost.host import LocalHost
from shared import bootstrap
from shared.clock import FrozenClock
from shared.config import Config, load_config, local_master_key
from shared.storage.clients import StorageClients
from tests.conftest import PASSWORD, PIN

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Served:
    base: str
    master_key: str
    config: Config
    clients: StorageClients


@contextmanager
def serving(app: Any, var: Path, *, hostname: str = "127.0.0.1") -> Iterator[Served]:
    """Serve `app` through the local host on a free loopback port, with its own Azurite; `hostname`
    is the name its public base URL uses (passkeys need "localhost": an IP is no RP ID)."""
    emulator = start_azurite()
    master_key = local_master_key(var)
    host = LocalHost(
        app,
        host_json=ROOT / "host.json",
        master_key=master_key,
        queue_connection_string=emulator.connection_string,
    )
    port, stop = host.start_in_thread()
    base = f"http://{hostname}:{port}"
    config = load_config(
        {
            "JOURNAL_ENVIRONMENT": "local",
            "JOURNAL_VAR_DIR": str(var),
            "JournalStorage": emulator.connection_string,
            "JOURNAL_ARGON2_PROFILE": "test",
            "JOURNAL_PUBLIC_BASE_URL": base,
        }
    )
    try:
        yield Served(base, master_key, config, StorageClients(config.storage))
    finally:
        stop()
        bootstrap.reset()
        emulator.stop()


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    import function_app  # indexed once per process: Azure's get_functions() cannot run twice

    with serving(function_app.app, tmp_path_factory.mktemp("host-var")) as running:
        yield running


class Api:
    """A browser-like client of the running app: JSON in and out, cookies kept."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self.http = requests.Session()
        # Each simulated browser is its own client address, as it would be behind Azure's front
        # end: the per-client budget of Argon2 verifies (S10) then applies per browser.
        self.http.headers["X-Forwarded-For"] = "10." + ".".join(str(secrets.randbelow(256)) for _ in range(3))
        # Browsers send Origin on every unsafe request; a cookie-carrying one without it is refused (S19).
        self.http.headers["Origin"] = served.base

    def call(self, method: str, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.http.request(method, self.served.base + path, json=json, timeout=30, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, json, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def fresh(self) -> Api:
        """Another browser, with no cookies."""
        return Api(self.served)

    # -- journeys ---------------------------------------------------------------------------

    def create_setting(self) -> dict[str, str]:
        slug = f"acorns-{secrets.token_hex(4)}"
        manager = f"manager@{slug}.example"
        response = self.post(
            "/api/platform/settings",
            {"name": "Little Acorns", "slug": slug, "retentionDays": 365,
             "managerName": "Maya Manager", "managerEmail": manager},
            headers={"x-functions-key": self.served.master_key},
        )  # fmt: skip
        assert response.status_code == 201, response.text
        return {"slug": slug, "manager": manager}

    def activate_manager(self) -> dict[str, str]:
        setting = self.create_setting()
        token = self.link(setting["manager"], "activate")
        response = self.post("/api/auth/activate", {"token": token, "password": PASSWORD, "pin": PIN})
        assert response.status_code == 200, response.text
        return {"setting": setting["slug"], "email": setting["manager"], "password": PASSWORD, "pin": PIN}

    def sign_in(self, who: dict[str, str], *, step_up: bool = True) -> requests.Response:
        """Password, PIN, "later" to an invitation to enrol, and (unless told not to) a step-up
        with the password, as the client's dialog asks before a sensitive change (S35)."""
        first = self.post("/api/auth/login", {k: who[k] for k in ("setting", "email", "password")})
        assert first.status_code == 200, first.text
        second = self.post("/api/auth/pin", {"challenge": first.json()["challenge"], "pin": who["pin"]})
        done = self.past_enrolment(second)
        if step_up and done.status_code == 200 and "user" in done.json():
            self.step_up(who)
        return done

    def past_enrolment(self, answer: requests.Response) -> requests.Response:
        """Choose "later" when a sign-in within its grace is invited to set up strong sign-in (S34)."""
        body = answer.json() if answer.status_code == 200 else {}
        if body.get("next") == "enrol" and body.get("canSkip"):
            return self.post("/api/auth/enrol/skip", {"challenge": body["challenge"]})
        return answer

    def step_up(self, who: dict[str, str]) -> None:
        """Confirm it is me with my password (S35), as the client's dialog does before a change."""
        answer = self.post("/api/account/step-up", {"method": "password", "password": who["password"]})
        assert answer.status_code == 200, answer.text

    def mails(self, address: str, *, notices: bool = False) -> list[email.message.EmailMessage]:
        """The mail to `address`, oldest first. New-device notices (S36) are left out unless asked
        for: every test browser's first sign-in sends one, and other tests count the mail they are about."""
        folder = self.served.config.mail.folder
        found = []
        for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == address and (notices or not _is_new_device_notice(message)):
                found.append(message)
        return found  # type: ignore[return-value]

    def wait_for_mail(
        self, address: str, count: int = 1, timeout: float = 15, *, notices: bool = False
    ) -> list[Any]:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.mails(address, notices=notices)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(
            f"expected {count} mail(s) to {address} within {timeout}s, got {len(self.mails(address))}"
        )

    def link(self, address: str, page: str, count: int = 1, *, notices: bool = False) -> str:
        mails = self.wait_for_mail(address, count, notices=notices)
        text = mails[-1].get_body(preferencelist=("plain",)).get_content()
        found = re.search(rf"/{page}#([A-Za-z0-9._-]+)", text)
        assert found, f"no {page} link in the mail"
        return found.group(1)


def _is_new_device_notice(message: email.message.EmailMessage) -> bool:
    return "/not-me#" in message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


@pytest.fixture
def api(served: Served, clock: FrozenClock) -> Api:
    """The app wired with this test's frozen clock."""
    bootstrap.use(bootstrap.build(served.config, served.clients, clock), served.clients)
    return Api(served)
