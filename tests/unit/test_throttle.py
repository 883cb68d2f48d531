"""The pure throttle rules of S10: refusals before a check, and the per-client budget of verifies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.domain.people import Account, Role, Status
from shared.domain.throttle import (
    LOCK_AT,
    VERIFIES_PER_CLIENT_MINUTE,
    ClientBudget,
    next_until,
    refusal,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_s10_an_attempt_goes_on_until_the_fifth_failure_sets_a_wait() -> None:
    assert [next_until(n, NOW) for n in range(1, 5)] == [None] * 4
    assert next_until(5, NOW) == NOW + timedelta(seconds=1)
    assert refusal(4, None, NOW, locks=True) is None
    assert refusal(5, NOW + timedelta(seconds=1), NOW, locks=True) == 1
    assert refusal(5, NOW + timedelta(seconds=1), NOW + timedelta(seconds=1), locks=True) is None


def test_s10_at_100_failures_only_the_anonymous_counter_locks() -> None:
    assert refusal(LOCK_AT, None, NOW, locks=True) == 0
    assert refusal(LOCK_AT, None, NOW, locks=False) is None


def test_s10_a_client_gets_its_budget_of_verifies_a_minute_and_then_waits() -> None:
    budget = ClientBudget(VERIFIES_PER_CLIENT_MINUTE)
    assert [budget.spend("203.0.113.7", 100.0) for _ in range(30)] == [0] * 30
    assert budget.spend("203.0.113.7", 100.5) == 60
    assert budget.spend("198.51.100.1", 100.5) == 0  # another client has its own budget
    assert budget.spend("203.0.113.7", 160.0) == 0  # the oldest verify has left the window


def test_s10_the_budget_forgets_idle_clients_so_memory_stays_bounded() -> None:
    budget = ClientBudget(5, max_clients=10)
    for n in range(50):
        budget.spend(f"client-{n}", float(n * 61))
    assert len(budget._spent) <= 11


def test_s10_a_known_device_has_its_own_counter_and_only_the_newest_are_kept() -> None:
    account = Account("s", "u", "a@b.example", "A", Role.PARENT, Status.ACTIVE, NOW)
    for n in range(7):
        account.remember_device(f"d{n}", NOW + timedelta(minutes=n), keep=5)
    assert [d.device_id for d in account.devices] == ["d6", "d5", "d4", "d3", "d2"]
    account.record_attempts("d6", 3, None)
    account.record_attempts("d0", 7, None)  # forgotten: counts as anonymous
    assert account.attempts("d6") == (3, None)
    assert account.attempts(None) == (7, None)
