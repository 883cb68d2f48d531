"""Passkeys, step-up and trusted devices as use cases on the fakes (S31, S35, S36)."""

from __future__ import annotations

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import InvalidInput, Unauthenticated
from shared.domain.people import Principal
from shared.services import devices, passkeys, sessions
from shared.services.deps import Deps
from shared.services.ports import LinkMailKind
from shared.services.signin import complete_sign_in, start_sign_in
from tests.conftest import Member, People
from tests.fakes.wiring import Fakes
from tests.passkey_authenticator import SoftAuthenticator


def signed_in(deps: Deps, member: Member, device_token: str | None = None) -> tuple[Principal, str]:
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password,
                              device_token=device_token)  # fmt: skip
    done = complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="Firefox on Windows")
    return sessions.authenticate(deps, done.token), done.device_token


def registered(deps: Deps, who: Principal) -> SoftAuthenticator:
    key = SoftAuthenticator(deps.config.public_origin)
    ceremony = passkeys.registration_options(deps, who)
    credential = key.create(dict(ceremony.options))
    passkeys.register(deps, who, attempt=ceremony.attempt, credential=credential, name="Phone", device="x")
    return key


def test_s35_a_fresh_verification_lasts_five_minutes_and_belongs_to_its_session(
    deps: Deps, people: People, clock: FrozenClock
) -> None:
    member = people.member()
    who, _ = signed_in(deps, member)
    other, _ = signed_in(deps, member)
    with pytest.raises(passkeys.StepUpRequired):
        passkeys.require_fresh(deps, who)
    passkeys.confirm_password(deps, who, member.password)
    passkeys.require_fresh(deps, who)
    with pytest.raises(passkeys.StepUpRequired):
        passkeys.require_fresh(deps, other)
    clock.advance(minutes=5)
    with pytest.raises(passkeys.StepUpRequired):
        passkeys.require_fresh(deps, who)


def test_s35_a_wrong_password_gives_no_step_up(deps: Deps, people: People) -> None:
    member = people.member()
    who, _ = signed_in(deps, member)
    with pytest.raises(InvalidInput):
        passkeys.confirm_password(deps, who, "not my password at all")
    assert passkeys.fresh_until(deps, who) is None


def test_s31_a_passkey_sign_in_starts_a_session_of_its_owner(deps: Deps, people: People) -> None:
    member = people.member()
    who, _ = signed_in(deps, member)
    key = registered(deps, who)
    ceremony = passkeys.sign_in_options(deps)
    done = passkeys.sign_in(deps, attempt=ceremony.attempt, credential=key.get(dict(ceremony.options)),
                            device="Safari on iPhone", device_token=None)  # fmt: skip
    assert sessions.authenticate(deps, done.token).user_id == member.user_id


def test_s31_a_sign_in_attempt_cannot_register_and_a_registration_cannot_sign_in(
    deps: Deps, people: People
) -> None:
    member = people.member()
    who, _ = signed_in(deps, member)
    key = SoftAuthenticator(deps.config.public_origin)
    sign_in = passkeys.sign_in_options(deps)
    register = passkeys.registration_options(deps, who)
    with pytest.raises(InvalidInput):
        passkeys.register(deps, who, attempt=sign_in.attempt, credential=key.create(dict(register.options)),
                          name="", device="x")  # fmt: skip
    passkeys.register(deps, who, attempt=register.attempt, credential=key.create(dict(register.options)),
                      name="", device="Edge on Windows")  # fmt: skip
    assert [p.name for p in passkeys.list_passkeys(deps, who)] == [
        "Edge on Windows"
    ]  # named after the device
    with pytest.raises(Unauthenticated):
        passkeys.sign_in(deps, attempt=register.attempt, credential=key.get(dict(sign_in.options)),
                         device="x", device_token=None)  # fmt: skip


def test_s36_only_a_browser_the_account_does_not_know_gets_a_notice(fakes: Fakes, people: People) -> None:
    member = people.member()
    fakes.link_mails.take()
    _, device_token = signed_in(fakes.deps, member)
    assert [i.kind for i in fakes.link_mails.take()] == [LinkMailKind.NEW_DEVICE]
    signed_in(fakes.deps, member, device_token)
    assert fakes.link_mails.take() == []
    who, _ = signed_in(fakes.deps, member, device_token)
    (known,) = devices.list_devices(fakes.deps, who, device_token)
    assert known.label == "Firefox on Windows" and known.current
