"""What is stored and logged never contains a password, PIN or raw token (S5-S8, S16, S29)."""

from __future__ import annotations

import logging
import re

import pytest

from shared import bootstrap
from shared.clock import FrozenClock
from shared.config import load_config
from shared.security.tokens import TokenKind
from shared.services.credentials import confirm_reset, request_reset
from shared.services.deps import Deps
from shared.services.signin import complete_sign_in, start_sign_in
from shared.storage import keys
from shared.storage.clients import StorageClients
from tests.conftest import PIN, Mailbox, People, run_reset_worker


def every_stored_value(clients: StorageClients, setting_id: str) -> list[str]:
    values = []
    for table in (keys.ACCOUNTS, keys.SETTINGS, keys.AUDIT, keys.CHILDREN):
        client = clients.table(table)
        for entity in client.list_entities():
            if str(entity.get("PartitionKey", "")).startswith(setting_id):
                values += [str(v) for v in entity.values()]
    return values


def test_s5_stored_hashes_use_argon2id_with_the_rfc9106_low_memory_parameters(
    local_env: dict[str, str], clients: StorageClients, clock: FrozenClock, mailbox: Mailbox
) -> None:
    production_like = {k: v for k, v in local_env.items() if k != "JOURNAL_ARGON2_PROFILE"}
    deps = bootstrap.build(load_config(production_like), clients, clock)
    member = People(deps, mailbox).member()
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None and account.password_hash and account.pin_hash
    for record in (account.password_hash, account.pin_hash):
        version, _, encoded = record.partition("$")
        assert version == deps.config.pepper_current  # S6: the record names its pepper
        assert encoded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_s8_s29_no_password_pin_or_token_is_stored_or_logged(
    deps: Deps, clients: StorageClients, people: People, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    member = people.member()
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    signed_in = complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="Firefox on Linux")
    request_reset(deps, setting=member.setting_id, email=member.email)
    run_reset_worker(deps, clients)
    reset_token = mailbox.link(member.email, "reset")
    new_password = "quartz meadow pelican tuba"
    confirm_reset(deps, token=reset_token, password=new_password, pin="592018")

    # PINs are short digit runs that random base64 can contain by chance: they are matched as whole
    # words; everything else must not appear anywhere.
    pins = {PIN, "592018"}
    secrets_used = {
        member.password,
        new_password,
        challenge.token,
        signed_in.token,
        reset_token,
        deps.tokens.read(signed_in.token, TokenKind.SESSION).extra["sid"],
    }
    stored = every_stored_value(clients, member.setting_id)
    logged = caplog.text
    for secret in secrets_used:
        assert not any(secret in value for value in stored), "a secret reached Table Storage"
        assert secret not in logged, "a secret reached the log"
    for pin in pins:
        word = re.compile(rf"\b{pin}\b")
        assert not any(word.search(value) for value in stored), "a PIN reached Table Storage"
        assert not word.search(logged), "a PIN reached the log"
