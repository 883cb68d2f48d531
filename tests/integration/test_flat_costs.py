"""The session check and sign-in cost the same storage requests in a setting of one account as in
one of hundreds of accounts and thousands of sessions, and each request is a point read or a
bounded range: nothing Azure would answer by scanning the setting's accounts partition. The
purge's read of the photos marked for discard is a range of the marks alone, however many photos
the setting holds.

Request counts and the shape of each request, read from the SDK's own request hook against
Azurite: no timings.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from shared import bootstrap
from shared.clock import FrozenClock
from shared.config import Config
from shared.domain.people import Account, Role, Session, Status
from shared.services.deps import Deps
from shared.services.signin import probe_digest
from shared.storage import keys
from shared.storage.clients import StorageClients
from shared.storage.leavers import leaver_store

CROWD = 300  # other accounts in the large setting
EXPIRED = 1_500  # expired sessions in it: more than one page of any query that would read them
# One partition and a RowKey range, in either order (Azure answers both as the same range).
_RANGE = re.compile(
    r"^(PartitionKey eq '[^']*' and RowKey g[et] '[^']*' and RowKey lt '[^']*'( and .*)?"
    r"|RowKey g[et] '[^']*' and RowKey lt '[^']*' and PartitionKey eq '[^']*')$"
)


@dataclass
class Requests:
    """Every request the storage clients send: method and URL, in order."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, request: Any) -> None:
        self.sent.append((request.http_request.method, request.http_request.url))

    @contextmanager
    def during(self) -> Iterator[list[tuple[str, str]]]:
        start = len(self.sent)
        window: list[tuple[str, str]] = []
        yield window
        window += self.sent[start:]


def bounded(method: str, url: str) -> bool:
    """A point read (both keys in the path) or a query naming one partition and a RowKey range."""
    parts = urlsplit(url)
    if method == "GET" and "RowKey=" in unquote(parts.path):
        return True
    found = parse_qs(parts.query).get("$filter", [""])[0]
    return bool(_RANGE.match(found))


@pytest.fixture
def counted(config: Config, clock: FrozenClock) -> tuple[Deps, StorageClients, Requests]:
    requests = Requests()
    clients = StorageClients(config.storage, request_hook=requests)
    return bootstrap.build(config, clients, clock), clients, requests


def _account(setting_id: str, name: str, role: Role, deps: Deps) -> Account:
    user_id = "u" + secrets.token_hex(10)
    account = Account(
        setting_id, user_id, f"{name}@family.example", name, role, Status.ACTIVE, deps.clock.now()
    )
    deps.accounts.add(account)
    return account


def _session(account: Account, deps: Deps) -> Session:
    start = deps.clock.now()
    return Session(
        account.setting_id,
        account.user_id,
        secrets.token_hex(32),
        start,
        start,
        start + timedelta(hours=12),
        "bench",
    )


def _crowd(setting_id: str, deps: Deps, clients: StorageClients, owner: Account) -> None:
    """Hundreds of other accounts with their index rows, and thousands of expired sessions, some
    of them the owner's own: written straight to storage, 100 to a transaction."""
    rows: list[dict[str, Any]] = []
    for n in range(CROWD):
        user_id = f"u{n:020d}"
        rows += [
            {"PartitionKey": setting_id, "RowKey": keys.account_row(user_id), "Kind": "account",
             "UserId": user_id, "Email": f"crowd{n}@family.example", "Name": f"Crowd {n}",
             "Role": Role.PARENT.value, "Status": Status.ACTIVE.value, "CreatedAt": deps.clock.now()},
            {"PartitionKey": setting_id, "RowKey": keys.email_row(f"crowd{n}@family.example"),
             "UserId": user_id},
        ]  # fmt: skip
    for n in range(EXPIRED):
        user_id = owner.user_id if n % 3 == 0 else f"u{n % CROWD:020d}"
        old = deps.clock.now() - timedelta(days=30)
        rows.append(
            {"PartitionKey": setting_id, "RowKey": keys.session_row(user_id, secrets.token_hex(32)),
             "Kind": "session", "UserId": user_id, "StartedAt": old, "LastSeenAt": old,
             "ExpiresAt": old + timedelta(hours=12), "Device": ""}
        )  # fmt: skip
    table = clients.table(keys.ACCOUNTS)
    for first in range(0, len(rows), 100):
        table.submit_transaction([("upsert", row) for row in rows[first : first + 100]])


def _setting(deps: Deps, clients: StorageClients, *, crowded: bool) -> tuple[Account, Session]:
    setting_id = "s" + secrets.token_hex(8)
    owner = _account(setting_id, "pat" + secrets.token_hex(3), Role.PARENT, deps)
    if crowded:
        _crowd(setting_id, deps, clients, owner)
    live = _session(owner, deps)
    read = deps.accounts.get(setting_id, owner.user_id)
    assert read is not None
    deps.accounts.save(read, new_session=live)
    return owner, live


def _cost(requests: Requests, action: Callable[[], object]) -> list[tuple[str, str]]:
    action()  # warm: a first connection is not what we count
    with requests.during() as window:
        action()
    return window


def test_the_session_check_costs_the_same_requests_with_one_session_or_thousands_in_the_partition(
    counted: tuple[Deps, StorageClients, Requests],
) -> None:
    deps, clients, requests = counted
    costs = []
    for crowded in (False, True):
        owner, live = _setting(deps, clients, crowded=crowded)
        check = (owner.setting_id, owner.user_id, live.digest)
        sent = _cost(requests, lambda c=check: deps.accounts.get_with_session(*c))  # type: ignore[misc]
        found, session, _ = deps.accounts.get_with_session(owner.setting_id, owner.user_id, live.digest)
        assert found is not None and session == live
        assert all(bounded(*request) for request in sent), sent
        costs.append(len(sent))
    assert costs[0] == costs[1] == 2


def test_sign_in_costs_the_same_requests_with_one_account_or_hundreds_known_or_not(
    counted: tuple[Deps, StorageClients, Requests],
) -> None:
    deps, clients, requests = counted
    costs = []
    for crowded in (False, True):
        owner, _ = _setting(deps, clients, crowded=crowded)
        setting_id = owner.setting_id
        unknown = "nobody-" + secrets.token_hex(3) + "@family.example"
        for address in (owner.email, unknown):
            digest = probe_digest(deps, setting_id, address)
            sent = _cost(
                requests, lambda s=setting_id, a=address, d=digest: deps.accounts.find_for_sign_in(s, a, d)
            )
            assert all(bounded(*request) for request in sent), sent
            costs.append(len(sent))
        found, _ = deps.accounts.find_for_sign_in(setting_id, owner.email, "")
        assert found is not None and found.user_id == owner.user_id
    # Known or unknown, small or large: the same two point reads (S9: the count shows nothing).
    assert costs == [2, 2, 2, 2]


def test_the_setting_accounts_and_names_read_no_session(
    counted: tuple[Deps, StorageClients, Requests],
) -> None:
    deps, clients, requests = counted
    owner, _ = _setting(deps, clients, crowded=True)
    for read in (deps.accounts.in_setting, deps.accounts.families):
        sent = _cost(requests, lambda r=read: r(owner.setting_id))  # type: ignore[misc]
        assert all(bounded(*request) for request in sent), sent
    assert len(deps.accounts.in_setting(owner.setting_id)) == CROWD + 1
    assert owner.user_id in {p.parent_id for p in deps.accounts.families(owner.setting_id)}


def test_a_session_stored_under_its_account_before_sessions_had_their_own_prefix_is_swept(
    counted: tuple[Deps, StorageClients, Requests],
) -> None:
    deps, clients, _ = counted
    owner, live = _setting(deps, clients, crowded=False)
    old_key = f"{keys.account_row(owner.user_id)}~session~{'e' * 64}"
    now = deps.clock.now()
    clients.table(keys.ACCOUNTS).upsert_entity(
        {"PartitionKey": owner.setting_id, "RowKey": old_key, "Kind": "session", "UserId": owner.user_id,
         "StartedAt": now, "LastSeenAt": now, "ExpiresAt": now + timedelta(hours=12)}
    )  # fmt: skip
    swept = bootstrap.retention_store(clients).sweep_accounts(owner.setting_id, now, 1800)
    assert swept.sessions_ended == 1
    left = clients.table(keys.ACCOUNTS).query_entities(
        "PartitionKey eq @pk and RowKey eq @rk", parameters={"pk": owner.setting_id, "rk": old_key}
    )
    assert list(left) == []
    assert [s.digest for s in deps.accounts.sessions(owner.setting_id, owner.user_id)] == [live.digest]


def test_the_purge_reads_the_photos_marked_for_discard_as_a_range_of_the_marks_alone(
    counted: tuple[Deps, StorageClients, Requests],
) -> None:
    _, clients, requests = counted
    setting_id = "s" + secrets.token_hex(8)
    photos = [
        {"PartitionKey": setting_id, "RowKey": keys.photo_row(f"p{n:024x}"), "ObservationId": f"{n:024x}"}
        for n in range(EXPIRED)
    ]
    table = clients.table(keys.OBSERVATIONS)
    for first in range(0, len(photos), 100):
        table.submit_transaction([("upsert", row) for row in photos[first : first + 100]])
    store = leaver_store(clients)
    marked = {f"p{n:024x}": f"{n:024x}" for n in (7, 700)}
    store.mark_photos(setting_id, marked)
    sent = _cost(requests, lambda: store.marked_photos(setting_id))
    assert sorted(store.marked_photos(setting_id)) == sorted(marked.items())
    assert len(sent) == 1 and bounded(*sent[0]), sent
    # What Azure reads to answer it: the partition's rows inside the range, the two marks alone.
    found = parse_qs(urlsplit(sent[0][1]).query)["$filter"][0]
    low = re.search(r"RowKey g[et] '([^']*)'", found)
    high = re.search(r"RowKey lt '([^']*)'", found)
    assert low and high, found
    every_row = [e["RowKey"] for e in table.query_entities(f"PartitionKey eq '{setting_id}'")]
    assert len([k for k in every_row if low[1] <= k < high[1]]) == len(marked)
