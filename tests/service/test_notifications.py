"""Notifications on the fakes: events where things happen, choices, digests, unsubscribe (S36, S40)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from shared.clock import FrozenClock
from shared.config import Config
from shared.domain.errors import InvalidInput, Unauthenticated
from shared.domain.notifications import EventKind, Mode
from shared.domain.people import Role, Status
from shared.mail.message import Mail, PermanentFailure
from shared.services import digests, leaver_purge, leaving, link_mails, notifications, observations
from shared.services.deps import Deps
from tests.fakes import wiring
from tests.fakes.notifications import MemoryNotifications
from tests.notification_day import MORNING, SECRET_TEXT, Day, activity, nursery

SIX_PM = MORNING.replace(hour=18)


@pytest.fixture
def day_clock() -> FrozenClock:
    return FrozenClock(MORNING)


@pytest.fixture
def world(config: Config, day_clock: FrozenClock) -> Day:
    return nursery(wiring.build(config, day_clock).deps)


def _run(deps: Deps, *, spent: Callable[[], bool] = lambda: False) -> list[Mail]:
    sent: list[Mail] = []
    digests.run(deps, sent.append, spent)
    return sent


def _by_address(mails: list[Mail]) -> dict[str, list[Mail]]:
    found: dict[str, list[Mail]] = {}
    for mail in mails:
        found.setdefault(mail.to, []).append(mail)
    return found


def _token(mail: Mail) -> str:
    return parse_qs(urlparse(mail.unsubscribe).query)["token"][0]


def test_a_day_of_activity_gives_each_parent_one_digest_with_the_right_counts(
    world: Day, day_clock: FrozenClock
) -> None:
    activity(world)
    day_clock.advance(hours=9)  # 18:00 in London, in winter
    mails = _by_address(_run(world.place.deps))
    (poppy,) = mails[world.poppys_parent.email]
    (ben,) = mails[world.bens_parent.email]
    assert "2 new entries in Poppy\u2019s journal" in poppy.text
    assert "Poppy\u2019s journal: 2 new entries" not in poppy.text
    for line in ("2 new entries in Ben\u2019s journal", "1 new comment in Ben\u2019s journal",
                 "1 moment from home added to Ben\u2019s journal"):  # fmt: skip
        assert line in ben.text and line.replace("\u2019", "&#x27;") in ben.html.replace("\u2019", "&#x27;")
    (manager,) = mails[world.manager.email]
    assert "3 observations waiting for approval" in manager.text
    assert world.practitioner.email not in mails  # staff: off until they choose
    assert _run(world.place.deps) == []  # a second run that hour sends nobody anything


def test_s40_no_mail_carries_observation_text_a_surname_or_another_childs_name(
    world: Day, day_clock: FrozenClock
) -> None:
    activity(world)
    day_clock.advance(hours=9)
    mails = _by_address(_run(world.place.deps))
    for mail in [*mails[world.poppys_parent.email], *mails[world.bens_parent.email]]:
        for body in (mail.text, mail.html, mail.subject):
            assert SECRET_TEXT not in body and "hamster" not in body and "den" not in body.split()
            assert "Smith" not in body and "Jones" not in body
    (poppy,) = mails[world.poppys_parent.email]
    (ben,) = mails[world.bens_parent.email]
    assert "Ben" not in poppy.text + poppy.html and "Poppy" not in ben.text + ben.html


def test_s40_every_notification_mail_has_one_click_unsubscribe(world: Day, day_clock: FrozenClock) -> None:
    activity(world)
    day_clock.advance(hours=9)
    for mail in _run(world.place.deps):
        assert mail.unsubscribe.startswith(
            world.place.deps.config.public_base_url + "/api/notifications/unsubscribe?token="
        )
        assert mail.unsubscribe in mail.text  # the same link, for mail programs without the header


def test_a_run_killed_after_some_mails_and_run_again_sends_each_person_exactly_one(
    world: Day, day_clock: FrozenClock
) -> None:
    activity(world)
    day_clock.advance(hours=9)
    sent: list[Mail] = []

    def dies_after_two(mail: Mail) -> None:
        sent.append(mail)
        if len(sent) == 2:  # the second mail is out, but the host stops before it is recorded
            raise SystemExit("the host stopped the run")

    with pytest.raises(SystemExit):
        digests.run(world.place.deps, dies_after_two, lambda: False)
    day_clock.advance(minutes=15)
    sent += _run(world.place.deps)
    assert sorted(m.to for m in sent) == sorted(
        [world.poppys_parent.email, world.bens_parent.email, world.manager.email]
    )


def test_a_mail_that_failed_for_a_while_is_tried_again_by_the_next_run(
    world: Day, day_clock: FrozenClock
) -> None:
    activity(world)
    day_clock.advance(hours=9)

    def server_down(mail: Mail) -> None:
        raise OSError("connection refused")

    with pytest.raises(OSError):
        digests.run(world.place.deps, server_down, lambda: False)
    day_clock.advance(minutes=15)
    assert len(_run(world.place.deps)) == 3


def test_a_run_out_of_time_leaves_the_rest_to_the_next_run_that_hour(
    world: Day, day_clock: FrozenClock
) -> None:
    activity(world)
    day_clock.advance(hours=9)
    budget = iter([False, False, True])
    first = _run(world.place.deps, spent=lambda: next(budget, True))
    assert len(first) == 1
    day_clock.advance(minutes=30)
    second = _run(world.place.deps)
    assert len(first) + len(second) == 3 and {m.to for m in first}.isdisjoint(m.to for m in second)


@pytest.mark.parametrize(
    ("day", "six_pm_utc"),
    [
        (datetime(2026, 3, 29, tzinfo=UTC), 17),
        (datetime(2026, 10, 25, tzinfo=UTC), 18),
        (datetime(2026, 7, 1, tzinfo=UTC), 17),
        (datetime(2026, 12, 1, tzinfo=UTC), 18),
    ],
)
def test_digests_leave_at_18_00_london_time_on_both_clock_changes(
    config: Config, day: datetime, six_pm_utc: int
) -> None:
    clock = FrozenClock(day.replace(hour=9))
    found = nursery(wiring.build(config, clock).deps)
    activity(found)
    clock.advance(hours=6)  # from 15:00 UTC, every quarter of an hour, as the timer runs
    while clock.now() < day.replace(hour=21):
        if any(m.to == found.poppys_parent.email for m in _run(found.place.deps)):
            break
        clock.advance(minutes=15)
    assert clock.now() == day.replace(hour=six_pm_utc)


def test_a_setting_in_another_time_zone_gets_its_digest_at_its_own_18_00(
    world: Day, day_clock: FrozenClock
) -> None:
    world.place.update_setting(time_zone="Europe/Athens")  # UTC+2 in winter
    activity(world)
    day_clock.advance(hours=7)  # 16:00 UTC
    assert any(m.to == world.poppys_parent.email for m in _run(world.place.deps))


def test_weekly_digests_go_out_on_fridays_only(world: Day, day_clock: FrozenClock) -> None:
    deps = world.place.deps
    notifications.change_choices(deps, world.place.acting(world.poppys_parent), {"entry": "weekly"})
    activity(world)
    day_clock.advance(hours=9)  # Wednesday 18:00
    assert world.poppys_parent.email not in _by_address(_run(deps))
    day_clock.advance(days=2)  # Friday 18:00
    (mail,) = _by_address(_run(deps))[world.poppys_parent.email]
    assert "2 new entries in Poppy\u2019s journal" in mail.text and "once a week" in mail.text


def test_immediate_mail_waits_five_minutes_and_sends_a_burst_as_one(
    world: Day, day_clock: FrozenClock
) -> None:
    deps = world.place.deps
    notifications.change_choices(deps, world.place.acting(world.poppys_parent), {"entry": "immediate"})
    world.place.observe(world.manager, world.poppy, publish=True)
    day_clock.advance(minutes=2)
    world.place.observe(world.manager, world.poppy, publish=True)
    assert _run(deps) == []  # the first is two minutes old: more may follow
    day_clock.advance(minutes=3)
    (mail,) = _run(deps)
    assert mail.to == world.poppys_parent.email and "2 new entries in Poppy\u2019s journal" in mail.text
    day_clock.advance(minutes=10)
    assert _run(deps) == []
    day_clock.advance(hours=9)  # 18:00: the digest does not repeat what was mailed at once
    assert world.poppys_parent.email not in _by_address(_run(deps))


@pytest.mark.parametrize("status", [Status.DEACTIVATED, Status.INVITED])
def test_a_deactivated_or_not_yet_activated_account_gets_nothing(
    world: Day, day_clock: FrozenClock, status: Status
) -> None:
    deps = world.place.deps
    account = deps.accounts.get(world.place.setting_id, world.poppys_parent.user_id)
    assert account is not None
    account.status = status
    deps.accounts.save(account)
    activity(world)
    day_clock.advance(hours=9)
    assert world.poppys_parent.email not in _by_address(_run(deps))


def test_a_bounced_address_gets_no_more_digests_until_it_changes(world: Day, day_clock: FrozenClock) -> None:
    deps = world.place.deps
    activity(world)
    day_clock.advance(hours=9)

    def refuses_pat(mail: Mail) -> None:
        if mail.to == world.poppys_parent.email:
            raise PermanentFailure("550 no such mailbox")

    digests.run(deps, refuses_pat, lambda: False)
    parent = world.place.acting(world.poppys_parent)
    assert notifications.my_choices(deps, parent).undeliverable
    world.place.observe(world.manager, world.poppy, publish=True)
    day_clock.advance(days=1)
    assert world.poppys_parent.email not in _by_address(_run(deps))
    account = deps.accounts.get(world.place.setting_id, world.poppys_parent.user_id)
    assert account is not None
    old = account.email
    account.email = "pat.new@acorns.example"
    deps.accounts.change_email(account, old)
    world.place.observe(world.manager, world.poppy, publish=True)
    day_clock.advance(days=1)
    assert "pat.new@acorns.example" in _by_address(_run(deps))


def test_choices_default_by_role_and_change_one_kind_at_a_time(world: Day) -> None:
    deps, place = world.place.deps, world.place
    parent, practitioner = place.acting(world.poppys_parent), place.acting(world.practitioner)
    parents = notifications.my_choices(deps, parent).modes
    assert parents.pop(EventKind.JOURNAL_CLOSING) is Mode.IMMEDIATE  # a notice sent when a child leaves
    assert set(parents.values()) == {Mode.DAILY}
    assert set(notifications.my_choices(deps, practitioner).modes.values()) == {Mode.OFF}
    assert notifications.my_choices(deps, place.acting(world.manager)).modes[EventKind.AWAITING] is Mode.DAILY
    changed = notifications.change_choices(deps, parent, {"comment": "off"})
    assert changed.modes[EventKind.COMMENT] is Mode.OFF and changed.modes[EventKind.ENTRY] is Mode.DAILY
    assert notifications.my_choices(deps, parent).modes == changed.modes


@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"awaiting": "daily"},
        {"entry": "hourly"},
        ["entry"],
        {"nope": "off"},
        {"journal-closing": "daily"},
    ],
)
def test_a_choice_that_is_not_one_of_yours_is_a_clear_error(world: Day, raw: object) -> None:
    with pytest.raises(InvalidInput):
        notifications.change_choices(world.place.deps, world.place.acting(world.poppys_parent), raw)


def test_s40_one_click_unsubscribe_turns_off_only_that_kind_and_works_once(
    world: Day, day_clock: FrozenClock
) -> None:
    deps = world.place.deps
    activity(world)
    day_clock.advance(hours=9)
    (mail,) = _by_address(_run(deps))[world.poppys_parent.email]
    token = _token(mail)
    assert notifications.check_unsubscribe(deps, token).kind is EventKind.ENTRY  # looking changes nothing
    assert notifications.unsubscribe(deps, token).kind is EventKind.ENTRY
    modes = notifications.my_choices(deps, world.place.acting(world.poppys_parent)).modes
    assert modes[EventKind.ENTRY] is Mode.OFF and modes[EventKind.COMMENT] is Mode.DAILY
    with pytest.raises(Unauthenticated):
        notifications.unsubscribe(deps, token)


def test_s40_a_forged_or_foreign_unsubscribe_token_is_refused(world: Day, day_clock: FrozenClock) -> None:
    deps = world.place.deps
    activity(world)
    day_clock.advance(hours=9)
    (mail,) = _by_address(_run(deps))[world.poppys_parent.email]
    token = _token(mail)
    head, payload, signature = token.split(".")
    for forged in (f"{head}.{payload}.{signature[::-1]}", "not-a-token",
                   deps.tokens.issue(notifications.TokenKind.RESET, subject=world.poppys_parent.user_id,
                                     setting=world.place.setting_id, lifetime_seconds=60)):  # fmt: skip
        with pytest.raises(Unauthenticated):
            notifications.unsubscribe(deps, forged)


def test_recording_an_event_that_fails_never_fails_the_action(world: Day) -> None:
    deps = world.place.deps
    assert isinstance(deps.notifications, MemoryNotifications)
    deps.notifications.fail_records = True
    published = world.place.observe(world.manager, world.poppy, publish=True)
    assert published.status.value == "published"


def test_staff_hear_of_returned_observations_and_families_comments_when_they_choose(
    world: Day, day_clock: FrozenClock
) -> None:
    deps, place = world.place.deps, world.place
    notifications.change_choices(deps, place.acting(world.practitioner),
                                 {"returned": "daily", "parent-comment": "daily"})  # fmt: skip
    draft = place.observe(world.practitioner, world.poppy, submit=True)
    returned = observations.return_observation(
        deps, place.acting(world.manager), draft.observation_id, draft.etag, "Add the date."
    )
    assert returned.return_note
    activity(world)
    day_clock.advance(hours=9)
    (mail,) = _by_address(_run(deps))[world.practitioner.email]
    assert "1 observation returned to you for changes" in mail.text
    assert "1 comment from a family on your observations" in mail.text


def test_progress_shared_is_an_event_for_the_childs_family(world: Day, day_clock: FrozenClock) -> None:
    deps = world.place.deps
    notifications.progress_shared(
        deps, world.manager.user_id, world.place.setting_id, world.poppy.child_id, "r1"
    )
    day_clock.advance(hours=9)
    mails = _by_address(_run(deps))
    assert "1 progress summary shared for Poppy" in mails[world.poppys_parent.email][0].text
    assert world.bens_parent.email not in mails


def test_managers_hear_once_of_a_leaver_whose_export_window_closes_within_7_days(
    world: Day, day_clock: FrozenClock
) -> None:
    deps, place = world.place.deps, world.place
    setting = place.setting
    # Archived so that its window closes seven days and two hours after this morning's purge.
    opened = MORNING - timedelta(days=setting.export_window_days - 7, hours=2)
    place.child("Lily", "Leaver", status=leaver_purge.ChildStatus.ARCHIVED, archived_at=opened)
    day_clock.advance(days=-2)
    for _ in range(3):  # three nights of the purge, the last one this morning
        leaver_purge.end_export_windows(deps, setting, day_clock.now(), lambda kind, n: None)
        day_clock.advance(days=1)
    assert len([e for e in deps.notifications.events(place.setting_id, MORNING - timedelta(days=3))
                if e.kind is EventKind.EXPORT_CLOSING]) == 1  # fmt: skip
    day_clock.advance(hours=9 - 24)  # 18:00 today
    text = _by_address(_run(deps))[world.manager.email][0].text
    assert "1 leaver's journal closing within 7 days" in text
    assert "Lily" not in text


def test_s36_security_notices_carry_no_unsubscribe_link() -> None:
    from shared.mail import templates

    when = datetime(2026, 11, 25, 9, tzinfo=UTC)
    for mail in (
        templates.new_device_sign_in(
            "a@example.org", "Ann", "Acorns", "Firefox", when, "https://j.example/not-me"
        ),
        templates.password_changed("a@example.org", "Ann", "Acorns", "Firefox", when),
        templates.pin_changed("a@example.org", "Ann", "Acorns", "Firefox", when),
        templates.email_changed("a@example.org", "Ann", "Acorns", "a***@example.org", "Firefox", when),
        templates.pin_locked("a@example.org", "Ann", "Acorns", "https://j.example/forgot", "Firefox", when),
    ):
        assert mail.unsubscribe == "" and "unsubscribe" not in mail.text.lower()


def test_a_parent_role_check_never_names_roles_kinds_they_cannot_hear() -> None:
    from shared.domain.notifications import kinds_for

    assert EventKind.AWAITING not in kinds_for(Role.PARENT)
    assert EventKind.ENTRY not in kinds_for(Role.MANAGER)


def test_s40_a_leavers_parent_gets_the_closing_notice_with_one_click_unsubscribe_that_turns_off_only_it(
    config: Config, day_clock: FrozenClock
) -> None:
    fakes = wiring.build(config, day_clock)
    world = nursery(fakes.deps)
    deps, manager = fakes.deps, world.place.acting(world.manager)

    def archive_and_deliver(child_id: str) -> list[Mail]:
        leaving.archive_child(deps, manager, child_id, MORNING.date().isoformat())
        for instruction in fakes.link_mails.take():  # as the mail worker does (S39)
            link_mails.deliver(deps, instruction.to_json(), fakes.outbox.send)
        return fakes.outbox.to(world.poppys_parent.email)

    (notice,) = archive_and_deliver(world.poppy.child_id)
    assert "closes on" in notice.subject and "Poppy" in notice.text and "Smith" not in notice.text
    base = deps.config.public_base_url
    assert notice.unsubscribe.startswith(f"{base}/api/notifications/unsubscribe?token=")
    assert notice.unsubscribe in notice.text
    assert notifications.unsubscribe(deps, _token(notice)).kind is EventKind.JOURNAL_CLOSING
    modes = notifications.my_choices(deps, world.place.acting(world.poppys_parent)).modes
    assert modes[EventKind.JOURNAL_CLOSING] is Mode.OFF and modes[EventKind.ENTRY] is Mode.DAILY
    leaving.restore_child(deps, manager, world.poppy.child_id)
    assert len(archive_and_deliver(world.poppy.child_id)) == 1  # turned off: no second notice
    assert len(fakes.outbox.to(world.bens_parent.email)) == 0


def test_a_closing_notice_is_not_sent_to_a_deactivated_parent_or_for_a_child_restored_meanwhile(
    config: Config, day_clock: FrozenClock
) -> None:
    fakes = wiring.build(config, day_clock)
    world = nursery(fakes.deps)
    deps, manager = fakes.deps, world.place.acting(world.manager)
    account = deps.accounts.get(world.place.setting_id, world.bens_parent.user_id)
    assert account is not None
    account.status = Status.DEACTIVATED
    deps.accounts.save(account)
    leaving.archive_child(deps, manager, world.ben.child_id, MORNING.date().isoformat())
    leaving.archive_child(deps, manager, world.poppy.child_id, MORNING.date().isoformat())
    leaving.restore_child(deps, manager, world.poppy.child_id)
    sent = [link_mails.deliver(deps, i.to_json(), fakes.outbox.send) for i in fakes.link_mails.take()]
    assert sent == [False, False]
    assert fakes.outbox.to(world.bens_parent.email) == fakes.outbox.to(world.poppys_parent.email) == []
