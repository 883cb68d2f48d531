"""Managers administer staff: roles, the last manager, deactivation (S13, S18, S24)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from shared.domain.errors import Conflict, Forbidden, NotFound, Unauthenticated
from shared.domain.people import Principal, Role, Status
from shared.services import staff
from shared.services.audit_log import read_audit
from shared.services.credentials import activate, confirm_reset, process_reset_request
from shared.services.sessions import authenticate
from tests.conftest import PASSWORD, PIN, Mailbox
from tests.nurseries import Nursery, session_token, signed_in


def test_a_manager_invites_a_practitioner_who_gets_an_activation_mail(
    nursery: Nursery, mailbox: Mailbox
) -> None:
    invited = staff.invite_staff(
        nursery.deps,
        nursery.manager,
        name="Priya Practitioner",
        email="Priya@Acorns.example",
        role="practitioner",
    )
    assert invited.status is Status.INVITED and invited.role is Role.PRACTITIONER
    activate(nursery.deps, token=mailbox.link("priya@acorns.example", "activate"), password=PASSWORD, pin=PIN)
    listed = {a.user_id: a for a in staff.list_staff(nursery.deps, nursery.manager)}
    assert listed[invited.user_id].status is Status.ACTIVE
    assert listed[nursery.manager.user_id].role is Role.MANAGER


def test_s24_parents_and_practitioners_cannot_administer_staff(nursery: Nursery) -> None:
    for role in (Role.PARENT, Role.PRACTITIONER):
        _, caller = nursery.principal(role)
        with pytest.raises(Forbidden):
            staff.list_staff(nursery.deps, caller)
        with pytest.raises(Forbidden):
            staff.invite_staff(nursery.deps, caller, name="Eve", email="eve@x.example", role="manager")


def test_the_last_active_manager_cannot_be_demoted(nursery: Nursery) -> None:
    with pytest.raises(Conflict, match="at least one active manager"):
        staff.update_staff(nursery.deps, nursery.manager, nursery.manager.user_id, role="practitioner")
    account = nursery.deps.accounts.get(nursery.setting.setting_id, nursery.manager.user_id)
    assert account is not None and account.role is Role.MANAGER


def test_the_last_active_manager_cannot_be_deactivated(nursery: Nursery) -> None:
    with pytest.raises(Conflict, match="at least one active manager"):
        staff.deactivate_staff(nursery.deps, nursery.manager, nursery.manager.user_id)
    refusals = read_audit(nursery.deps, nursery.manager, action="account.last-manager").events
    assert [(e.target, e.outcome) for e in refusals] == [(nursery.manager.user_id, "refused")]
    account = nursery.deps.accounts.get(nursery.setting.setting_id, nursery.manager.user_id)
    assert account is not None and account.status is Status.ACTIVE


def test_an_invited_manager_does_not_count_as_the_active_one(nursery: Nursery) -> None:
    staff.invite_staff(nursery.deps, nursery.manager, name="Nina New", email="nina@x.example", role="manager")
    with pytest.raises(Conflict):
        staff.update_staff(nursery.deps, nursery.manager, nursery.manager.user_id, role="practitioner")


def test_with_a_second_active_manager_one_may_step_down(nursery: Nursery) -> None:
    second = nursery.member(Role.MANAGER)
    demoted = staff.update_staff(
        nursery.deps, nursery.manager, second.user_id, role="practitioner", name="Sam Helper"
    )
    assert demoted.role is Role.PRACTITIONER and demoted.name == "Sam Helper"


def test_two_managers_demoting_each_other_at_once_leave_one_manager(nursery: Nursery) -> None:
    _, second = nursery.principal(Role.MANAGER)
    deps = nursery.deps

    def demote(pair: tuple[Principal, str]) -> str:
        caller, target = pair
        try:
            staff.update_staff(deps, caller, target, role="practitioner")
            return "demoted"
        except Conflict:
            return "refused"

    pairs = [(nursery.manager, second.user_id), (second, nursery.manager.user_id)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(demote, pairs))
    assert outcomes == ["demoted", "refused"]
    managers = [a for a in deps.accounts.in_setting(nursery.setting.setting_id) if a.role is Role.MANAGER]
    assert len(managers) == 1


def test_s18_deactivation_ends_every_session_at_once(nursery: Nursery) -> None:
    member = nursery.member(Role.PRACTITIONER)
    tokens = [session_token(nursery.deps, member) for _ in range(2)]
    staff.deactivate_staff(nursery.deps, nursery.manager, member.user_id)
    for token in tokens:
        with pytest.raises(Unauthenticated):
            authenticate(nursery.deps, token)
    assert nursery.deps.accounts.sessions(member.setting_id, member.user_id) == []


def test_s13_deactivation_voids_an_outstanding_reset_link(nursery: Nursery, mailbox: Mailbox) -> None:
    member = nursery.member(Role.PRACTITIONER)
    process_reset_request(nursery.deps, member.setting_id, member.email)
    link = mailbox.link(member.email, "reset")
    staff.deactivate_staff(nursery.deps, nursery.manager, member.user_id)
    with pytest.raises(Unauthenticated):
        confirm_reset(nursery.deps, token=link, password="copper meadow lantern quill")


def test_a_reactivated_member_of_staff_can_sign_in_again(nursery: Nursery) -> None:
    member = nursery.member(Role.PRACTITIONER)
    staff.deactivate_staff(nursery.deps, nursery.manager, member.user_id)
    back = staff.reactivate_staff(nursery.deps, nursery.manager, member.user_id)
    assert back.status is Status.ACTIVE
    assert signed_in(nursery.deps, member).user_id == member.user_id


def test_s13_a_resent_invitation_voids_the_older_link(nursery: Nursery, mailbox: Mailbox) -> None:
    invited = staff.invite_staff(
        nursery.deps, nursery.manager, name="Olu Later", email="olu@x.example", role="practitioner"
    )
    older = mailbox.link("olu@x.example", "activate")
    staff.resend_invitation(nursery.deps, nursery.manager, invited.user_id)
    newer = mailbox.link("olu@x.example", "activate")
    assert newer != older
    with pytest.raises(Unauthenticated):
        activate(nursery.deps, token=older, password=PASSWORD, pin=PIN)
    assert activate(nursery.deps, token=newer, password=PASSWORD, pin=PIN).status is Status.ACTIVE


def test_an_active_account_cannot_be_sent_a_new_invitation(nursery: Nursery) -> None:
    member = nursery.member(Role.PRACTITIONER)
    with pytest.raises(Conflict):
        staff.resend_invitation(nursery.deps, nursery.manager, member.user_id)


def test_s24_another_settings_staff_and_parents_are_not_found(
    nursery: Nursery, other_nursery: Nursery
) -> None:
    with pytest.raises(NotFound):
        staff.deactivate_staff(nursery.deps, nursery.manager, other_nursery.manager.user_id)
    parent = nursery.member(Role.PARENT)
    with pytest.raises(NotFound):  # a parent is not staff, so the staff routes do not see them
        staff.update_staff(nursery.deps, nursery.manager, parent.user_id, name="X")


@pytest.mark.parametrize("bad", ["a/b", "a\\b", "a#b", "a?b", "a~child~b", "a\x00b", "", "x" * 65])
def test_s25_an_id_that_could_not_be_a_table_key_is_simply_not_found(nursery: Nursery, bad: str) -> None:
    with pytest.raises(NotFound):
        staff.reactivate_staff(nursery.deps, nursery.manager, bad)


def test_s29_staff_changes_are_audited_with_ids_only(nursery: Nursery) -> None:
    member = nursery.member(Role.PRACTITIONER)
    staff.update_staff(nursery.deps, nursery.manager, member.user_id, role="manager")
    staff.deactivate_staff(nursery.deps, nursery.manager, member.user_id)
    events = read_audit(nursery.deps, nursery.manager, actor=nursery.manager.user_id).events
    seen = {(e.action, e.target) for e in events}
    assert ("staff.role.manager", member.user_id) in seen
    assert ("account.deactivate", member.user_id) in seen
    assert all("@" not in e.target for e in events)
