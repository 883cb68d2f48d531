"""The bench's world: its own Azurite, the app in the local host, a nursery with a parent whose
child has more than a page of published observations, and the operations to time."""

from __future__ import annotations

import io
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import ClassVar

import requests
from azure.core.exceptions import ResourceNotFoundError
from PIL import Image

from bench.counting import RequestCounter
from devhost.azurite import start_azurite
from devhost.host import LocalHost
from devhost.world import World as BuiltWorld
from shared import bootstrap
from shared.config import load_config
from shared.domain.children import Child
from shared.domain.people import Role
from shared.media.images import process_photo
from shared.services import access, observations
from shared.services.deps import Deps
from shared.services.photos import Upload, upload_photo
from shared.storage import keys
from shared.storage.clients import StorageClients
from shared.storage.retention import TableRetention

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "lantern otter meadow quill"
PIN = "480317"
JSON = {"Content-Type": "application/json"}


def photo(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), (90, 140, 200))
    for x in range(0, width, max(1, width // 16)):
        image.paste((200, 120, 60), (x, 0, x + max(1, width // 64), height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@dataclass
class World:
    base: str
    deps: Deps
    clients: StorageClients
    counter: RequestCounter
    setting_id: str
    manager: dict[str, str]
    parent: dict[str, str]
    child: Child
    friend: Child
    observation_id: str
    photo_id: str
    big_photo: bytes
    small_photo: bytes
    signers: list[str] = field(default_factory=list)  # other accounts' e-mails, for the load test
    _manager_http: requests.Session = field(default_factory=requests.Session)
    _parent_http: requests.Session = field(default_factory=requests.Session)
    current_env: ClassVar[dict[str, str]] = {}

    @property
    def retention(self) -> TableRetention:
        return bootstrap.retention_store(self.clients)

    # -- sign-in ------------------------------------------------------------------------------

    def login_response(self) -> requests.Response:
        body = {"setting": self.setting_id, "email": self.parent["email"], "password": PASSWORD}
        return requests.post(self.base + "/api/auth/login", json=body, timeout=60)

    def login(self) -> None:
        assert self.login_response().status_code == 200

    def login_timed(self) -> tuple[float, int]:
        """The password step's milliseconds and storage requests; the PIN step follows untimed, as
        it does for a person, which resets the account's counter: five password steps in a row
        with no PIN would be throttled (S10)."""
        with self.counter.during() as window:
            start = time.perf_counter()
            challenge = self.challenge()
            elapsed = (time.perf_counter() - start) * 1000
        self.pin_with(challenge)
        return elapsed, window.requests

    def full_sign_in(self, index: int) -> requests.Response:
        """Both steps for one of the signers (each its own account, so that concurrent sign-ins
        never void each other's PIN challenge); the PIN step's answer, or the first failure."""
        email = self.signers[index % len(self.signers)]
        body = {"setting": self.setting_id, "email": email, "password": PASSWORD}
        first = requests.post(self.base + "/api/auth/login", json=body, timeout=60)
        if first.status_code != 200:
            return first
        body = {"challenge": first.json()["challenge"], "pin": PIN}
        return requests.post(self.base + "/api/auth/pin", json=body, timeout=60)

    def challenge(self) -> str:
        return str(self.login_response().json()["challenge"])

    def pin_with(self, challenge: str) -> None:
        answer = requests.post(
            self.base + "/api/auth/pin", json={"challenge": challenge, "pin": PIN}, timeout=60
        )
        assert answer.status_code == 200, answer.text

    def sign_in(self, who: dict[str, str], http: requests.Session) -> None:
        # What a browser on our own pages sends with every request: the CSRF check wants it (S19).
        http.headers["Sec-Fetch-Site"] = "same-origin"
        body = {"setting": self.setting_id, "email": who["email"], "password": PASSWORD}
        challenge = http.post(self.base + "/api/auth/login", json=body, timeout=60).json()["challenge"]
        answer = http.post(self.base + "/api/auth/pin", json={"challenge": challenge, "pin": PIN}, timeout=60)
        assert answer.status_code == 200, answer.text
        if answer.json().get("next") == "enrol":  # a manager within the grace: "later" (S34)
            later = http.post(
                self.base + "/api/auth/enrol/skip", json={"challenge": answer.json()["challenge"]}
            )
            assert later.status_code == 200, later.text

    def parent_session(self) -> requests.Session:
        http = requests.Session()
        http.headers["Origin"] = self.deps.config.public_base_url
        self.sign_in(self.parent, http)
        return http

    # -- reading ------------------------------------------------------------------------------

    def session_check(self) -> None:
        assert self.session_check_with(self._parent_http)().status_code == 200

    def session_check_with(self, http: requests.Session) -> Callable[[], requests.Response]:
        return lambda: http.get(self.base + "/api/auth/session", timeout=60)

    def journal_page(self) -> None:
        answer = self.journal_page_with(self._parent_http)()
        assert answer.status_code == 200 and len(answer.json()["entries"]) == 20, answer.text

    def journal_page_with(self, http: requests.Session) -> Callable[[], requests.Response]:
        return lambda: http.get(f"{self.base}/api/children/{self.child.child_id}/journal", timeout=60)

    def photo_view_with(self, http: requests.Session) -> Callable[[], requests.Response]:
        url = f"{self.base}/api/photos/{self.photo_id}?size=thumb"
        return lambda: http.get(url, allow_redirects=False, timeout=60)

    def raw_journal_storage(self) -> None:
        """The same storage requests a journal page makes, straight through the SDK."""
        raw_session_check(self.clients, self.setting_id, self.parent["id"])
        self.clients.table(keys.SETTINGS).get_entity(self.setting_id, keys.SETTING_ROW)
        journal = self.clients.table(keys.JOURNAL)
        pages = journal.query_entities(
            "PartitionKey eq @p",
            parameters={"p": keys.journal_partition(self.setting_id, self.child.child_id)},
            results_per_page=21,
        ).by_page()
        assert len(list(next(pages))) >= 20
        # The setting's names (S37): its children, and its parents with their links.
        list(
            self.clients.table(keys.CHILDREN).query_entities(
                "PartitionKey eq @s", parameters={"s": self.setting_id}
            )
        )
        accounts = self.clients.table(keys.ACCOUNTS)
        low, high = keys.prefix_bounds(keys.every_account())
        list(
            accounts.query_entities(
                "PartitionKey eq @s and RowKey gt @a and RowKey lt @b"
                " and ( ( Kind eq @k and Role eq @r ) or Kind eq @l )",
                parameters={
                    "s": self.setting_id,
                    "k": "account",
                    "r": "parent",
                    "l": "link",
                    "a": low,
                    "b": high,
                },
                select=["RowKey", "Kind", "UserId", "Name", "ParentId", "ChildId"],
            )
        )

    # -- writing ------------------------------------------------------------------------------

    def create_observation_response(self) -> requests.Response:
        body = {
            "childIds": [self.child.child_id, self.friend.child_id],
            "text": "Mixed paint colours.",
            "areas": ["expressive-arts-and-design"],
            "observedOn": date.today().isoformat(),
        }
        return self._manager_http.post(self.base + "/api/observations", json=body, timeout=60)

    def create_observation(self) -> None:
        assert self.create_observation_response().status_code == 201

    def draft(self) -> str:
        """A new draft observation to put a photo on."""
        return str(self.create_observation_response().json()["observation"]["id"])

    def upload_to(self, observation: str, data: bytes) -> None:
        answer = self._manager_http.post(
            f"{self.base}/api/observations/{observation}/photos",
            data=data,
            headers={"Content-Type": "image/jpeg"},
            timeout=120,
        )
        assert answer.status_code == 201, answer.text

    def _upload(self, data: bytes) -> None:
        self.upload_to(self.draft(), data)

    def upload_small_photo(self) -> None:
        self._upload(self.small_photo)

    def pillow_big_photo(self) -> None:
        process_photo(self.big_photo)

    def argon2_verify(self) -> None:
        account = self.deps.accounts.find_by_email(self.setting_id, self.parent["email"])
        assert account is not None and self.deps.hasher.verify(account.password_hash or "", PASSWORD)


def raw_session_check(clients: StorageClients, setting_id: str, user_id: str) -> None:
    """The session check's storage requests straight through the SDK: a point read of a session
    (an unknown one costs the emulator the same lookup), one range of the account and its links."""
    accounts = clients.table(keys.ACCOUNTS)
    with suppress(ResourceNotFoundError):
        accounts.get_entity(setting_id, keys.session_row(user_id, "0" * 64))
    query, parameters = keys.account_and_links_range(setting_id, user_id)
    list(accounts.query_entities(query, parameters=parameters))


@contextmanager
def build_world(var: Path) -> Iterator[World]:
    # The large setting is some 630,000 rows and 67,000 blobs, about 4 GB of the emulator's heap:
    # at Node's default limit (4.3 GB on a 24 GB machine) its garbage collector thrashed and a
    # seeding batch went unanswered.
    emulator = start_azurite(heap_mb=12_288)
    env = {
        "JOURNAL_ENVIRONMENT": "local",
        "JOURNAL_VAR_DIR": str(var),
        "JournalStorage": emulator.connection_string,
        # Every bench client is one loopback address: the per-address verify limit (S10) would
        # refuse the timed sign-ins, which measure the sign-in's own cost.
        "JOURNAL_VERIFIES_PER_CLIENT_MINUTE": "1000000",
        "PATH": "/usr/bin:/bin",
    }
    World.current_env = env
    config = load_config(env)
    counter = RequestCounter()
    # Beside the large setting, Azurite can take more than 30 s over a purge's transaction.
    clients = StorageClients(config.storage, request_hook=counter, read_timeout=300)
    deps = bootstrap.build(config, clients)
    bootstrap.use(deps, clients)
    import function_app

    host = LocalHost(
        function_app.app,
        host_json=ROOT / "host.json",
        master_key=secrets.token_hex(16),
        queue_connection_string=emulator.connection_string,
    )
    port, stop = host.start_in_thread()
    try:
        world = _populate(f"http://127.0.0.1:{port}", deps, clients, counter)
        # Unsafe requests with a session cookie must come from the app's own origin (S19).
        for http in (world._manager_http, world._parent_http):
            http.headers["Origin"] = config.public_base_url
        world.sign_in(world.manager, world._manager_http)
        world.sign_in(world.parent, world._parent_http)
        yield world
    finally:
        stop()
        emulator.stop()


def _populate(base: str, deps: Deps, clients: StorageClients, counter: RequestCounter) -> World:
    place = BuiltWorld(deps).setting("bench-" + secrets.token_hex(3), "Bench Nursery", retention_days=365)
    manager, parent = (
        place.person(
            role, f"Bench {role.value.title()}", f"{role.value}@bench.example", password=PASSWORD, pin=PIN
        )
        for role in (Role.MANAGER, Role.PARENT)
    )
    signers = [
        place.parent(f"Signer {n}", f"signer{n}@bench.example", password=PASSWORD, pin=PIN).email
        for n in range(10)
    ]
    mia, ollie = (place.child(first, "Bench", born=date(2023, 1, 1)) for first in ("Mia", "Ollie"))
    place.link(parent, mia)
    made = [
        place.observe(
            manager,
            mia,
            ollie,
            text=f"Mia and Ollie built tower {index}.",
            observed_on=date(2026, 1, 1 + index % 28),
        ).observation_id
        for index in range(25)
    ]
    small = photo(640, 480)
    photo_id = upload_photo(deps, place.acting(manager), made[0], Upload(small)).photo_id
    for observation_id in made:
        publisher = place.acting(manager)
        reviewed = access.visible_observation(deps, publisher, observation_id).etag
        observations.publish_observation(deps, publisher, observation_id, reviewed)
    return World(
        base,
        deps,
        clients,
        counter,
        place.setting_id,
        {"id": manager.user_id, "email": manager.email},
        {"id": parent.user_id, "email": parent.email},
        mia,
        ollie,
        made[0],
        photo_id,
        photo(4000, 3000),
        small,
        signers,
    )
