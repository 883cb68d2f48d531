"""Pure notification rules: when digests are due, what a line says, what a queued mail can hold."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from shared.domain.notifications import EventKind, Line, Mode, describe, due_rounds
from shared.mail.message import Mail, build_email


def test_the_daily_round_is_due_only_in_the_local_18_00_hour() -> None:
    assert due_rounds(datetime(2026, 3, 29, 16, 59, tzinfo=UTC), "Europe/London") == []
    (daily,) = due_rounds(datetime(2026, 3, 29, 17, 0, tzinfo=UTC), "Europe/London")  # BST
    assert (daily.mode, daily.period) == (Mode.DAILY, "daily-2026-03-29")
    assert due_rounds(datetime(2026, 10, 25, 17, 0, tzinfo=UTC), "Europe/London") == []  # GMT again
    assert due_rounds(datetime(2026, 10, 25, 18, 59, tzinfo=UTC), "Europe/London")
    assert due_rounds(datetime(2026, 10, 25, 19, 0, tzinfo=UTC), "Europe/London") == []


def test_the_weekly_round_joins_the_daily_one_on_fridays() -> None:
    friday = due_rounds(datetime(2026, 11, 27, 18, 0, tzinfo=UTC), "Europe/London")
    assert [r.mode for r in friday] == [Mode.DAILY, Mode.WEEKLY] and friday[1].period == "weekly-2026-11-27"


def test_an_unknown_time_zone_falls_back_to_london() -> None:
    assert due_rounds(datetime(2026, 7, 1, 17, 0, tzinfo=UTC), "Not/AZone")


def test_s40_a_line_is_a_count_and_a_first_name() -> None:
    assert describe(Line(EventKind.ENTRY, 2, "Poppy")) == "2 new entries in Poppy\u2019s journal"
    assert describe(Line(EventKind.COMMENT, 1, "Ben")) == "1 new comment in Ben\u2019s journal"
    assert describe(Line(EventKind.AWAITING, 3)) == "3 observations waiting for approval"


def test_s39_the_queued_form_of_a_mail_never_holds_an_unsubscribe_token() -> None:
    link = "https://journal.example/api/notifications/unsubscribe?token=" + "a" * 300
    mail = Mail(to="a@example.org", subject="Hi", text="Hi", html="<p>Hi</p>", unsubscribe=link)
    assert "unsubscribe" not in json.loads(mail.to_json())
    message = build_email(mail, "J <no-reply@journal.example>")
    assert message["List-Unsubscribe"] == f"<{link}>"  # one long line, not RFC 2047-encoded
    assert "=?" not in message.as_string()
