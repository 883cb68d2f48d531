"""The AccountRepository contract for strong sign-in: factors kept with the account, step-up on
the session row (S32-S35), on the fake and on Azurite."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import ConcurrencyConflict, NotFound
from shared.domain.factors import Authenticator, Factors
from shared.services.deps import Deps
from tests.contract.examples import account, session


def test_s32_factors_are_read_back_whole_with_the_account(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    new = account(setting_id, clock.now())
    ports.accounts.add(new)
    read = ports.accounts.get(setting_id, new.user_id)
    assert read is not None and read.factors == Factors()
    read.factors = Factors(
        authenticator=Authenticator("k-1$c2VhbGVk", clock.now(), confirmed=True, last_step=59_000_123),
        recovery_codes=["p-1$ab", "p-1$cd"],
        passkeys=["cred-1"],
        enrol_asked_at=clock.now() - timedelta(days=2),
        code_failures=3,
        code_tries=2,
    )
    ports.accounts.save(read)
    again = ports.accounts.get(setting_id, new.user_id)
    assert again is not None and again.factors == read.factors


def test_s32_a_stale_write_of_factors_is_refused(ports: Deps, setting_id: str, clock: FrozenClock) -> None:
    new = account(setting_id, clock.now())
    ports.accounts.add(new)
    read = ports.accounts.get(setting_id, new.user_id)
    assert read is not None
    ports.accounts.save(replace(read, factors=Factors(code_failures=1)))
    with pytest.raises(ConcurrencyConflict):
        ports.accounts.save(replace(read, factors=Factors(code_failures=1)))


def test_s35_a_step_up_is_recorded_on_its_session_only_and_never_revives_an_ended_one(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    new = account(setting_id, clock.now())
    ports.accounts.add(new)
    read = ports.accounts.get(setting_id, new.user_id)
    assert read is not None
    first, second = session(read, clock.now()), session(read, clock.now())
    ports.accounts.save(read, new_session=first)
    read = ports.accounts.get(setting_id, new.user_id)
    assert read is not None
    ports.accounts.save(read, new_session=second)
    at = clock.now() + timedelta(minutes=1)
    ports.accounts.record_step_up(setting_id, read.user_id, first.digest, at)
    _, found, _ = ports.accounts.get_with_session(setting_id, read.user_id, first.digest)
    _, other, _ = ports.accounts.get_with_session(setting_id, read.user_id, second.digest)
    assert found is not None and found.stepped_up_at == at and found.last_seen_at == first.last_seen_at
    assert other is not None and other.stepped_up_at is None
    ports.accounts.end_session(setting_id, read.user_id, first.digest)
    with pytest.raises(NotFound):
        ports.accounts.record_step_up(setting_id, read.user_id, first.digest, at)
