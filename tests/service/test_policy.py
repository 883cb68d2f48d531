"""The setting's policy (issue 4A): each role reads its part, managers change it under a version."""

from __future__ import annotations

import pytest

from shared.domain.errors import Forbidden, InvalidInput, PreconditionFailed
from shared.domain.people import Role
from shared.domain.policy import visible_policy
from shared.domain.settings import OtherChildren
from shared.services import policy
from shared.services.audit_log import read_audit
from tests.nurseries import Nursery


def test_a_manager_changes_the_policy_and_the_change_is_audited(nursery: Nursery) -> None:
    current = policy.read_setting(nursery.deps, nursery.manager)
    changes = {"otherChildren": "hidden", "keyChildrenOnly": True, "auditRetentionDays": 400}
    updated = policy.update_policy(nursery.deps, nursery.manager, changes, current.etag)
    assert updated.other_children is OtherChildren.HIDDEN and updated.key_children_only
    assert updated.audit_retention_days == 400 and updated.etag != current.etag
    events = read_audit(nursery.deps, nursery.manager, action="setting.policy-change").events
    assert [e.detail for e in events] == ["audit_retention_days,key_children_only,other_children"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("otherChildren", "everyone"),
        ("approvalRequired", "yes"),
        ("exportWindowDays", 0),
        ("exportWindowDays", 366),
        ("retentionDays", 29),
        ("deactivatedRetentionDays", 3651),
        ("auditRetentionDays", 364),
        ("auditRetentionDays", True),
        ("name", "A new name"),
    ],
)
def test_each_refused_policy_value_names_its_field(nursery: Nursery, field: str, value: object) -> None:
    current = policy.read_setting(nursery.deps, nursery.manager)
    with pytest.raises(InvalidInput) as refused:
        policy.update_policy(
            nursery.deps, nursery.manager, {"keyChildrenOnly": True, field: value}, current.etag
        )
    assert refused.value.field == field
    assert not policy.read_setting(nursery.deps, nursery.manager).key_children_only  # nothing applied


def test_a_policy_change_from_a_stale_version_is_refused(nursery: Nursery) -> None:
    current = policy.read_setting(nursery.deps, nursery.manager)
    policy.update_policy(nursery.deps, nursery.manager, {"approvalRequired": False}, current.etag)
    with pytest.raises(PreconditionFailed):
        policy.update_policy(nursery.deps, nursery.manager, {"approvalRequired": True}, current.etag)


def test_s24_only_managers_change_the_policy(nursery: Nursery) -> None:
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    current = policy.read_setting(nursery.deps, practitioner)
    with pytest.raises(Forbidden):
        policy.update_policy(nursery.deps, practitioner, {"approvalRequired": False}, current.etag)


def test_each_role_reads_only_the_policy_that_concerns_them(nursery: Nursery) -> None:
    setting = policy.read_setting(nursery.deps, nursery.manager)
    assert set(visible_policy(setting, Role.PARENT)) == {"otherChildren"}
    assert set(visible_policy(setting, Role.PRACTITIONER)) == {
        "otherChildren", "approvalRequired", "keyChildrenOnly"
    }  # fmt: skip
    assert visible_policy(setting, Role.MANAGER)["retentionDays"] == 365
