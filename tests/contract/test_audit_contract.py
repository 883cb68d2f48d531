"""The AuditLog and AuditReader contract: one month at a time, newest first, paged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.services.deps import Deps
from shared.services.ports import AuditEvent, AuditPage

NOV = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


def _event(setting_id: str, at: datetime, actor: str = "u1", action: str = "sign-in.password") -> AuditEvent:
    return AuditEvent(at, setting_id, actor, action, "target", "success", "n=1")


def _read(
    ports: Deps,
    setting_id: str,
    *,
    size: int = 50,
    since: datetime = NOV - timedelta(days=9),
    until: datetime = NOV + timedelta(days=20),
    actor: str | None = None,
    action: str | None = None,
) -> list[AuditPage]:
    """Every page of November, following the tokens."""
    pages: list[AuditPage] = []
    token = None
    while True:
        page = ports.audit_reader.page(
            setting_id, 2026, 11, since=since, until=until, actor=actor, action=action, size=size, token=token
        )
        pages.append(page)
        token = page.token
        if token is None:
            return pages


def test_s29_events_read_back_newest_first_within_their_month(ports: Deps, setting_id: str) -> None:
    events = [_event(setting_id, NOV + timedelta(minutes=m)) for m in (0, 5, 2)]
    for event in events:
        ports.audit_log.record(event)
    ports.audit_log.record(_event(setting_id, datetime(2026, 12, 1, tzinfo=UTC)))  # next month
    ports.audit_log.record(_event(setting_id + "x", NOV))  # another setting
    (page,) = _read(ports, setting_id)
    assert page.events == sorted(events, key=lambda e: e.at, reverse=True)


def test_since_is_kept_and_until_is_left_out(ports: Deps, setting_id: str) -> None:
    for minutes in (0, 1, 2, 3):
        ports.audit_log.record(_event(setting_id, NOV + timedelta(minutes=minutes)))
    (page,) = _read(ports, setting_id, since=NOV + timedelta(minutes=1), until=NOV + timedelta(minutes=3))
    assert [e.at for e in page.events] == [NOV + timedelta(minutes=2), NOV + timedelta(minutes=1)]


def test_events_are_filtered_by_actor_and_action(ports: Deps, setting_id: str) -> None:
    ports.audit_log.record(_event(setting_id, NOV, actor="u1", action="a"))
    ports.audit_log.record(_event(setting_id, NOV + timedelta(seconds=1), actor="u2", action="a"))
    ports.audit_log.record(_event(setting_id, NOV + timedelta(seconds=2), actor="u1", action="b"))
    assert [(e.actor, e.action) for p in _read(ports, setting_id, actor="u1") for e in p.events] == [
        ("u1", "b"),
        ("u1", "a"),
    ]
    assert [e.actor for p in _read(ports, setting_id, action="a") for e in p.events] == ["u2", "u1"]
    assert [e.actor for p in _read(ports, setting_id, actor="u2", action="b") for e in p.events] == []


def test_pages_of_a_month_follow_one_another_without_gaps_or_repeats(ports: Deps, setting_id: str) -> None:
    events = [_event(setting_id, NOV + timedelta(seconds=s)) for s in range(7)]
    for event in events:
        ports.audit_log.record(event)
    pages = _read(ports, setting_id, size=3)
    assert [len(p.events) for p in pages][:2] == [3, 3]
    assert all(len(p.events) <= 3 for p in pages)
    assert [e for p in pages for e in p.events] == events[::-1]
