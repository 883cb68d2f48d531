"""Leaving's pure rules and its e-mail: the export window, when records are due, the leaving date."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.children import Child, ChildStatus
from shared.domain.errors import InvalidInput
from shared.domain.leaving import clean_hold_reason, clean_leaving_date, due_for_purge, parents_may_read
from shared.domain.settings import Setting
from shared.mail import templates

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SETTING = Setting("acorns", "Little Acorns", None, retention_days=365, created_at=NOW, export_window_days=30)


def leaver(archived_days_ago: float | None, hold: str | None = None) -> Child:
    archived = archived_days_ago is not None
    return Child(
        setting_id="acorns", child_id="c1", first_name="Mia", last_name="Rose",
        date_of_birth=date(2023, 1, 1),
        key_person_id=None, photos_in_own_journal=True, photos_in_others_journals=True,
        status=ChildStatus.ARCHIVED if archived else ChildStatus.ACTIVE, created_at=NOW - timedelta(days=900),
        archived_at=NOW - timedelta(days=archived_days_ago) if archived_days_ago is not None else None,
        legal_hold=hold,
    )  # fmt: skip


def test_parents_read_an_active_child_and_a_leaver_only_inside_the_export_window() -> None:
    assert parents_may_read(leaver(None), SETTING, NOW)
    assert parents_may_read(leaver(29.9), SETTING, NOW)
    assert not parents_may_read(leaver(30.1), SETTING, NOW)


def test_a_leaver_is_due_for_purge_only_after_retention_and_never_while_held() -> None:
    assert not due_for_purge(leaver(364), SETTING, NOW)
    assert due_for_purge(leaver(366), SETTING, NOW)
    assert not due_for_purge(leaver(366, hold="court order"), SETTING, NOW)
    assert not due_for_purge(leaver(None), SETTING, NOW)


@pytest.mark.parametrize("raw", [None, "", "28/11/2026", "2024-01-01", 20261128])
def test_a_leaving_date_must_be_an_iso_date_within_a_year(raw: object) -> None:
    with pytest.raises(InvalidInput):
        clean_leaving_date(raw, today=NOW.date())


def test_a_hold_needs_a_reason_of_reasonable_length() -> None:
    assert clean_hold_reason("  Court order  ") == "Court order"
    for raw in ("", "x" * 501, None):
        with pytest.raises(InvalidInput):
            clean_hold_reason(raw)


def test_the_closing_mail_names_the_day_escapes_names_and_has_no_images() -> None:
    mail = templates.journal_closing("amy@example.org", "Amy", "<b>Acorns</b>", "<script>Mia", NOW,
                                     "https://j.example/api/notifications/unsubscribe?token=t")  # fmt: skip
    assert "Saturday 28 November 2026" in " ".join(mail.text.split())
    assert "<script" not in mail.html and html.escape("<script>Mia") in mail.html
    assert "<img" not in mail.html.lower()
    assert "<script>Mia" in mail.text
