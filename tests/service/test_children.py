"""Children as staff see and edit them: versions (If-Match), key people, S24 visibility."""

from __future__ import annotations

import pytest

from shared.domain.children import ChildStatus
from shared.domain.errors import Forbidden, InvalidInput, NotFound, PreconditionFailed
from shared.domain.people import Role
from shared.domain.policy import PolicyChange, apply_policy
from shared.services import children, staff
from shared.services.children import ChildDetails as Details
from tests.nurseries import Nursery


def test_a_manager_adds_a_child_and_reads_it_back_with_its_version(nursery: Nursery) -> None:
    added = nursery.child(firstName=" Ada ", keyPersonId=nursery.manager.user_id)
    found = children.get_child(nursery.deps, nursery.manager, added.child_id)
    assert found.first_name == "Ada" and found.key_person_id == nursery.manager.user_id
    assert found.etag and found.etag == added.etag


def test_a_child_needs_every_required_field(nursery: Nursery) -> None:
    with pytest.raises(InvalidInput) as refused:
        children.add_child(nursery.deps, nursery.manager, Details(first_name="Ada"))
    assert refused.value.field == "lastName"


def test_the_key_person_must_be_active_staff_of_the_same_setting(
    nursery: Nursery, other_nursery: Nursery
) -> None:
    parent = nursery.member(Role.PARENT)
    leaver = nursery.member(Role.PRACTITIONER)
    staff.deactivate_staff(nursery.deps, nursery.manager, leaver.user_id)
    for who in (other_nursery.manager.user_id, parent.user_id, leaver.user_id, "no/such"):
        with pytest.raises(InvalidInput) as refused:
            nursery.child(keyPersonId=who)
        assert refused.value.field == "keyPersonId"


def test_an_edit_from_the_current_version_is_saved_and_gets_a_new_version(nursery: Nursery) -> None:
    child = nursery.child()
    edited = children.update_child(
        nursery.deps, nursery.manager, child.child_id, Details(last_name="Byron"), child.etag
    )
    assert edited.last_name == "Byron" and edited.etag != child.etag


def test_an_edit_from_a_stale_version_is_refused_with_precondition_failed(nursery: Nursery) -> None:
    child = nursery.child()
    children.update_child(
        nursery.deps, nursery.manager, child.child_id, Details(last_name="Byron"), child.etag
    )
    with pytest.raises(PreconditionFailed):
        children.update_child(
            nursery.deps, nursery.manager, child.child_id, Details(last_name="King"), child.etag
        )
    with pytest.raises(PreconditionFailed):
        children.update_child(nursery.deps, nursery.manager, child.child_id, Details(last_name="King"), None)
    assert children.get_child(nursery.deps, nursery.manager, child.child_id).last_name == "Byron"


def test_s24_another_settings_child_is_not_found(nursery: Nursery, other_nursery: Nursery) -> None:
    theirs = other_nursery.child()
    with pytest.raises(NotFound):
        children.get_child(nursery.deps, nursery.manager, theirs.child_id)
    with pytest.raises(NotFound):
        children.update_child(
            nursery.deps, nursery.manager, theirs.child_id, Details(last_name="X"), theirs.etag
        )
    assert theirs.child_id not in {c.child_id for c in children.list_children(nursery.deps, nursery.manager)}


def test_s24_practitioners_see_only_their_key_children_when_the_setting_says_so(nursery: Nursery) -> None:
    member, practitioner = nursery.principal(Role.PRACTITIONER)
    mine = nursery.child(firstName="Mine", keyPersonId=member.user_id)
    nursery.child(firstName="Theirs", keyPersonId=nursery.manager.user_id)
    assert len(children.list_children(nursery.deps, practitioner)) == 2
    setting = nursery.deps.settings.get(nursery.setting.setting_id)
    assert setting is not None
    apply_policy(setting, PolicyChange(key_children_only=True))
    nursery.deps.settings.save(setting)
    assert [c.child_id for c in children.list_children(nursery.deps, practitioner)] == [mine.child_id]
    assert len(children.list_children(nursery.deps, nursery.manager)) == 2  # managers see everyone


def test_managers_see_archived_children_and_practitioners_do_not(nursery: Nursery) -> None:
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    child = nursery.child()
    child.status = ChildStatus.ARCHIVED
    nursery.deps.children.save(child)
    assert [c.status for c in children.list_children(nursery.deps, nursery.manager)] == [ChildStatus.ARCHIVED]
    assert children.list_children(nursery.deps, practitioner) == []
    with pytest.raises(NotFound):
        children.get_child(nursery.deps, practitioner, child.child_id)


def test_s24_only_managers_add_or_edit_children(nursery: Nursery) -> None:
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    child = nursery.child()
    with pytest.raises(Forbidden):
        children.update_child(nursery.deps, practitioner, child.child_id, Details(last_name="X"), child.etag)
    with pytest.raises(Forbidden):
        children.add_child(nursery.deps, practitioner, Details())


def test_many_children_are_read_together_in_the_order_asked_and_only_from_the_callers_setting(
    nursery: Nursery, other_nursery: Nursery
) -> None:
    # More than one query's worth (the Table service allows 15 comparisons in a filter).
    added = [nursery.child() for _ in range(16)]
    elsewhere = other_nursery.child()
    wanted = [c.child_id for c in reversed(added)]
    asked = [*wanted[:3], "cnosuchchild0000", elsewhere.child_id, *wanted[3:]]
    found = nursery.deps.children.get_many(nursery.setting.setting_id, asked)
    assert [c.child_id for c in found] == wanted
    assert nursery.deps.children.get_many(nursery.setting.setting_id, [elsewhere.child_id]) == []
