"""A leaver's passkeys go with their account when the retention purge erases it."""

from __future__ import annotations

import secrets

from shared.clock import FrozenClock
from shared.domain.passkeys import Passkey
from shared.domain.people import Status
from shared.services.deps import Deps
from shared.storage import keys
from shared.storage.clients import StorageClients
from tests.conftest import People
from tests.integration.test_retention_accounts import partition_rows, run_purge


def test_an_erased_accounts_passkeys_are_erased_too(
    deps: Deps, clients: StorageClients, clock: FrozenClock, people: People
) -> None:
    setting = people.setting()
    member = people.member(setting=setting)
    stayer = people.member(setting=setting)
    for owner in (member, stayer):
        credential = secrets.token_bytes(32)
        deps.passkeys.add(
            Passkey(owner.setting_id, owner.user_id, credential, b"key", 0, "Phone", clock.now())
        )
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None
    account.status = Status.DEACTIVATED
    deps.accounts.save(account, end_sessions=True)
    run_purge(deps, clients)  # starts the retention clock
    clock.advance(days=setting.deactivated_retention_days + 1)
    run_purge(deps, clients)
    assert deps.accounts.get(member.setting_id, member.user_id) is None
    assert deps.passkeys.of_user(member.setting_id, member.user_id) == []
    assert [
        r for r in partition_rows(clients, keys.PASSKEYS, setting.setting_id) if member.user_id in str(r)
    ] == []
    assert len(deps.passkeys.of_user(stayer.setting_id, stayer.user_id)) == 1
