"""Storage going away while the app serves requests (S30): every caller gets a 503 in our
error shape with code storage_unavailable, and the app serves again by itself once storage is back.

The served host stays up throughout; the app is wired to an Azurite of this test's own (persistent
under tmp_path) which is stopped and then started again on the same ports.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devhost.azurite import Azurite, start_azurite
from shared import bootstrap
from shared.clock import FrozenClock
from shared.config import load_config
from shared.domain.people import Role
from shared.storage.clients import StorageClients
from tests.conftest import Mailbox, Member, People
from tests.http.conftest import Api, Served


@dataclass
class Doomed:
    emulator: Azurite
    location: Path
    member: Member


@pytest.fixture
def doomed(served: Served, tmp_path: Path) -> Iterator[Doomed]:
    location = tmp_path / "azurite"
    emulator = start_azurite(location=location)
    config = load_config(
        {
            "JOURNAL_ENVIRONMENT": "local",
            "JOURNAL_VAR_DIR": str(tmp_path / "var"),
            "JournalStorage": emulator.connection_string,
            "JOURNAL_ARGON2_PROFILE": "test",
            "JOURNAL_PUBLIC_BASE_URL": served.base,
        }
    )
    clients = StorageClients(config.storage)
    deps = bootstrap.build(config, clients, FrozenClock(datetime.now(UTC).replace(microsecond=0)))
    bootstrap.use(deps, clients)
    member = People(deps, Mailbox(clients, deps)).member(Role.MANAGER)
    state = Doomed(emulator, location, member)
    yield state
    state.emulator.stop()
    bootstrap.use(bootstrap.build(served.config, served.clients), served.clients)


def sign_in(api: Api, member: Member) -> None:
    who = {
        "setting": member.setting_id,
        "email": member.email,
        "password": member.password,
        "pin": member.pin,
    }
    assert api.sign_in(who).status_code == 200


def assert_storage_unavailable(answer: object) -> None:
    import requests

    assert isinstance(answer, requests.Response)
    assert answer.status_code == 503, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    error = answer.json()["error"]
    assert error["code"] == "storage_unavailable"
    assert error["message"] and "127.0.0.1" not in answer.text and "Traceback" not in answer.text


def test_s30_requests_while_storage_is_down_get_503_storage_unavailable_and_service_resumes_when_it_is_back(
    served: Served, doomed: Doomed
) -> None:
    api = Api(served)
    sign_in(api, doomed.member)
    assert api.get("/api/auth/session").status_code == 200

    ports = dict(doomed.emulator.ports)
    doomed.emulator.stop()
    started = time.monotonic()
    assert_storage_unavailable(api.get("/api/auth/session"))
    assert_storage_unavailable(api.get("/api/children"))
    assert_storage_unavailable(api.post("/api/observations", {"childIds": ["c1"], "text": "Stacked cups"}))
    anonymous = Api(served)
    login = {"setting": doomed.member.setting_id, "email": doomed.member.email, "password": "wrong"}
    assert_storage_unavailable(anonymous.post("/api/auth/login", login))
    assert api.get("/api/health").status_code == 503
    assert time.monotonic() - started < 30, "a stopped emulator must not make requests hang"

    doomed.emulator = start_azurite(location=doomed.location, ports=ports)
    deadline = time.monotonic() + 15
    answer = api.get("/api/auth/session")
    while answer.status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
        answer = api.get("/api/auth/session")
    # The same session, the same data: nothing was lost and nobody had to restart the app.
    assert answer.status_code == 200, answer.text
    assert answer.json()["user"]["id"] == doomed.member.user_id
    assert api.get("/api/children").status_code == 200
    assert api.get("/api/health").status_code == 200
