"""Managers administer parents: invite them with their children, edit, link, unlink, deactivate.

Links are read from storage on every request, so linking and unlinking take effect on the
parent's next request (S24).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shared.domain.access import require_manager
from shared.domain.children import Child, ChildStatus, ParentLink
from shared.domain.display_names import clean_name
from shared.domain.errors import InvalidInput, NotFound
from shared.domain.identifiers import is_id
from shared.domain.people import Account, Principal, Role, normalise_email
from shared.services import access, email_change, membership
from shared.services.deps import Deps
from shared.services.invitations import invite

PARENT = "That parent"
# A family with more children than this in one setting is a data-entry mistake.
MAX_CHILDREN = 20


@dataclass(frozen=True, repr=False)
class Family:
    parent: Account
    child_ids: Sequence[str]


def list_parents(deps: Deps, principal: Principal) -> Sequence[Family]:
    require_manager(principal)
    parents = [a for a in deps.accounts.in_setting(principal.setting_id) if a.role is Role.PARENT]
    return [
        Family(p, sorted(link.child_id for link in deps.links.children_of(p.setting_id, p.user_id)))
        for p in parents
    ]


def invite_parent(
    deps: Deps, principal: Principal, *, name: object, email: object, child_ids: object
) -> Family:
    """Invite a parent linked to their children; the activation mail is queued."""
    require_manager(principal)
    setting = membership.setting_of(deps, principal)
    children = _children_to_link(deps, principal, child_ids)
    parent = invite(deps, setting, email=email, name=name, role=Role.PARENT, actor=principal.user_id)
    for child in children:
        _link(deps, principal, parent, child)
    return Family(parent, sorted(c.child_id for c in children))


def update_parent(
    deps: Deps, principal: Principal, parent_id: object, *, name: str | None = None, email: str | None = None
) -> Account:
    """Rename a parent or ask to change their e-mail address (None: unchanged).

    A new address is only requested: it takes effect when the parent confirms it from that
    address, and the current address is told and can object (S38, shared.services.email_change).
    """
    require_manager(principal)
    name = clean_name(name) if name is not None else None
    account = membership.member(deps, principal, parent_id, membership.PARENTS, PARENT)
    if name is not None and name != account.name:
        account.name = name
        deps.accounts.save(account)
        deps.audit(principal.setting_id, principal.user_id, "parent.rename", account.user_id, "success")
    if email is not None and normalise_email(email) != account.email:
        account = email_change.request_for_member(
            deps, principal, account.user_id, membership.PARENTS, PARENT, email
        )
    return account


def link_child(deps: Deps, principal: Principal, parent_id: object, child_id: object) -> None:
    require_manager(principal)
    parent = membership.member(deps, principal, parent_id, membership.PARENTS, PARENT)
    child = access.setting_child(deps, principal, child_id)
    if child.status is not ChildStatus.ACTIVE:
        raise InvalidInput("An archived child cannot be linked to a parent.", field="childId")
    _link(deps, principal, parent, child)


def unlink_child(deps: Deps, principal: Principal, parent_id: object, child_id: object) -> None:
    """Remove a link; the parent loses the child on their very next request (S24)."""
    require_manager(principal)
    parent = membership.member(deps, principal, parent_id, membership.PARENTS, PARENT)
    cid = access.child_id(child_id)
    if not deps.links.is_linked(principal.setting_id, parent.user_id, cid):
        raise NotFound("That child is not linked to this parent.")
    deps.links.unlink(principal.setting_id, parent.user_id, cid)
    deps.audit(principal.setting_id, principal.user_id, "child.unlink", f"{parent.user_id}/{cid}", "success")


def deactivate_parent(deps: Deps, principal: Principal, parent_id: object) -> Account:
    require_manager(principal)
    return membership.deactivate(deps, principal, parent_id, membership.PARENTS, PARENT)


def _children_to_link(deps: Deps, principal: Principal, raw: object) -> list[Child]:
    """Every child named, checked before anything is written: all exist here and are active."""
    if not isinstance(raw, list) or not raw or len(raw) > MAX_CHILDREN:
        raise InvalidInput(f"Choose 1 to {MAX_CHILDREN} children for this parent.", field="childIds")
    children: dict[str, Child] = {}
    for child_id in raw:
        child = deps.children.get(principal.setting_id, child_id) if is_id(child_id) else None
        if child is None:  # another setting's child looks exactly like a missing one (S24)
            raise NotFound("One of those children was not found.", field="childIds")
        if child.status is not ChildStatus.ACTIVE:
            raise InvalidInput("An archived child cannot be linked to a parent.", field="childIds")
        children[child.child_id] = child
    return list(children.values())


def _link(deps: Deps, principal: Principal, parent: Account, child: Child) -> None:
    deps.links.link(ParentLink(principal.setting_id, parent.user_id, child.child_id, deps.clock.now()))
    target = f"{parent.user_id}/{child.child_id}"
    deps.audit(principal.setting_id, principal.user_id, "child.link", target, "success")
