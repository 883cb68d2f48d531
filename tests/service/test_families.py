"""Managers administer parents and their links: S13, S18, S24."""

from __future__ import annotations

import pytest

from shared.domain.errors import Conflict, Forbidden, NotFound, Unauthenticated
from shared.domain.people import Role, Status
from shared.services import children, email_change, families
from shared.services.credentials import activate, confirm_reset, process_reset_request
from shared.services.sessions import authenticate
from shared.services.signin import start_sign_in
from tests.conftest import PASSWORD, PIN, Mailbox, Member
from tests.nurseries import Nursery, session_token, signed_in


def test_a_parent_is_invited_with_their_children_and_sees_them_after_activating(
    nursery: Nursery, mailbox: Mailbox
) -> None:
    ada, bo = nursery.child(firstName="Ada"), nursery.child(firstName="Bo")
    nursery.child(firstName="Cy")  # someone else's child
    family = families.invite_parent(
        nursery.deps, nursery.manager, name="Pat Parent", email="pat@home.example",
        child_ids=[ada.child_id, bo.child_id],
    )  # fmt: skip
    assert family.parent.status is Status.INVITED
    activate(nursery.deps, token=mailbox.link("pat@home.example", "activate"), password=PASSWORD, pin=PIN)
    parent = signed_in(nursery.deps, _member(nursery, "pat@home.example", family.parent.user_id))
    mine = children.my_children(nursery.deps, parent)
    assert [c.first_name for c in mine] == ["Ada", "Bo"]
    listed = {f.parent.user_id: f for f in families.list_parents(nursery.deps, nursery.manager)}
    assert sorted(listed[family.parent.user_id].child_ids) == sorted([ada.child_id, bo.child_id])


def test_s24_inviting_a_parent_with_another_settings_child_is_not_found_and_creates_nothing(
    nursery: Nursery, other_nursery: Nursery
) -> None:
    theirs = other_nursery.child()
    with pytest.raises(NotFound):
        families.invite_parent(
            nursery.deps, nursery.manager, name="Pat", email="pat2@home.example", child_ids=[theirs.child_id]
        )
    assert nursery.deps.accounts.find_by_email(nursery.setting.setting_id, "pat2@home.example") is None


def test_s24_an_unlinked_parent_loses_the_child_on_their_next_request(nursery: Nursery) -> None:
    child = nursery.child()
    member, parent = nursery.principal(Role.PARENT)
    families.link_child(nursery.deps, nursery.manager, member.user_id, child.child_id)
    assert [c.child_id for c in children.my_children(nursery.deps, parent)] == [child.child_id]
    families.unlink_child(nursery.deps, nursery.manager, member.user_id, child.child_id)
    assert children.my_children(nursery.deps, parent) == []  # the same session, the next request
    with pytest.raises(NotFound):
        families.unlink_child(nursery.deps, nursery.manager, member.user_id, child.child_id)


def test_s24_parents_cannot_use_the_staff_view_of_children(nursery: Nursery) -> None:
    _, parent = nursery.principal(Role.PARENT)
    with pytest.raises(Forbidden):
        children.list_children(nursery.deps, parent)
    with pytest.raises(Forbidden):
        families.list_parents(nursery.deps, parent)


def test_s38_an_email_change_waits_for_the_new_address_then_voids_links(
    nursery: Nursery, mailbox: Mailbox
) -> None:
    member, _ = nursery.principal(Role.PARENT)
    setting = member.setting_id
    process_reset_request(nursery.deps, setting, member.email)
    link = mailbox.link(member.email, "reset")
    pending = families.update_parent(
        nursery.deps, nursery.manager, member.user_id, email="New.Home@Mail.example"
    )
    assert pending.email == member.email  # nothing moves before the new address confirms
    told = mailbox.to(member.email)[-1]
    assert "n***@m***.example" in told.text and "new.home@mail.example" not in told.text
    assert "/email-object#" in told.text
    found = nursery.deps.accounts.find_by_email(setting, member.email)
    assert found is not None and found.user_id == member.user_id
    token = mailbox.link("new.home@mail.example", "email-confirm")
    email_change.confirm(nursery.deps, token=token, password=PASSWORD)
    with pytest.raises(Unauthenticated):  # S13: the confirmed change voids the outstanding link
        confirm_reset(nursery.deps, token=link, password="copper meadow lantern quill")
    assert "changed" in mailbox.to(member.email)[-1].subject
    assert nursery.deps.accounts.find_by_email(setting, member.email) is None
    moved = nursery.deps.accounts.find_by_email(setting, "new.home@mail.example")
    assert moved is not None and moved.user_id == member.user_id
    start_sign_in(nursery.deps, setting=setting, email="new.home@mail.example", password=PASSWORD)


def test_an_invited_parent_whose_email_changes_gets_a_working_invitation_once_confirmed(
    nursery: Nursery, mailbox: Mailbox
) -> None:
    child = nursery.child()
    family = families.invite_parent(
        nursery.deps, nursery.manager, name="Jo", email="jo@old.example", child_ids=[child.child_id]
    )
    older = mailbox.link("jo@old.example", "activate")
    families.update_parent(nursery.deps, nursery.manager, family.parent.user_id, email="jo@new.example")
    email_change.confirm(nursery.deps, token=mailbox.link("jo@new.example", "email-confirm"))
    with pytest.raises(Unauthenticated):
        activate(nursery.deps, token=older, password=PASSWORD, pin=PIN)
    activate(nursery.deps, token=mailbox.link("jo@new.example", "activate"), password=PASSWORD, pin=PIN)


def test_an_email_already_used_in_the_setting_is_refused_and_nothing_moves(nursery: Nursery) -> None:
    first = nursery.member(Role.PARENT)
    second = nursery.member(Role.PARENT)
    with pytest.raises(Conflict):
        families.update_parent(nursery.deps, nursery.manager, first.user_id, email=second.email)
    found = nursery.deps.accounts.find_by_email(first.setting_id, first.email)
    assert found is not None and found.user_id == first.user_id


def test_s18_a_deactivated_parent_is_signed_out_everywhere(nursery: Nursery) -> None:
    member = nursery.member(Role.PARENT)
    token = session_token(nursery.deps, member)
    families.deactivate_parent(nursery.deps, nursery.manager, member.user_id)
    with pytest.raises(Unauthenticated):
        authenticate(nursery.deps, token)


def test_s24_staff_are_not_parents_for_the_parent_routes(nursery: Nursery, other_nursery: Nursery) -> None:
    with pytest.raises(NotFound):
        families.deactivate_parent(nursery.deps, nursery.manager, nursery.manager.user_id)
    theirs = other_nursery.member(Role.PARENT)
    with pytest.raises(NotFound):
        families.update_parent(nursery.deps, nursery.manager, theirs.user_id, name="Mallory")


def _member(nursery: Nursery, email: str, user_id: str) -> Member:
    return Member(nursery.setting.setting_id, user_id, email)
