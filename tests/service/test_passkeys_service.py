"""Passkeys, step-up and trusted devices as use cases on the fakes (S31, S35, S36)."""

from __future__ import annotations

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import InvalidInput, Unauthenticated
from shared.domain.factors import RECOVERY_CODE_COUNT, Method
from shared.domain.people import Principal
from shared.services import devices, passkeys, sessions, sign_in_steps, step_up
from shared.services import step_up_methods as _methods  # noqa: F401 (registers the step-up methods)
from shared.services.deps import Deps
from shared.services.ports import LinkMailKind
from shared.services.signin import SignedIn, complete_sign_in, start_sign_in
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
    add_to(deps, who, key)
    return key


def add_to(deps: Deps, who: Principal, key: SoftAuthenticator) -> passkeys.Registered:
    ceremony = passkeys.registration_options(deps, who)
    credential = key.create(dict(ceremony.options))
    return passkeys.register(
        deps, who, attempt=ceremony.attempt, credential=credential, name="Phone", device="x"
    )


def passkey_step_up(deps: Deps, who: Principal, key: SoftAuthenticator) -> None:
    ceremony = passkeys.step_up_options(deps, who)
    passkeys.verify_for_step_up(
        deps, who, attempt=ceremony.attempt, credential=key.get(dict(ceremony.options))
    )


def test_s35_a_fresh_verification_lasts_five_minutes_and_belongs_to_its_session(
    deps: Deps, people: People, clock: FrozenClock
) -> None:
    member = people.member()
    who, _ = signed_in(deps, member)
    key = registered(deps, who)
    other = sessions.authenticate(deps, passkey_sign_in(deps, key).token)
    clock.advance(minutes=6)  # the registration's own verification is no longer fresh
    with pytest.raises(passkeys.StepUpRequired):
        passkeys.require_fresh(deps, who)
    passkey_step_up(deps, who, key)
    passkeys.require_fresh(deps, who)
    with pytest.raises(passkeys.StepUpRequired):
        passkeys.require_fresh(deps, other)
    clock.advance(minutes=5)
    with pytest.raises(passkeys.StepUpRequired):
        passkeys.require_fresh(deps, who)


def test_s35_a_passkey_owner_steps_up_with_the_passkey_or_a_recovery_code_never_the_password(
    deps: Deps, people: People, clock: FrozenClock
) -> None:
    member = people.member()
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    session = complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x").token
    who = sessions.authenticate(deps, session)
    codes = registered_with_codes(deps, who)
    clock.advance(minutes=6)
    assert step_up.method_for(deps, who) is Method.PASSKEY
    password = {"password": member.password}
    for method in ("password", "passkey"):
        with pytest.raises(InvalidInput):
            step_up.step_up(deps, who, method=method, proof=password)
    with pytest.raises(passkeys.StepUpRequired):
        passkeys.require_fresh(deps, sessions.authenticate(deps, session))
    step_up.step_up(deps, who, method="passkey", proof={"recoveryCode": codes[0], "device": "x"})
    passkeys.require_fresh(deps, sessions.authenticate(deps, session))
    clock.advance(minutes=6)
    with pytest.raises(InvalidInput):  # each recovery code works once
        step_up.step_up(deps, who, method="passkey", proof={"recoveryCode": codes[0], "device": "x"})


def test_s33_the_first_passkey_brings_recovery_codes_and_the_last_one_takes_them_away(
    deps: Deps, people: People
) -> None:
    member = people.member()
    who, _ = signed_in(deps, member)
    first = add_to(deps, who, SoftAuthenticator(deps.config.public_origin))
    second = add_to(deps, who, SoftAuthenticator(deps.config.public_origin))
    assert len(first.recovery_codes) == RECOVERY_CODE_COUNT and second.recovery_codes == []
    assert len(set(first.recovery_codes)) == RECOVERY_CODE_COUNT
    for added in (first, second):
        passkeys.remove(deps, who, added.passkey.public_id, "x")  # still fresh from registering
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None and not account.factors.strong and account.factors.recovery_codes == []


def test_s34_password_and_pin_alone_no_longer_sign_in_a_passkey_owner(deps: Deps, people: People) -> None:
    member = people.member()
    who, _ = signed_in(deps, member)
    codes = registered_with_codes(deps, who)
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    with pytest.raises(Unauthenticated):
        complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    step = sign_in_steps.after_pin(deps, challenge=challenge.token, pin=member.pin, device="x")
    assert isinstance(step, sign_in_steps.NextStep)
    assert step.kind == "code" and step.methods == ("passkey", "recoveryCode")
    done = sign_in_steps.complete_with_code(deps, challenge=step.token, code="", recovery_code=codes[0])
    assert sessions.authenticate(deps, done.token).user_id == member.user_id


def registered_with_codes(deps: Deps, who: Principal) -> list[str]:
    return add_to(deps, who, SoftAuthenticator(deps.config.public_origin)).recovery_codes


def passkey_sign_in(deps: Deps, key: SoftAuthenticator) -> SignedIn:
    ceremony = passkeys.sign_in_options(deps, "192.0.2.1")
    return passkeys.sign_in(deps, attempt=ceremony.attempt, credential=key.get(dict(ceremony.options)),
                            device="Safari on iPhone", device_token=None)  # fmt: skip


def test_s31_a_passkey_sign_in_starts_a_session_of_its_owner(deps: Deps, people: People) -> None:
    member = people.member()
    who, _ = signed_in(deps, member)
    key = registered(deps, who)
    ceremony = passkeys.sign_in_options(deps, "192.0.2.1")
    done = passkeys.sign_in(deps, attempt=ceremony.attempt, credential=key.get(dict(ceremony.options)),
                            device="Safari on iPhone", device_token=None)  # fmt: skip
    assert sessions.authenticate(deps, done.token).user_id == member.user_id


def test_s31_a_sign_in_attempt_cannot_register_and_a_registration_cannot_sign_in(
    deps: Deps, people: People
) -> None:
    member = people.member()
    who, _ = signed_in(deps, member)
    key = SoftAuthenticator(deps.config.public_origin)
    sign_in = passkeys.sign_in_options(deps, "192.0.2.1")
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
