"""Managers read the audit log (S29): date ranges over month partitions, filters, opaque cursors."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.errors import Forbidden, InvalidInput
from shared.domain.people import Role
from shared.services import children, families, staff
from shared.services.audit_log import PAGE_SIZE, read_audit
from shared.services.children import ChildDetails
from shared.services.ports import AuditEvent
from tests.nurseries import Nursery


def record(
    nursery: Nursery, at: datetime, *, actor: str = "u1", action: str = "test.event", target: str = "t"
) -> None:
    nursery.deps.audit_log.record(
        AuditEvent(at, nursery.setting.setting_id, actor, action, target, "success")
    )


def read_all(nursery: Nursery, **search: str) -> list[list[AuditEvent]]:
    pages, cursor = [], None
    while True:
        found = read_audit(nursery.deps, nursery.manager, cursor=cursor, **search)
        pages.append(list(found.events))
        if found.cursor is None:
            return pages
        cursor = found.cursor


def test_pages_of_fifty_walk_back_across_months_newest_first(nursery: Nursery) -> None:
    october = datetime(2024, 10, 3, 12, tzinfo=UTC)
    times = [october - timedelta(hours=5 * i) for i in range(120)]  # 3 Oct back into September
    for i, at in enumerate(times):
        record(nursery, at, target=f"t{i}")
    pages = read_all(nursery, since="2024-09-01", until="2024-10-31")
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 20]
    events = [e for page in pages for e in page]
    assert [e.target for e in events] == [f"t{i}" for i in range(120)]
    assert {e.at.month for e in events} == {9, 10}


def test_the_date_range_includes_whole_days_and_nothing_outside(nursery: Nursery) -> None:
    inside = [datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 31, 23, 59, 59, 999000, tzinfo=UTC)]
    outside = [datetime(2024, 4, 30, 23, 59, 59, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC)]
    for at in inside + outside:
        record(nursery, at, target=at.isoformat())
    found = read_audit(nursery.deps, nursery.manager, since="2024-05-01", until="2024-05-31").events
    assert [e.target for e in found] == [inside[1].isoformat(), inside[0].isoformat()]


def test_events_filter_by_actor_and_by_action(nursery: Nursery) -> None:
    day = datetime(2024, 3, 10, 9, tzinfo=UTC)
    record(nursery, day, actor="ualice", action="child.add", target="a")
    record(nursery, day + timedelta(minutes=1), actor="ubob", action="child.add", target="b")
    record(nursery, day + timedelta(minutes=2), actor="ualice", action="child.update", target="c")
    span = {"since": "2024-03-01", "until": "2024-03-31"}
    assert [e.target for e in read_audit(nursery.deps, nursery.manager, actor="ualice", **span).events] == [
        "c",
        "a",
    ]
    assert [
        e.target for e in read_audit(nursery.deps, nursery.manager, action="child.add", **span).events
    ] == [
        "b",
        "a",
    ]


def test_the_default_search_is_the_last_thirty_days(nursery: Nursery) -> None:
    now = nursery.deps.clock.now()
    record(nursery, now - timedelta(days=31), target="old")
    record(nursery, now - timedelta(days=1), target="recent")
    targets = [e.target for e in read_audit(nursery.deps, nursery.manager).events]
    assert "recent" in targets and "old" not in targets
    assert "setting.create" in {e.action for e in read_audit(nursery.deps, nursery.manager).events}


def _cursor(nursery: Nursery) -> str:
    for minute in range(PAGE_SIZE + 1):
        record(nursery, datetime(2024, 1, 15, 8, minute, tzinfo=UTC))
    cursor = read_audit(nursery.deps, nursery.manager, since="2024-01-01", until="2024-01-31").cursor
    assert cursor is not None
    return cursor


def test_a_cursor_from_another_setting_is_refused(nursery: Nursery, other_nursery: Nursery) -> None:
    cursor = _cursor(nursery)
    with pytest.raises(InvalidInput) as refused:
        read_audit(
            other_nursery.deps, other_nursery.manager, since="2024-01-01", until="2024-01-31", cursor=cursor
        )
    assert refused.value.field == "cursor"


def test_a_cursor_edited_by_hand_or_used_with_another_search_is_refused(nursery: Nursery) -> None:
    cursor = _cursor(nursery)
    body = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    forged = {**body, "t": {"PartitionKey": "other-setting~2024-01", "RowKey": "x\n"}}
    tampered = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode()
    span = {"since": "2024-01-01", "until": "2024-01-31"}
    for bad, search in [
        (tampered, span),
        ("not a cursor", span),
        (cursor, {**span, "actor": "ualice"}),
        (cursor, {"since": "2023-12-01", "until": "2024-01-31"}),
    ]:
        with pytest.raises(InvalidInput):
            read_audit(nursery.deps, nursery.manager, cursor=bad, **search)


@pytest.mark.parametrize(
    ("search", "field"),
    [
        ({"since": "yesterday"}, "from"),
        ({"since": "2024-02-01", "until": "2024-01-01"}, "from"),
        ({"actor": "u1' or 'a' eq 'a"}, "actor"),
        ({"action": "Child Add"}, "action"),
        ({"action": "child.add\n"}, "action"),
    ],
)
def test_s25_search_terms_are_checked_before_they_reach_a_query(
    nursery: Nursery, search: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_audit(nursery.deps, nursery.manager, **search)
    assert refused.value.field == field


def test_s24_only_managers_read_the_audit_log(nursery: Nursery) -> None:
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    with pytest.raises(Forbidden):
        read_audit(nursery.deps, practitioner)


def test_s29_every_admin_change_is_audited_with_the_manager_as_actor_and_ids_as_target(
    nursery: Nursery,
) -> None:
    deps, manager = nursery.deps, nursery.manager
    child = nursery.child()
    children.update_child(deps, manager, child.child_id, ChildDetails(last_name="Byron"), child.etag)
    family = families.invite_parent(
        deps, manager, name="Pat", email="pat@audit.example", child_ids=[child.child_id]
    )
    parent_id = family.parent.user_id
    families.update_parent(deps, manager, parent_id, email="pat2@audit.example", name="Pat Q")
    families.unlink_child(deps, manager, parent_id, child.child_id)
    families.link_child(deps, manager, parent_id, child.child_id)
    families.deactivate_parent(deps, manager, parent_id)
    practitioner = staff.invite_staff(
        deps, manager, name="Kim", email="kim@audit.example", role="practitioner"
    )
    staff.resend_invitation(deps, manager, practitioner.user_id)
    staff.update_staff(deps, manager, practitioner.user_id, name="Kim Lee")
    staff.deactivate_staff(deps, manager, practitioner.user_id)
    staff.reactivate_staff(deps, manager, practitioner.user_id)
    events = read_audit(deps, manager, actor=manager.user_id).events
    assert {(e.action, e.target) for e in events} >= {
        ("child.add", child.child_id),
        ("child.update", child.child_id),
        ("account.invite", parent_id),
        ("child.link", f"{parent_id}/{child.child_id}"),
        ("email-change.request", parent_id),
        ("parent.rename", parent_id),
        ("child.unlink", f"{parent_id}/{child.child_id}"),
        ("account.deactivate", parent_id),
        ("account.invite", practitioner.user_id),
        ("account.invitation-resend", practitioner.user_id),
        ("staff.rename", practitioner.user_id),
        ("account.deactivate", practitioner.user_id),
        ("account.reactivate", practitioner.user_id),
    }
    assert not any("@" in e.target or "Pat" in e.target or "Kim" in e.target for e in events)
