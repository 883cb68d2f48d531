"""The NotificationStore contract: events in order, choices under ETags, the outbox claimed once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import ConcurrencyConflict
from shared.domain.notifications import Event, EventKind, Mode
from shared.domain.settings import Setting
from shared.services.deps import Deps
from shared.services.ports import SentMail


def _event(setting_id: str, clock: FrozenClock, subject: str, kind: EventKind = EventKind.ENTRY) -> Event:
    return Event(setting_id, kind, clock.now(), "staff-1", subject, ("c1", "c2"), "author-1", by_parent=True)


def test_events_come_back_oldest_first_from_a_time_on(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    start = clock.now()
    for subject in ("o1", "o2", "o3"):
        ports.notifications.record(_event(setting_id, clock, subject))
        clock.advance(minutes=1)
    found = ports.notifications.events(setting_id, start + timedelta(minutes=1))
    assert [e.subject for e in found] == ["o2", "o3"]
    assert found[0].child_ids == ("c1", "c2") and found[0].user_id == "author-1" and found[0].by_parent
    assert found[0].key < found[1].key and found[0].at == start + timedelta(minutes=1)
    assert ports.notifications.events("other" + setting_id, start) == []


def test_a_person_with_no_row_has_defaults_and_choices_save_under_their_etag(
    ports: Deps, setting_id: str
) -> None:
    store = ports.notifications
    fresh = store.preferences(setting_id, "u1")
    assert (fresh.modes, fresh.epoch, fresh.etag) == ({}, 0, None)
    fresh.modes[EventKind.ENTRY] = Mode.WEEKLY
    saved = store.save_preferences(fresh)
    with pytest.raises(ConcurrencyConflict):
        store.save_preferences(fresh)  # a second "first save" lost the race
    saved.epoch = 1
    store.save_preferences(saved)
    with pytest.raises(ConcurrencyConflict):
        store.save_preferences(saved)  # the ETag moved on
    again = store.preferences(setting_id, "u1")
    assert again.modes == {EventKind.ENTRY: Mode.WEEKLY} and again.epoch == 1
    assert set(store.all_preferences(setting_id)) == {"u1"}


def test_a_claim_creates_the_outbox_row_once_and_moves_the_watermark_with_it(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    store = ports.notifications
    mail = SentMail("daily-2026-03-29", "u1", Mode.DAILY, "000000000000001~ab")
    assert store.claim_mails(setting_id, [mail], clock.now()) == {("daily-2026-03-29", "u1")}
    assert store.claim_mails(setting_id, [mail], clock.now()) == set()
    assert store.mails(setting_id, "daily-2026-03-29") == {"u1": "claimed"}
    assert store.mails(setting_id, "daily-2026-03-30") == {}
    prefs = store.preferences(setting_id, "u1")
    assert prefs.watermarks == {Mode.DAILY: "000000000000001~ab"}
    prefs.modes[EventKind.COMMENT] = Mode.OFF
    store.save_preferences(prefs)  # a row made by the watermark alone still saves under its ETag
    assert store.preferences(setting_id, "u1").watermarks == {Mode.DAILY: "000000000000001~ab"}


def test_a_batch_with_one_mail_claimed_before_claims_all_the_others(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    store = ports.notifications
    mails = [SentMail("daily-2026-03-29", f"u{n}", Mode.DAILY, f"k{n}") for n in range(5)]
    assert store.claim_mails(setting_id, mails[2:3], clock.now()) == {("daily-2026-03-29", "u2")}
    claimed = store.claim_mails(setting_id, mails, clock.now())
    assert claimed == {("daily-2026-03-29", f"u{n}") for n in (0, 1, 3, 4)}
    assert set(store.mails(setting_id, "daily-2026-03-29")) == {f"u{n}" for n in range(5)}


def test_a_released_claim_puts_the_watermark_back_and_can_be_claimed_again(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    store = ports.notifications
    first = SentMail("daily-2026-03-28", "u1", Mode.DAILY, "k1")
    store.claim_mails(setting_id, [first], clock.now())
    claim = SentMail("daily-2026-03-29", "u1", Mode.DAILY, "k2")
    store.claim_mails(setting_id, [claim], clock.now())
    store.release_mails(setting_id, [SentMail("daily-2026-03-29", "u1", Mode.DAILY, "k1")])
    assert store.mails(setting_id, "daily-2026-03-29") == {}
    assert store.preferences(setting_id, "u1").watermarks == {Mode.DAILY: "k1"}
    never = SentMail("immediate-x", "u2", Mode.IMMEDIATE, "k9")
    store.claim_mails(setting_id, [never], clock.now())
    store.release_mails(setting_id, [SentMail("immediate-x", "u2", Mode.IMMEDIATE, "")])
    assert store.preferences(setting_id, "u2").watermarks == {}  # it had none before
    store.release_mails(setting_id, [SentMail("immediate-x", "u2", Mode.IMMEDIATE, "")])  # twice is fine
    assert store.claim_mails(setting_id, [never], clock.now()) == {("immediate-x", "u2")}


def test_undeliverable_is_kept_beside_the_choices(ports: Deps, setting_id: str) -> None:
    store = ports.notifications
    prefs = store.preferences(setting_id, "u2")
    prefs.modes[EventKind.ENTRY] = Mode.IMMEDIATE
    store.save_preferences(prefs)
    store.mark_undeliverable(setting_id, "u2", "d" * 64)
    again = store.preferences(setting_id, "u2")
    assert again.undeliverable == "d" * 64 and again.modes == {EventKind.ENTRY: Mode.IMMEDIATE}


def test_old_events_and_outbox_rows_are_forgotten(ports: Deps, setting_id: str, clock: FrozenClock) -> None:
    store = ports.notifications
    store.record(_event(setting_id, clock, "old"))
    store.claim_mails(setting_id, [SentMail("daily-old", "u1", Mode.DAILY, "k1")], clock.now())
    clock.advance(days=9)
    store.record(_event(setting_id, clock, "new"))
    store.claim_mails(setting_id, [SentMail("daily-new", "u1", Mode.DAILY, "k2")], clock.now())
    assert store.forget_before(setting_id, clock.now() - timedelta(days=8)) == 2
    assert [e.subject for e in store.events(setting_id, clock.now() - timedelta(days=30))] == ["new"]
    assert store.mails(setting_id, "daily-old") == {}
    assert store.mails(setting_id, "daily-new") == {"u1": "claimed"}


def test_every_setting_is_listed_with_its_time_zone(ports: Deps, setting_id: str, clock: FrozenClock) -> None:
    ports.settings.add(Setting(setting_id, "Acorns", None, 365, clock.now(), time_zone="Europe/Athens"))
    found = {s.setting_id: s for s in ports.notifications.all_settings()}
    assert found[setting_id].time_zone == "Europe/Athens"


def test_sixty_mails_are_claimed_at_once_and_marked_sent(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    store = ports.notifications
    users = [f"u{n:02d}" for n in range(60)]
    mails = [SentMail("weekly-2026-03-27", u, Mode.WEEKLY, "k" + u) for u in users]
    assert len(store.claim_mails(setting_id, mails, clock.now())) == 60
    assert store.all_preferences(setting_id)["u59"].watermarks == {Mode.WEEKLY: "ku59"}
    store.mails_sent(setting_id, mails)  # as a later run does for mails an earlier one claimed
    assert set(store.mails(setting_id, "weekly-2026-03-27").values()) == {"sent"}
