""" "Lost my phone": a manager-approved reset of someone's strong sign-in (S34), on the fakes."""

from __future__ import annotations

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.domain.factors import SIGN_IN_RESET_WAIT
from shared.domain.people import Principal, Role
from shared.services import sessions, sign_in_reset, sign_in_steps, step_up
from shared.services import step_up_methods as _methods  # noqa: F401 (registers the step-up methods)
from shared.services.deps import Deps
from shared.services.signin import SignedIn
from shared.services.step_up import StepUpRequired
from tests.conftest import Member, People
from tests.fakes.wiring import Fakes
from tests.service.test_authenticator import code_step, enrol, fresh, pin_step, signed_in


def stepped_up_manager(deps: Deps, people: People, member: Member) -> Principal:
    """A manager of `member`'s setting, signed in and stepped up with the password."""
    setting = deps.settings.get(member.setting_id)
    manager = people.member(Role.MANAGER, setting=setting)
    who = signed_in_or_invited_to_enrol(deps, manager)
    step_up.step_up(deps, who, method="password", proof={"password": manager.password})
    return fresh(deps, who)


def signed_in_or_invited_to_enrol(deps: Deps, member: Member) -> Principal:
    """A manager within the enrolment grace says "later" (S34) and is signed in."""
    step = pin_step(deps, member)
    if isinstance(step, sign_in_steps.NextStep):
        step = sign_in_steps.skip_enrolment(deps, challenge=step.token)
    assert isinstance(step, SignedIn)
    return sessions.authenticate(deps, step.token)


def enrolled_practitioner(deps: Deps, people: People) -> Member:
    return enrolled_practitioner_and_codes(deps, people)[0]


def enrolled_practitioner_and_codes(deps: Deps, people: People) -> tuple[Member, list[str]]:
    member = people.member(Role.PRACTITIONER)
    _, codes = enrol(deps, signed_in(deps, member), member.password)
    return member, codes


def test_s34_a_reset_waits_24_hours_then_takes_the_factors_away_at_the_next_sign_in(
    fakes: Fakes, people: People, clock: FrozenClock
) -> None:
    deps = fakes.deps
    lost_phone = enrolled_practitioner(deps, people)
    manager = stepped_up_manager(deps, people, lost_phone)
    reset = sign_in_reset.ask(deps, manager, lost_phone.user_id)
    assert reset.takes_effect_at == clock.now() + SIGN_IN_RESET_WAIT
    assert any("asked to reset strong sign-in" in m.subject for m in fakes.outbox.to(lost_phone.email))
    clock.advance(hours=23, minutes=59)
    step = pin_step(deps, lost_phone)  # nothing changes within the 24 hours
    assert isinstance(step, sign_in_steps.NextStep) and step.kind == "code"
    clock.advance(minutes=2)
    after = pin_step(deps, lost_phone)  # password and PIN now sign in, and the factors are gone
    assert isinstance(after, SignedIn)
    account = deps.accounts.get(lost_phone.setting_id, lost_phone.user_id)
    assert account is not None and not account.factors.strong and account.factors.recovery_codes == []
    assert account.factors.reset is None
    assert any("was reset" in m.subject for m in fakes.outbox.to(lost_phone.email))
    actions = [e.action for e in fakes.audit.events(lost_phone.setting_id)]
    assert "sign-in-reset.ask" in actions and "sign-in-reset.done" in actions


def test_s34_a_session_opened_before_the_reset_took_effect_cannot_step_up_with_the_old_factor(
    fakes: Fakes, people: People, clock: FrozenClock
) -> None:
    deps = fakes.deps
    member = people.member(Role.PRACTITIONER)
    app, _ = enrol(deps, signed_in(deps, member), member.password)
    manager = stepped_up_manager(deps, people, member)
    sign_in_reset.ask(deps, manager, member.user_id)
    clock.advance(hours=23, minutes=50)  # the lost phone signs in while the reset still waits
    done = sign_in_steps.complete_with_code(
        deps, challenge=code_step(deps, member), code=app.at(clock.now()), recovery_code=None
    )
    assert isinstance(done, SignedIn)
    clock.advance(minutes=11)  # the reset is due now, and that session is still open
    on_the_phone = sessions.authenticate(deps, done.token)
    with pytest.raises(Conflict, match="has been reset"):
        step_up.step_up(deps, on_the_phone, method="authenticator", proof={"code": app.at(clock.now())})
    assert fresh(deps, on_the_phone).stepped_up_at is None
    failures = [e for e in fakes.audit.events(member.setting_id) if e.action == "step-up"]
    assert failures[-1].outcome == "failure" and failures[-1].detail == "reset-due"


def test_s34_the_owner_who_did_not_ask_cancels_and_keeps_the_factors(
    fakes: Fakes, people: People, clock: FrozenClock
) -> None:
    deps = fakes.deps
    owner, codes = enrolled_practitioner_and_codes(deps, people)
    manager = stepped_up_manager(deps, people, owner)
    sign_in_reset.ask(deps, manager, owner.user_id)
    owner_session = signed_in_with_a_recovery_code(deps, owner, codes[0])
    sign_in_reset.cancel_own(deps, owner_session)
    assert any("was cancelled" in m.subject for m in fakes.outbox.to(owner.email))
    clock.advance(hours=25)
    step = pin_step(deps, owner)
    assert isinstance(step, sign_in_steps.NextStep) and step.kind == "code"  # still asked for a code
    with pytest.raises(Conflict):
        sign_in_reset.cancel_own(deps, owner_session)


def signed_in_with_a_recovery_code(deps: Deps, member: Member, code: str) -> Principal:
    """The owner, who did not lose anything, signs in with password, PIN and a recovery code."""
    step = pin_step(deps, member)
    assert isinstance(step, sign_in_steps.NextStep) and step.kind == "code"
    done = sign_in_steps.complete_with_code(deps, challenge=step.token, code=None, recovery_code=code)
    return sessions.authenticate(deps, done.token)


def test_s34_only_a_stepped_up_manager_of_the_setting_may_ask_and_never_for_themselves(
    deps: Deps, people: People, clock: FrozenClock
) -> None:
    owner = enrolled_practitioner(deps, people)
    manager = stepped_up_manager(deps, people, owner)
    colleague = signed_in(deps, people.member(Role.PRACTITIONER, setting=deps.settings.get(owner.setting_id)))
    with pytest.raises(Forbidden):
        sign_in_reset.ask(deps, colleague, owner.user_id)
    elsewhere = stepped_up_manager(deps, people, people.member(Role.PARENT))
    with pytest.raises(NotFound):
        sign_in_reset.ask(deps, elsewhere, owner.user_id)
    with pytest.raises(InvalidInput):
        sign_in_reset.ask(deps, manager, manager.user_id)
    clock.advance(minutes=6)
    with pytest.raises(StepUpRequired):
        sign_in_reset.ask(deps, manager, owner.user_id)
    account = deps.accounts.get(owner.setting_id, owner.user_id)
    assert account is not None and account.factors.reset is None  # nothing was written


def test_s34_asking_again_keeps_the_first_clock_and_the_manager_can_withdraw(
    deps: Deps, people: People, clock: FrozenClock
) -> None:
    owner = enrolled_practitioner(deps, people)
    manager = stepped_up_manager(deps, people, owner)
    first = sign_in_reset.ask(deps, manager, owner.user_id)
    clock.advance(minutes=3)
    again = sign_in_reset.ask(deps, manager, owner.user_id)
    assert again.takes_effect_at == first.takes_effect_at
    sign_in_reset.cancel(deps, manager, owner.user_id)
    clock.advance(hours=25)
    step = pin_step(deps, owner)
    assert isinstance(step, sign_in_steps.NextStep) and step.kind == "code"
