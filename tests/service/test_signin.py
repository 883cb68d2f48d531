"""Sign-in rules S9-S11 and S16-S18, through the real use cases against Azurite with a frozen clock."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import InvalidInput, TooManyAttempts, Unauthenticated
from shared.domain.people import Role, Status
from shared.security.hashing import SecretHasher
from shared.security.tokens import TokenKind
from shared.services import email_change, sessions
from shared.services.credentials import change_password, change_pin, confirm_reset, process_reset_request
from shared.services.deps import Deps
from shared.services.signin import (
    GENERIC_FAILURE,
    PIN_LOCKED,
    Challenge,
    complete_sign_in,
    start_sign_in,
)
from tests.conftest import Mailbox, Member, People
from tests.fakes.wiring import Fakes
from tests.nurseries import stepped_up


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
    """The PIN step completes the sign-in and resets the counter in the write that starts the session."""
    member = people.member()
    for _ in range(4):
        wrong_password(deps, member)
    sign_in(deps, member)
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None and account.failed_logins == 0
    assert [type(wrong_password(deps, member)) for _ in range(4)] == [Unauthenticated] * 4


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


class CountingHasher:
    """The real hasher, counting every Argon2 verify (real or dummy) made through it."""

    def __init__(self, inner: SecretHasher) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.verifies = 0

    def _count(self) -> None:
        with self._lock:
            self.verifies += 1

    def verify(self, record: str, secret: str) -> bool:
        self._count()
        return self._inner.verify(record, secret)

    def verify_dummy(self, secret: str) -> None:
        self._count()
        self._inner.verify_dummy(secret)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def counting(deps: Deps) -> tuple[Deps, CountingHasher]:
    hasher = CountingHasher(deps.hasher)
    return dataclasses.replace(deps, hasher=hasher), hasher  # type: ignore[arg-type]


def attempt(deps: Deps, member: Member, password: str, device_token: str | None = None) -> object:
    """What one password step answers: a challenge, or the error, or its Retry-After."""
    try:
        return start_sign_in(
            deps, setting=member.setting_id, email=member.email, password=password, device_token=device_token
        )
    except TooManyAttempts as error:
        return ("429", error.retry_after)
    except Unauthenticated as error:
        return ("401", str(error))


def test_s10_a_burst_of_40_wrong_and_1_right_verifies_at_most_five(deps: Deps, people: People) -> None:
    member = people.member()
    counted, hasher = counting(deps)
    passwords = ["not my password at all"] * 20 + [member.password] + ["not my password at all"] * 20
    start = threading.Barrier(len(passwords))

    def send(password: str) -> object:
        start.wait()
        return attempt(counted, member, password)

    with ThreadPoolExecutor(max_workers=len(passwords)) as pool:
        answers = list(pool.map(send, passwords))

    assert hasher.verifies <= 5
    challenges = [a for a in answers if isinstance(a, Challenge)]
    wrong_401 = [a for a in answers if isinstance(a, tuple) and a[0] == "401"]
    waited = [a for a in answers if a == ("429", 1)]
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None
    # Every checked attempt was counted first and nothing else was: the counter holds exactly
    # the verifies; counts 1-4 answered 401 (or a challenge), and everyone else was told to wait.
    assert account.failed_logins == hasher.verifies == 5
    assert len(wrong_401) + len(challenges) == 4 + (1 if challenges and len(wrong_401) == 4 else 0)
    assert len(waited) == 41 - len(wrong_401) - len(challenges)
    for challenge in challenges:
        held = deps.tokens.read(challenge.token, TokenKind.PIN_CHALLENGE).extra["n"]
        if held == "5":  # the last one counted: nobody failed after it, its sign-in may finish
            complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")
        else:  # failures counted after it set off the throttle, which the PIN step checks again
            with pytest.raises(TooManyAttempts):
                complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")


def test_s10_attempts_refused_while_throttled_are_neither_checked_nor_counted(
    deps: Deps, clock: FrozenClock, people: People
) -> None:
    member = people.member()
    counted, hasher = counting(deps)
    for _ in range(5):
        attempt(counted, member, "not my password at all")
    assert hasher.verifies == 5
    answers = [attempt(counted, member, pw) for pw in ("still wrong", member.password, "wrong again")]
    assert answers == [("429", 1)] * 3
    assert hasher.verifies == 5
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None and account.failed_logins == 5
    clock.advance(seconds=1)
    assert attempt(counted, member, "wrong once more") == ("429", 2)


def test_s10_the_pin_step_rechecks_the_throttle(deps: Deps, people: People) -> None:
    member = people.member()
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    for _ in range(5):
        wrong_password(deps, member)
    with pytest.raises(TooManyAttempts):
        complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")


def test_s10_the_pin_step_rechecks_the_lock(deps: Deps, clock: FrozenClock, people: People) -> None:
    member = people.member()
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None
    account.failed_logins = 100
    deps.accounts.save(account)
    with pytest.raises(Unauthenticated):
        complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")


def test_s10_a_flood_cannot_lock_the_owners_device_out_and_the_owner_is_mailed_once(
    deps: Deps, clock: FrozenClock, people: People, mailbox: Mailbox
) -> None:
    member = people.member()
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    device_token = complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x").device_token
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None and len(account.devices) == 1
    account.failed_logins = 97  # most of a flood from elsewhere, counted already
    deps.accounts.save(account)
    for _ in range(5):
        clock.advance(minutes=16)
        attempt(deps, member, "a flood of guesses")
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None and account.failed_logins == 100
    assert attempt(deps, member, member.password) == ("401", GENERIC_FAILURE)  # unknown browsers: locked
    locked = [m for m in mailbox.to(member.email) if "locked" in m.subject]
    assert len(locked) == 1
    owner = attempt(deps, member, member.password, device_token)
    assert isinstance(owner, Challenge)
    done = complete_sign_in(deps, challenge=owner.token, pin=member.pin, device="x")
    assert sessions.authenticate(deps, done.token).user_id == member.user_id
    assert len([m for m in mailbox.to(member.email) if "locked" in m.subject]) == 1  # once, not per attempt


def test_s10_a_device_cookie_for_another_account_counts_as_anonymous(deps: Deps, people: People) -> None:
    member, other = people.member(), people.member()
    challenge = start_sign_in(deps, setting=other.setting_id, email=other.email, password=other.password)
    other_device = complete_sign_in(deps, challenge=challenge.token, pin=other.pin, device="x").device_token
    for _ in range(5):
        attempt(deps, member, "not my password at all", other_device)
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None and account.failed_logins == 5 and account.devices == []


def _six_wrong(deps: Deps, clock: FrozenClock, member: Member) -> list[object]:
    answers = []
    for _ in range(7):
        answer = attempt(deps, member, "not my password at all")
        answers.append(answer)
        if isinstance(answer, tuple) and answer[0] == "429":
            clock.advance(seconds=int(answer[1]))
    return answers


def test_s9_unknown_and_deactivated_addresses_answer_exactly_as_a_live_account(
    deps: Deps, clock: FrozenClock, people: People
) -> None:
    live = people.member()
    leaver = people.member()
    account = deps.accounts.get(leaver.setting_id, leaver.user_id)
    assert account is not None
    account.deactivate(clock.now())
    deps.accounts.save(account)
    unknown = Member(live.setting_id, "nobody", "nobody-here@family.example")
    expected = [("401", GENERIC_FAILURE)] * 4 + [("429", 1), ("429", 2), ("429", 4)]
    for member in (live, unknown, leaver):
        assert _six_wrong(deps, clock, member) == expected


def test_s10_wrong_current_passwords_with_a_stolen_session_are_throttled(deps: Deps, people: People) -> None:
    member = people.member()
    who = stepped_up(deps, sessions.authenticate(deps, sign_in(deps, member)))
    counted, hasher = counting(deps)
    answers = []
    for n in range(50):
        try:
            if n % 2:
                change_password(counted, who, current=f"guess {n}", new="a brand new passphrase 42")
            else:
                change_pin(counted, who, password=f"guess {n}", new_pin="402918")
        except TooManyAttempts:
            answers.append(429)
        except InvalidInput:
            answers.append(400)
    assert answers == [400] * 4 + [429] * 46
    assert hasher.verifies == 5


def test_s10_wrong_current_passwords_on_an_email_change_share_the_sign_in_throttle(
    deps: Deps, people: People
) -> None:
    member = people.member()
    who = stepped_up(deps, sessions.authenticate(deps, sign_in(deps, member)))
    counted, hasher = counting(deps)
    answers = []
    for n in range(10):
        try:
            email_change.request_own(counted, who, email="mine@elsewhere.example", password=f"guess {n}")
        except TooManyAttempts:
            answers.append(429)
        except InvalidInput:
            answers.append(400)
    assert answers == [400] * 4 + [429] * 6
    assert hasher.verifies == 5
    with pytest.raises(TooManyAttempts):  # the owner's sign-in waits too: one counter per account
        start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)


def test_s10_a_right_current_password_resets_the_shared_counter(deps: Deps, people: People) -> None:
    member = people.member()
    who = stepped_up(deps, sessions.authenticate(deps, sign_in(deps, member)))
    for _ in range(3):
        with pytest.raises(InvalidInput):
            change_pin(deps, who, password="a wrong guess", new_pin="402918")
    change_pin(deps, who, password=member.password, new_pin="402918")
    account = deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None and account.failed_logins == 0


def test_s10_a_pin_change_mails_the_owner(deps: Deps, people: People, mailbox: Mailbox) -> None:
    member = people.member()
    who = stepped_up(deps, sessions.authenticate(deps, sign_in(deps, member)))
    mailbox.to(member.email)
    change_pin(deps, who, password=member.password, new_pin="402918")
    assert any("PIN has been changed" in m.subject for m in mailbox.to(member.email))


def test_s11_a_password_change_ends_outstanding_challenges(deps: Deps, people: People) -> None:
    member = people.member()
    who = stepped_up(deps, sessions.authenticate(deps, sign_in(deps, member)))
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    change_password(deps, who, current=member.password, new="a brand new passphrase 42")
    with pytest.raises(Unauthenticated):
        complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")


def test_s11_signing_out_everywhere_ends_outstanding_challenges(deps: Deps, people: People) -> None:
    member = people.member()
    who = sessions.authenticate(deps, sign_in(deps, member))
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    sessions.sign_out_everywhere(deps, who)
    with pytest.raises(Unauthenticated):
        complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="x")


def test_s10_a_reset_request_for_a_setting_that_does_not_exist_stores_nothing(
    deps: Deps, fakes: Fakes, people: People
) -> None:
    ghost = "no-such-setting"
    process_reset_request(deps, ghost, "someone@family.example")
    assert fakes.audit.events(ghost) == []
    real = people.setting()
    process_reset_request(deps, real.setting_id, "someone@family.example")
    assert [e.outcome for e in fakes.audit.events(real.setting_id) if e.action == "reset.request"] == [
        "ignored"
    ]
