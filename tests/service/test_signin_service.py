"""Signing in with password and PIN through the use cases, on the in-memory fakes."""

from __future__ import annotations

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import Unauthenticated
from shared.domain.people import Role
from shared.services.deps import Deps
from shared.services.sessions import authenticate, sign_out
from shared.services.signin import complete_sign_in, start_sign_in
from tests.conftest import People


def test_s16_password_then_pin_starts_a_session_that_authenticates(deps: Deps, people: People) -> None:
    member = people.member(Role.PARENT)
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    with pytest.raises(Unauthenticated):  # S11: a PIN challenge is never a session
        authenticate(deps, challenge.token)
    signed_in = complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="Firefox on Linux")
    principal = authenticate(deps, signed_in.token)
    assert (principal.user_id, principal.role) == (member.user_id, Role.PARENT)
    sign_out(deps, principal)
    with pytest.raises(Unauthenticated):  # S18: ended on the server
        authenticate(deps, signed_in.token)


def test_s17_a_session_idle_for_thirty_minutes_is_over(
    deps: Deps, people: People, clock: FrozenClock
) -> None:
    member = people.member(Role.PRACTITIONER)
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    token = complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="").token
    clock.advance(minutes=30)
    with pytest.raises(Unauthenticated):
        authenticate(deps, token)


def test_s9_a_wrong_password_and_an_unknown_email_get_the_same_answer(deps: Deps, people: People) -> None:
    member = people.member(Role.PARENT)
    answers = []
    for email, password in (
        (member.email, "not the password at all"),
        ("nobody@family.example", member.password),
    ):
        with pytest.raises(Unauthenticated) as refused:
            start_sign_in(deps, setting=member.setting_id, email=email, password=password)
        answers.append(refused.value.message)
    assert answers[0] == answers[1]
