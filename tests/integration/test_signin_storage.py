"""What sign-in stores, read straight from Azurite: small probe rows for unknown addresses, swept by
the purge, and nothing at all for a setting that does not exist (S10)."""

from __future__ import annotations

import hashlib
import secrets

from shared import bootstrap
from shared.clock import FrozenClock
from shared.services.deps import Deps
from shared.services.retention import Budget, purge
from shared.services.signin import probe_digest
from shared.storage import keys
from shared.storage.clients import StorageClients
from tests.conftest import Member, People
from tests.service.test_signin import attempt


def test_s10_rows_for_unknown_addresses_are_small_keyed_by_a_keyed_hash_expire_and_are_swept(
    deps: Deps, clients: StorageClients, clock: FrozenClock, people: People
) -> None:
    member = people.member()
    address = "nobody-here@family.example"
    unknown = Member(member.setting_id, "nobody", address)
    attempt(deps, unknown, "not my password at all")
    rows = [dict(r) for r in clients.table(keys.ACCOUNTS).list_entities() if r.get("Kind") == "probe"]
    rows = [r for r in rows if r["PartitionKey"] == member.setting_id]
    assert len(rows) == 1
    row = rows[0]
    assert address not in repr(row) and hashlib.sha256(address.encode()).hexdigest() not in repr(row)
    assert row["RowKey"] == keys.probe_row(probe_digest(deps, member.setting_id, address))
    assert set(row) - {"PartitionKey", "RowKey"} <= {"Kind", "FailedLogins", "ThrottledUntil", "ExpiresAt"}
    purge(deps, bootstrap.retention_store(clients), Budget(60))
    assert clients.table(keys.ACCOUNTS).get_entity(member.setting_id, row["RowKey"])  # not expired yet
    clock.advance(hours=25)
    purge(deps, bootstrap.retention_store(clients), Budget(60))
    left = [r for r in clients.table(keys.ACCOUNTS).list_entities() if r["RowKey"] == row["RowKey"]]
    assert left == []


def test_s10_nothing_is_stored_for_a_setting_that_does_not_exist(
    deps: Deps, clients: StorageClients, people: People
) -> None:
    ghost = f"no-such-{secrets.token_hex(4)}"
    for _ in range(6):
        attempt(deps, Member(ghost, "nobody", "someone@family.example"), "not my password at all")
    for table in (keys.ACCOUNTS, keys.AUDIT):
        stored = [r for r in clients.table(table).list_entities() if r["PartitionKey"].startswith(ghost)]
        assert stored == []
