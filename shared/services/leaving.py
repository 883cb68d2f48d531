"""Leaving (managers): archive a leaver, restore them, and place or lift a legal hold.

An archived child is read-only: no observation can be made about them, practitioners no longer
see them, and their parents read the journal only for the setting's export window, counted from
the archive time (shared.domain.leaving). The purge (shared.services.leaver_purge) later ends
those parents' links and, after the retention period, deletes the child's records unless a legal
hold stands. Every change is ETag-guarded and audited with ids only (S29): a hold's reason is
kept on the child, never in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable

from shared.domain.access import require_manager
from shared.domain.children import Child, ChildStatus
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.leaving import clean_hold_reason, clean_leaving_date, due_for_purge, export_closes_at
from shared.domain.people import Principal
from shared.services import access, membership, notifications, rooms
from shared.services.deps import Deps
from shared.services.step_up import require_recent_step_up

CHANGED = "This child's record changed meanwhile. Reload it and try again."


def archive_child(deps: Deps, principal: Principal, child_id: object, leaving_date: str | None) -> Child:
    """Archive a leaver; each linked parent is e-mailed the day their read access ends (unless
    they turned that notice off)."""
    require_manager(principal)
    setting = membership.setting_of(deps, principal)
    now = deps.clock.now()
    leaving = clean_leaving_date(leaving_date, today=now.date())

    def archive(child: Child) -> None:
        if child.status is ChildStatus.ARCHIVED:
            raise Conflict("This child is already archived.")
        child.status, child.archived_at, child.leaving_date = ChildStatus.ARCHIVED, now, leaving

    child = _change(deps, principal, child_id, archive)
    closes = export_closes_at(child, setting)
    assert closes is not None  # just archived
    deps.links.close_at(principal.setting_id, child.child_id, closes)
    rooms.leave_room(deps, child.setting_id, child.child_id, leaving)  # an active child is in a room
    for link in deps.links.parents_of(principal.setting_id, child.child_id):
        # The mail worker checks the parent and their choices and mints the unsubscribe link (S39, S40).
        notifications.journal_closing(deps, principal.setting_id, link.parent_id, child.child_id)
    deps.audit(principal.setting_id, principal.user_id, "child.archive", child.child_id, "success")
    return child


def restore_child(deps: Deps, principal: Principal, child_id: object) -> Child:
    """Make an archived child active again, unless their records are already due for purging.

    Parent links the export window has ended stay ended: the manager links the family again.
    """
    require_manager(principal)
    setting = membership.setting_of(deps, principal)
    now = deps.clock.now()

    def restore(child: Child) -> None:
        if child.status is not ChildStatus.ARCHIVED:
            raise Conflict("This child is not archived.")
        if due_for_purge(child, setting, now):
            raise Conflict("This child's records are past retention and are being deleted.")
        child.status, child.archived_at, child.leaving_date = ChildStatus.ACTIVE, None, None

    child = _change(deps, principal, child_id, restore)
    deps.links.close_at(principal.setting_id, child.child_id, None)
    deps.audit(principal.setting_id, principal.user_id, "child.restore", child.child_id, "success")
    return child


def place_hold(deps: Deps, principal: Principal, child_id: object, reason: str | None) -> Child:
    """Place (or re-word) a legal hold: nothing of this child is purged while it stands."""
    require_manager(principal)
    cleaned = clean_hold_reason(reason)

    def hold(child: Child) -> None:
        require_recent_step_up(deps, principal)  # S35, once the child is known to be the caller's
        child.legal_hold = cleaned

    child = _change(deps, principal, child_id, hold)
    deps.audit(principal.setting_id, principal.user_id, "child.hold", child.child_id, "success")
    return child


def lift_hold(deps: Deps, principal: Principal, child_id: object) -> Child:
    """Lift a legal hold; retention applies again from the next purge. Lifting none is a 409."""
    require_manager(principal)

    def lift(child: Child) -> None:
        require_recent_step_up(deps, principal)  # S35
        if child.legal_hold is None:
            raise Conflict("This child has no legal hold.")
        child.legal_hold = None

    child = _change(deps, principal, child_id, lift)
    deps.audit(principal.setting_id, principal.user_id, "child.hold-lift", child.child_id, "success")
    return child


def _change(deps: Deps, principal: Principal, child_id: object, change: Callable[[Child], None]) -> Child:
    """Read the child of the caller's setting, change it and save it under the ETag read."""
    child = access.setting_child(deps, principal, child_id)
    change(child)
    try:
        deps.children.save(child)
    except (ConcurrencyConflict, NotFound):
        raise Conflict(CHANGED) from None
    return deps.children.get(child.setting_id, child.child_id) or child
