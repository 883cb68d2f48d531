"""The PasskeyStore contract: the fake and the Table adapter behave alike."""

from __future__ import annotations

import secrets
import threading
from datetime import timedelta

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.passkeys import Passkey
from shared.services.deps import Deps


def passkey(setting_id: str, user_id: str, clock: FrozenClock, name: str = "Phone") -> Passkey:
    return Passkey(
        setting_id=setting_id,
        user_id=user_id,
        credential_id=secrets.token_bytes(32),
        public_key=secrets.token_bytes(77),
        sign_count=2**32 - 1,  # the largest counter an authenticator can report
        name=name,
        created_at=clock.now(),
        transports=["internal", "hybrid"],
    )


def test_a_passkey_reads_back_as_added_with_a_point_read(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    added = passkey(setting_id, "u1", clock)
    ports.passkeys.add(added)
    assert added.etag
    found = ports.passkeys.get(setting_id, "u1", added.digest)
    assert found is not None
    assert found == added


def test_a_passkey_is_found_only_under_its_own_setting_and_user(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    added = passkey(setting_id, "u1", clock)
    ports.passkeys.add(added)
    assert ports.passkeys.get(setting_id + "x", "u1", added.digest) is None
    assert ports.passkeys.get(setting_id, "u2", added.digest) is None
    assert ports.passkeys.of_user(setting_id + "x", "u1") == []


def test_the_same_credential_cannot_be_registered_twice(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    added = passkey(setting_id, "u1", clock)
    ports.passkeys.add(added)
    again = passkey(setting_id, "u1", clock, name="Other")
    again.credential_id = added.credential_id
    with pytest.raises(Conflict):
        ports.passkeys.add(again)
    found = ports.passkeys.get(setting_id, "u1", added.digest)
    assert found is not None and found.name == "Phone"


def test_a_users_passkeys_are_listed_oldest_first_and_nobody_elses(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    first = passkey(setting_id, "u1", clock, "Phone")
    clock.advance(minutes=1)
    second = passkey(setting_id, "u1", clock, "Laptop")
    ports.passkeys.add(second)
    ports.passkeys.add(first)
    ports.passkeys.add(passkey(setting_id, "u10", clock, "Not mine"))
    assert [p.name for p in ports.passkeys.of_user(setting_id, "u1")] == ["Phone", "Laptop"]


def test_a_save_needs_the_etag_it_read_and_a_removed_passkey_cannot_be_saved(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    added = passkey(setting_id, "u1", clock)
    ports.passkeys.add(added)
    first = ports.passkeys.get(setting_id, "u1", added.digest)
    second = ports.passkeys.get(setting_id, "u1", added.digest)
    assert first is not None and second is not None
    first.sign_count, first.last_used_at = 7, clock.now()
    first.spend("c" * 64, clock.now())
    ports.passkeys.save(first)
    second.name = "Stale"
    with pytest.raises(ConcurrencyConflict):
        ports.passkeys.save(second)
    found = ports.passkeys.get(setting_id, "u1", added.digest)
    assert found is not None and found.sign_count == 7 and found.has_spent("c" * 64)
    ports.passkeys.remove(setting_id, "u1", added.digest)
    ports.passkeys.remove(setting_id, "u1", added.digest)  # twice is fine
    assert ports.passkeys.get(setting_id, "u1", added.digest) is None
    with pytest.raises(NotFound):
        ports.passkeys.save(found)


def test_s31_of_racing_spends_of_one_challenge_exactly_one_wins(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    results: list[str] = []

    def spend() -> None:
        try:
            ports.passkeys.spend(setting_id, "d" * 64, clock.now() + timedelta(minutes=5))
            results.append("spent")
        except Conflict:
            results.append("refused")

    racers = [threading.Thread(target=spend) for _ in range(6)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert sorted(results) == ["refused"] * 5 + ["spent"]


def test_a_fresh_mark_is_kept_per_session(ports: Deps, setting_id: str, clock: FrozenClock) -> None:
    assert ports.passkeys.fresh_at(setting_id, "u1", "s" * 64) is None
    ports.passkeys.mark_fresh(setting_id, "u1", "s" * 64, clock.now())
    clock.advance(minutes=2)
    ports.passkeys.mark_fresh(setting_id, "u1", "s" * 64, clock.now())
    assert ports.passkeys.fresh_at(setting_id, "u1", "s" * 64) == clock.now()
    assert ports.passkeys.fresh_at(setting_id, "u1", "t" * 64) is None


def test_expired_markers_and_fresh_marks_are_swept_and_live_ones_and_passkeys_kept(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    kept = passkey(setting_id, "u1", clock)
    ports.passkeys.add(kept)
    ports.passkeys.spend(setting_id, "a" * 64, clock.now() + timedelta(minutes=5))
    ports.passkeys.mark_fresh(setting_id, "u1", "s" * 64, clock.now())
    assert ports.passkeys.sweep_expired(setting_id, clock.now()) == 0
    clock.advance(minutes=4)
    ports.passkeys.spend(setting_id, "b" * 64, clock.now() + timedelta(minutes=5))
    clock.advance(minutes=2)
    assert ports.passkeys.sweep_expired(setting_id, clock.now()) == 2  # "a" and the fresh mark
    with pytest.raises(Conflict):
        ports.passkeys.spend(setting_id, "b" * 64, clock.now() + timedelta(minutes=5))
    assert ports.passkeys.fresh_at(setting_id, "u1", "s" * 64) is None
    assert ports.passkeys.get(setting_id, "u1", kept.digest) is not None
