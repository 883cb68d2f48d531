"""Managers administer their setting's staff: invite, rename, change role, deactivate, reactivate."""

from __future__ import annotations

from collections.abc import Sequence

from shared.domain.access import require_manager
from shared.domain.display_names import clean_name
from shared.domain.errors import Conflict
from shared.domain.families import clean_staff_role
from shared.domain.identifiers import clean_id
from shared.domain.people import Account, LinkKind, Principal, Status, normalise_email
from shared.services import email_change, membership
from shared.services.deps import Deps
from shared.services.invitations import invite
from shared.services.links import arm_link
from shared.services.step_up import require_recent_step_up

STAFF_MEMBER = "That member of staff"


def list_staff(deps: Deps, principal: Principal) -> Sequence[Account]:
    require_manager(principal)
    return [a for a in deps.accounts.in_setting(principal.setting_id) if a.role.is_staff]


def invite_staff(deps: Deps, principal: Principal, *, name: object, email: object, role: object) -> Account:
    """Invite a manager or practitioner; their activation mail is queued (S13: 72-hour link)."""
    require_manager(principal)
    chosen = clean_staff_role(role)
    setting = membership.setting_of(deps, principal)
    return invite(deps, setting, email=email, name=name, role=chosen, actor=principal.user_id)


def update_staff(
    deps: Deps,
    principal: Principal,
    staff_id: object,
    *,
    name: str | None = None,
    role: str | None = None,
    email: str | None = None,
) -> Account:
    """Rename a member of staff, change their role or ask to change their address (None:
    unchanged); a demotion keeps one active manager. A new address takes effect only when it is
    confirmed from that address (S38)."""
    require_manager(principal)
    uid = clean_id(staff_id, what=STAFF_MEMBER)
    new_name = clean_name(name) if name is not None else None
    new_role = clean_staff_role(role) if role is not None else None
    before = membership.member(deps, principal, uid, membership.STAFF, STAFF_MEMBER)

    def change(account: Account) -> None:
        account.name = new_name or account.name
        account.role = new_role or account.role

    account = membership.change_account(deps, principal, uid, membership.STAFF, STAFF_MEMBER, change)
    if new_role is not None and new_role is not before.role:
        # S24: the new role applies from the next request, which reads it from storage.
        deps.audit(principal.setting_id, principal.user_id, f"staff.role.{new_role.value}", uid, "success")
    if new_name is not None and new_name != before.name:
        deps.audit(principal.setting_id, principal.user_id, "staff.rename", uid, "success")
    if email is not None and normalise_email(email) != account.email:
        account = email_change.request_for_member(deps, principal, uid, membership.STAFF, STAFF_MEMBER, email)
    return account


def deactivate_staff(deps: Deps, principal: Principal, staff_id: object) -> Account:
    require_manager(principal)
    membership.member(deps, principal, staff_id, membership.STAFF, STAFF_MEMBER)  # 404 first (S24)
    require_recent_step_up(deps, principal)  # S35
    return membership.deactivate(deps, principal, staff_id, membership.STAFF, STAFF_MEMBER)


def reactivate_staff(deps: Deps, principal: Principal, staff_id: object) -> Account:
    require_manager(principal)
    return membership.reactivate(deps, principal, staff_id, membership.STAFF, STAFF_MEMBER)


def resend_invitation(deps: Deps, principal: Principal, staff_id: object) -> Account:
    """Mail a new activation link; the new link voids the old one (S13). Only while invited."""
    require_manager(principal)
    account = membership.member(deps, principal, staff_id, membership.STAFF, STAFF_MEMBER)
    if account.status is not Status.INVITED:
        raise Conflict(
            "Only someone who has not activated their account yet can be sent a new invitation. "
            "Others can use \u201cForgotten your password?\u201d on the sign-in page."
        )
    instruction = arm_link(account, LinkKind.ACTIVATION)
    deps.accounts.save(account)  # ConcurrencyConflict (409) if it changed meanwhile: try again
    deps.link_mails.submit(instruction)
    deps.audit(
        principal.setting_id, principal.user_id, "account.invitation-resend", account.user_id, "success"
    )
    return account
