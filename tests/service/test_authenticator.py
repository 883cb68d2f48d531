"""Authenticator app, recovery codes, the third sign-in step and step-up (S32-S35), on the fakes."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest

from shared.clock import FrozenClock
from shared.domain.errors import Conflict, InvalidInput, Unauthenticated
from shared.domain.people import Principal, Role
from shared.security.tokens import TokenKind
from shared.services import own_factors, recovery_codes, sessions, sign_in_steps, step_up
from shared.services import step_up_methods as _methods  # noqa: F401 (registers the step-up methods)
from shared.services.authenticator import remove
from shared.services.deps import Deps
from shared.services.signin import SignedIn, start_sign_in
from shared.services.step_up import StepUpRequired, require_recent_step_up
from tests.conftest import Member, People
from tests.fakes.wiring import Fakes


def pin_step(deps: Deps, member: Member) -> SignedIn | sign_in_steps.NextStep:
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    return sign_in_steps.after_pin(deps, challenge=challenge.token, pin=member.pin, device="Firefox")


def signed_in(deps: Deps, member: Member) -> Principal:
    done = pin_step(deps, member)
    assert isinstance(done, SignedIn)
    return sessions.authenticate(deps, done.token)


def enrol(deps: Deps, who: Principal, password: str) -> tuple[pyotp.TOTP, list[str]]:
    """Step up with the password, add an app and confirm it with the code the app shows."""
    step_up.step_up(deps, who, method="password", proof={"password": password})
    who = fresh(deps, who)
    started = own_factors.begin_authenticator(deps, who)
    app = pyotp.TOTP(started.secret)
    codes = own_factors.confirm_authenticator(
        deps, who, app.at(deps.clock.now()), device="Firefox on Android"
    )
    return app, codes


def fresh(deps: Deps, who: Principal) -> Principal:
    """The principal as the next request reads it (the step-up lives on the session row)."""
    _, session, _ = deps.accounts.get_with_session(who.setting_id, who.user_id, who.session_digest)
    assert session is not None
    return Principal(who.setting_id, who.user_id, who.name, who.email, who.role, who.session_digest,
                     who.idle_expires_at, who.absolute_expires_at, (), session.stepped_up_at)  # fmt: skip


def code_step(deps: Deps, member: Member) -> str:
    step = pin_step(deps, member)
    assert isinstance(step, sign_in_steps.NextStep) and step.kind == "code"
    return step.token


@pytest.fixture
def parent(people: People) -> Member:
    return people.member(Role.PARENT)


def test_s32_a_parent_who_adds_an_app_then_signs_in_with_password_pin_and_code(
    deps: Deps, parent: Member, clock: FrozenClock
) -> None:
    app, codes = enrol(deps, signed_in(deps, parent), parent.password)
    assert len(codes) == 10
    clock.advance(seconds=30)
    token = code_step(deps, parent)
    done = sign_in_steps.complete_with_code(
        deps, challenge=token, code=app.at(clock.now()), recovery_code=None
    )
    assert sessions.authenticate(deps, done.token).user_id == parent.user_id


def test_s32_a_code_is_accepted_once(deps: Deps, parent: Member, clock: FrozenClock) -> None:
    app, _ = enrol(deps, signed_in(deps, parent), parent.password)
    clock.advance(seconds=30)
    code = app.at(clock.now())
    sign_in_steps.complete_with_code(deps, challenge=code_step(deps, parent), code=code, recovery_code=None)
    with pytest.raises(Unauthenticated, match="used already"):
        sign_in_steps.complete_with_code(
            deps, challenge=code_step(deps, parent), code=code, recovery_code=None
        )


def test_s32_the_code_of_the_step_used_at_enrolment_is_spent(deps: Deps, parent: Member) -> None:
    app, _ = enrol(deps, signed_in(deps, parent), parent.password)
    with pytest.raises(Unauthenticated, match="used already"):
        sign_in_steps.complete_with_code(
            deps, challenge=code_step(deps, parent), code=app.at(deps.clock.now()), recovery_code=None
        )


@pytest.mark.parametrize(("drift", "accepted"), [(-1, True), (1, True), (-2, False), (2, False)])
def test_s32_one_step_of_drift_is_accepted_and_two_are_refused(
    deps: Deps, parent: Member, clock: FrozenClock, drift: int, accepted: bool
) -> None:
    app, _ = enrol(deps, signed_in(deps, parent), parent.password)
    clock.advance(minutes=5)
    code = app.at(clock.now(), counter_offset=drift)
    token = code_step(deps, parent)
    if accepted:
        sign_in_steps.complete_with_code(deps, challenge=token, code=code, recovery_code=None)
    else:
        with pytest.raises(Unauthenticated, match="not right"):
            sign_in_steps.complete_with_code(deps, challenge=token, code=code, recovery_code=None)


def test_s32_password_and_pin_alone_no_longer_sign_in_once_an_app_is_added(
    deps: Deps, parent: Member
) -> None:
    enrol(deps, signed_in(deps, parent), parent.password)
    step = pin_step(deps, parent)
    assert isinstance(step, sign_in_steps.NextStep) and step.kind == "code"
    with pytest.raises(Unauthenticated):  # the code challenge is not a session (S22)
        sessions.authenticate(deps, step.token)


def test_s32_five_wrong_codes_end_the_attempt_and_ten_lock_codes_until_a_reset(
    deps: Deps, fakes: Fakes, parent: Member, clock: FrozenClock, people: People
) -> None:
    app, codes = enrol(deps, signed_in(deps, parent), parent.password)
    clock.advance(minutes=5)
    wrong = f"{(int(app.at(clock.now())) + 1) % 1_000_000:06d}"
    token = code_step(deps, parent)
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            sign_in_steps.complete_with_code(deps, challenge=token, code=wrong, recovery_code=None)
    with pytest.raises(Unauthenticated, match="Too many wrong codes"):  # even the right code now
        sign_in_steps.complete_with_code(deps, challenge=token, code=app.at(clock.now()), recovery_code=None)
    token = code_step(deps, parent)
    for _ in range(4):
        with pytest.raises(Unauthenticated, match="not right"):
            sign_in_steps.complete_with_code(deps, challenge=token, code=wrong, recovery_code=None)
    with pytest.raises(Unauthenticated, match="locked"):
        sign_in_steps.complete_with_code(deps, challenge=token, code=wrong, recovery_code=None)
    assert any("locked" in m.subject for m in fakes.outbox.to(parent.email))
    with pytest.raises(Unauthenticated, match="locked"):  # a recovery code does not lift it either
        sign_in_steps.complete_with_code(
            deps, challenge=code_step(deps, parent), code=None, recovery_code=codes[0]
        )


def test_s33_a_recovery_code_signs_in_once_and_tells_the_owner(
    deps: Deps, fakes: Fakes, parent: Member
) -> None:
    _, codes = enrol(deps, signed_in(deps, parent), parent.password)
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    assert len(set(codes)) == 10
    sign_in_steps.complete_with_code(deps, challenge=code_step(deps, parent), code=None,
                                     recovery_code=codes[3].upper())  # fmt: skip
    assert any("recovery code was used" in m.subject for m in fakes.outbox.to(parent.email))
    with pytest.raises(Unauthenticated):
        sign_in_steps.complete_with_code(deps, challenge=code_step(deps, parent), code=None,
                                         recovery_code=codes[3])  # fmt: skip


def test_s33_recovery_codes_are_stored_only_as_peppered_hashes(deps: Deps, parent: Member) -> None:
    _, codes = enrol(deps, signed_in(deps, parent), parent.password)
    account = deps.accounts.get(parent.setting_id, parent.user_id)
    assert account is not None
    stored = " ".join(account.factors.recovery_codes)
    assert not any(c in stored or c.replace("-", "") in stored for c in codes)
    assert account.factors.authenticator is not None
    secret_at_rest = account.factors.authenticator.sealed_secret
    assert len(account.factors.recovery_codes) == 10 and secret_at_rest.startswith("local-1$")


def test_s33_regenerating_needs_a_step_up_and_voids_the_old_set(
    deps: Deps, parent: Member, clock: FrozenClock
) -> None:
    who = signed_in(deps, parent)
    app, old = enrol(deps, who, parent.password)
    clock.advance(minutes=6)
    with pytest.raises(StepUpRequired):
        recovery_codes.regenerate(deps, fresh(deps, who))
    clock.advance(seconds=30)
    step_up.step_up(deps, who, method="authenticator", proof={"code": app.at(clock.now())})
    new = recovery_codes.regenerate(deps, fresh(deps, who))
    assert set(new).isdisjoint(old)
    with pytest.raises(Unauthenticated):
        sign_in_steps.complete_with_code(
            deps, challenge=code_step(deps, parent), code=None, recovery_code=old[0]
        )
    sign_in_steps.complete_with_code(deps, challenge=code_step(deps, parent), code=None, recovery_code=new[0])


def test_s35_a_step_up_lasts_five_minutes(deps: Deps, parent: Member, clock: FrozenClock) -> None:
    who = signed_in(deps, parent)
    with pytest.raises(StepUpRequired) as refused:
        require_recent_step_up(deps, who)
    assert refused.value.code == "step_up_required"
    step_up.step_up(deps, who, method="password", proof={"password": parent.password})
    clock.advance(minutes=4, seconds=59)
    require_recent_step_up(deps, fresh(deps, who))
    clock.advance(seconds=1)
    with pytest.raises(StepUpRequired):
        require_recent_step_up(deps, fresh(deps, who))


def test_s35_step_up_asks_for_the_strongest_method(deps: Deps, parent: Member, clock: FrozenClock) -> None:
    who = signed_in(deps, parent)
    enrol(deps, who, parent.password)
    with pytest.raises(InvalidInput, match="authenticator"):
        step_up.step_up(deps, who, method="password", proof={"password": parent.password})
    with pytest.raises(InvalidInput, match="not right"):
        step_up.step_up(deps, who, method="authenticator", proof={"code": "000000"})


def test_s35_removing_the_app_needs_a_step_up_and_tells_the_owner(
    deps: Deps, fakes: Fakes, parent: Member, clock: FrozenClock
) -> None:
    who = signed_in(deps, parent)
    app, _ = enrol(deps, who, parent.password)
    clock.advance(minutes=5)
    with pytest.raises(StepUpRequired):
        remove(deps, fresh(deps, who), device="Safari on iPhone")
    step_up.step_up(deps, who, method="authenticator", proof={"code": app.at(clock.now())})
    remove(deps, fresh(deps, who), device="Safari on iPhone")
    assert any("removed" in m.subject for m in fakes.outbox.to(parent.email))
    assert isinstance(pin_step(deps, parent), SignedIn)


def test_s32_two_racing_uses_of_one_code_sign_in_once(deps: Deps, parent: Member, clock: FrozenClock) -> None:
    app, _ = enrol(deps, signed_in(deps, parent), parent.password)
    clock.advance(seconds=30)
    code = app.at(clock.now())
    tokens = [code_step(deps, parent) for _ in range(1)]
    token = tokens[0]

    def use() -> str:
        try:
            sign_in_steps.complete_with_code(deps, challenge=token, code=code, recovery_code=None)
            return "ok"
        except Unauthenticated:
            return "refused"

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: use(), range(4)))
    assert results.count("ok") == 1


def test_s34_a_manager_is_asked_to_enrol_within_the_grace_and_refused_after_it(
    deps: Deps, people: People, clock: FrozenClock
) -> None:
    manager = people.member(Role.MANAGER)
    step = pin_step(deps, manager)
    assert isinstance(step, sign_in_steps.NextStep) and step.kind == "enrol" and step.can_skip
    assert step.enrol_by is not None and (step.enrol_by - clock.now()).days == 7
    sign_in_steps.skip_enrolment(deps, challenge=step.token)
    clock.advance(days=7)
    late = pin_step(deps, manager)
    assert isinstance(late, sign_in_steps.NextStep) and not late.can_skip
    with pytest.raises(sign_in_steps.EnrolmentRequired):
        sign_in_steps.skip_enrolment(deps, challenge=late.token)
    started = sign_in_steps.begin_enrolment(deps, challenge=late.token)
    done, codes = sign_in_steps.confirm_enrolment(
        deps, challenge=late.token, code=pyotp.TOTP(started.secret).at(clock.now())
    )
    assert len(codes) == 10 and sessions.authenticate(deps, done.token).role is Role.MANAGER


def test_s34_parents_are_never_required_and_practitioners_only_when_the_setting_says(
    deps: Deps, people: People
) -> None:
    parent = people.member(Role.PARENT)
    practitioner = people.member(Role.PRACTITIONER)
    assert isinstance(pin_step(deps, parent), SignedIn)
    assert isinstance(pin_step(deps, practitioner), SignedIn)
    setting = deps.settings.get(practitioner.setting_id)
    assert setting is not None
    setting.strong_sign_in_staff = True
    deps.settings.save(setting)
    step = pin_step(deps, practitioner)
    assert isinstance(step, sign_in_steps.NextStep) and step.kind == "enrol"


def test_s22_a_code_challenge_is_not_an_enrolment_challenge(deps: Deps, parent: Member) -> None:
    enrol(deps, signed_in(deps, parent), parent.password)
    token = code_step(deps, parent)
    assert deps.tokens.read(token, TokenKind.CODE_CHALLENGE).subject == parent.user_id
    with pytest.raises(Unauthenticated):
        sign_in_steps.begin_enrolment(deps, challenge=token)


def test_s34_an_app_cannot_be_added_twice(deps: Deps, parent: Member) -> None:
    who = signed_in(deps, parent)
    enrol(deps, who, parent.password)
    with pytest.raises(Conflict):
        own_factors.begin_authenticator(deps, fresh(deps, who))


def test_s36_each_factor_notice_says_when_from_what_device_and_how_to_sign_out_everywhere(
    deps: Deps, fakes: Fakes, parent: Member, clock: FrozenClock
) -> None:
    who = signed_in(deps, parent)
    _, codes = enrol(deps, who, parent.password)  # confirmed from "Firefox on Android"
    clock.advance(minutes=10)
    sign_in_steps.complete_with_code(deps, challenge=code_step(deps, parent), code=None,
                                     recovery_code=codes[0])  # fmt: skip
    step_up.step_up(deps, who, method="authenticator",
                    proof={"recoveryCode": codes[1], "device": "Edge on Windows"})  # fmt: skip
    remove(deps, fresh(deps, who), device="Safari on iPhone")
    mails = [(m.subject, " ".join(m.text.split())) for m in fakes.outbox.to(parent.email)]  # unwrapped
    notices = dict(mails)
    added = next(text for subject, text in notices.items() if "authenticator app was added" in subject)
    removed = next(text for subject, text in notices.items() if "was removed" in subject)
    used = [text for subject, text in mails if "recovery code was used" in subject]
    assert "Firefox on Android" in added and "Safari on iPhone" in removed
    assert len(used) == 2 and "Firefox" in used[0] and "Edge on Windows" in used[1]
    for text in [added, removed, *used]:
        assert re.search(r"on \w+day \d+ \w+ \d{4} at \d\d:\d\d \((UK time|UTC)\)", text), text
        assert "Sign out everywhere" in text
        assert not any(code in text for code in codes)
