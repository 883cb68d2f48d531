"""Sign-in rules S9-S11 and S16-S18, through the real use cases against Azurite with a frozen clock."""

from __future__ import annotations

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import InvalidInput, TooManyAttempts, Unauthenticated
from shared.domain.people import Role, Status
from shared.security.tokens import TokenKind
from shared.services import sessions
from shared.services.credentials import confirm_reset, process_reset_request
from shared.services.deps import Deps
from shared.services.signin import GENERIC_FAILURE, PIN_LOCKED, complete_sign_in, start_sign_in
from tests.conftest import Mailbox, Member, People


def sign_in(deps: Deps, member: Member, *, pin: str | None = None) -> str:
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    return complete_sign_in(
        deps, challenge=challenge.token, pin=pin or member.pin, device="Chrome on Android"
    ).token


def wrong_password(deps: Deps, member: Member) -> Exception:
    with pytest.raises((Unauthenticated, TooManyAttempts)) as raised:
        start_sign_in(deps, setting=member.setting_id, email=member.email, password="not my password at all")
    return raised.value


def test_a_member_signs_in_with_password_then_pin(deps: Deps, people: People) -> None:
    member = people.member()
    principal = sessions.authenticate(deps, sign_in(deps, member))
    assert principal.user_id == member.user_id
    assert principal.role is Role.PARENT


def test_s9_unknown_email_and_wrong_password_get_the_same_answer(deps: Deps, people: People) -> None:
    member = people.member()
    with pytest.raises(Unauthenticated) as unknown:
        start_sign_in(
            deps, setting=member.setting_id, email="nobody@family.example", password=member.password
        )
    wrong = wrong_password(deps, member)
    assert str(unknown.value) == str(wrong) == GENERIC_FAILURE


def test_s9_a_deactivated_account_gets_the_generic_answer(deps: Deps, people: People) -> None:
    member = people.member()
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None
    account.status = Status.DEACTIVATED
    deps.accounts.save(account)
    with pytest.raises(Unauthenticated) as raised:
        start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    assert str(raised.value) == GENERIC_FAILURE


def test_s10_from_the_fifth_failure_the_wait_doubles(deps: Deps, clock: FrozenClock, people: People) -> None:
    member = people.member()
    for _ in range(4):
        assert isinstance(wrong_password(deps, member), Unauthenticated)
    waits = []
    for _ in range(3):
        error = wrong_password(deps, member)
        assert isinstance(error, TooManyAttempts)
        waits.append(error.retry_after)
        clock.advance(seconds=error.retry_after)
    assert waits == [1, 2, 4]


def test_s10_the_right_password_while_throttled_is_still_refused(deps: Deps, people: People) -> None:
    member = people.member()
    for _ in range(5):
        wrong_password(deps, member)
    with pytest.raises(TooManyAttempts):
        start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)


def test_s10_a_success_resets_the_counter(deps: Deps, people: People) -> None:
    member = people.member()
    for _ in range(4):
        wrong_password(deps, member)
    start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None and account.failed_logins == 0


def test_s10_the_wait_never_exceeds_fifteen_minutes_and_100_failures_lock(
    deps: Deps, clock: FrozenClock, people: People
) -> None:
    member = people.member()
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None
    account.failed_logins = 98
    deps.accounts.save(account)
    error = wrong_password(deps, member)
    assert isinstance(error, TooManyAttempts) and error.retry_after == 15 * 60
    clock.advance(minutes=15)
    assert str(wrong_password(deps, member)) == GENERIC_FAILURE  # the 100th
    clock.advance(hours=1)
    with pytest.raises(Unauthenticated):
        start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)


def test_s11_a_challenge_lives_five_minutes(deps: Deps, clock: FrozenClock, people: People) -> None:
    member = people.member()
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    clock.advance(minutes=5, seconds=1)
    with pytest.raises(Unauthenticated):
        complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")


def test_s11_a_challenge_is_single_use(deps: Deps, people: People) -> None:
    member = people.member()
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")
    with pytest.raises(Unauthenticated):
        complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")


def test_s11_a_challenge_dies_after_three_wrong_pins(deps: Deps, people: People) -> None:
    member = people.member()
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            complete_sign_in(deps, challenge=challenge.token, pin="937146", device="x")
    with pytest.raises(Unauthenticated):
        complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")


def test_s11_ten_wrong_pins_lock_the_pin_and_mail_the_owner(
    deps: Deps, people: People, mailbox: Mailbox
) -> None:
    member = people.member()
    for _ in range(4):
        challenge = start_sign_in(
            deps, setting=member.setting_id, email=member.email, password=member.password
        )
        for _ in range(3):
            with pytest.raises(Unauthenticated) as raised:
                complete_sign_in(deps, challenge=challenge.token, pin="937146", device="x")
            if str(raised.value) == PIN_LOCKED:
                break
    assert str(raised.value) == PIN_LOCKED
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    with pytest.raises(Unauthenticated, match="PIN is locked"):
        complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")
    assert any("PIN" in mail.subject for mail in mailbox.to(member.email))


def test_s11_a_challenge_is_never_accepted_as_a_session(deps: Deps, people: People) -> None:
    member = people.member()
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    with pytest.raises(Unauthenticated):
        sessions.authenticate(deps, challenge.token)


def test_s11_three_wrong_pins_end_every_outstanding_challenge(deps: Deps, people: People) -> None:
    """Handing out more challenges does not buy more guesses: three wrong PINs on any of them end all."""
    member = people.member()
    first = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    second = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    for challenge in (first, second, first):
        with pytest.raises(Unauthenticated):
            complete_sign_in(deps, challenge=challenge.token, pin="937146", device="x")
    for challenge in (first, second):
        with pytest.raises(Unauthenticated, match="expired"):
            complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")
    assert sessions.authenticate(deps, sign_in(deps, member)).user_id == member.user_id


def test_s11_a_password_reset_ends_outstanding_challenges(
    deps: Deps, people: People, mailbox: Mailbox
) -> None:
    member = people.member()
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    process_reset_request(deps, member.setting_id, member.email)
    confirm_reset(deps, token=mailbox.link(member.email, "reset"), password="copper meadow lantern quill")
    with pytest.raises(Unauthenticated, match="expired"):
        complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")


def test_s11_a_deactivated_account_cannot_finish_signing_in(deps: Deps, people: People) -> None:
    member = people.member()
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None
    account.status = Status.DEACTIVATED
    deps.accounts.save(account, end_sessions=True)
    with pytest.raises(Unauthenticated):
        complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")


def test_s16_every_sign_in_creates_a_new_session(deps: Deps, people: People) -> None:
    member = people.member()
    first, second = sign_in(deps, member), sign_in(deps, member)
    assert first != second
    a, b = sessions.authenticate(deps, first), sessions.authenticate(deps, second)
    assert a.session_digest != b.session_digest
    assert len(deps.accounts.sessions(member.setting_id, member.user_id)) == 2
    sid = deps.tokens.read(first, TokenKind.SESSION).extra["sid"]
    assert len(sid) >= 22  # 32 random bytes in base64url: well over 128 bits


def test_s17_thirty_idle_minutes_sign_the_session_out(deps: Deps, clock: FrozenClock, people: People) -> None:
    member = people.member()
    token = sign_in(deps, member)
    clock.advance(minutes=29)
    sessions.authenticate(deps, token)  # activity: the idle clock starts again
    clock.advance(minutes=29, seconds=59)
    sessions.authenticate(deps, token)
    clock.advance(minutes=30)
    with pytest.raises(Unauthenticated, match="inactivity"):
        sessions.authenticate(deps, token)
    assert deps.accounts.sessions(member.setting_id, member.user_id) == []


def test_s17_activity_writes_are_throttled_to_once_a_minute(
    deps: Deps, clock: FrozenClock, people: People
) -> None:
    member = people.member()
    token = sign_in(deps, member)
    start = deps.accounts.sessions(member.setting_id, member.user_id)[0].last_seen_at
    clock.advance(seconds=30)
    sessions.authenticate(deps, token)
    assert deps.accounts.sessions(member.setting_id, member.user_id)[0].last_seen_at == start
    clock.advance(seconds=31)
    sessions.authenticate(deps, token)
    assert deps.accounts.sessions(member.setting_id, member.user_id)[0].last_seen_at > start


def test_s17_a_session_ends_after_twelve_hours_however_active(
    deps: Deps, clock: FrozenClock, people: People
) -> None:
    member = people.member()
    token = sign_in(deps, member)
    for _ in range(24):  # 11 h 36 min of steady activity
        clock.advance(minutes=29)
        sessions.authenticate(deps, token)
    clock.advance(minutes=25)
    with pytest.raises(Unauthenticated):
        sessions.authenticate(deps, token)


def test_s18_sign_out_everywhere_ends_every_session(deps: Deps, people: People) -> None:
    member = people.member()
    tokens = [sign_in(deps, member) for _ in range(3)]
    sessions.sign_out_everywhere(deps, sessions.authenticate(deps, tokens[0]))
    for token in tokens:
        with pytest.raises(Unauthenticated):
            sessions.authenticate(deps, token)


def test_s24_a_demotion_or_deactivation_counts_on_the_next_request(deps: Deps, people: People) -> None:
    setting = people.setting()
    member = people.member(Role.MANAGER, setting=setting)
    token = sign_in(deps, member)
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None
    account.role = Role.PRACTITIONER
    deps.accounts.save(account)
    assert sessions.authenticate(deps, token).role is Role.PRACTITIONER
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None
    account.status = Status.DEACTIVATED
    deps.accounts.save(account, end_sessions=True)
    with pytest.raises(Unauthenticated):
        sessions.authenticate(deps, token)


def test_an_empty_pin_is_a_clear_input_error(deps: Deps, people: People) -> None:
    member = people.member()
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    with pytest.raises(InvalidInput):
        complete_sign_in(deps, challenge=challenge.token, pin="", device="x")
