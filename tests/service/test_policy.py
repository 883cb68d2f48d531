"""The setting's policy: each role reads its part, managers change it under a version."""

from __future__ import annotations

import pytest

from shared.domain.errors import Forbidden, InvalidInput, PreconditionFailed
from shared.domain.people import Role
from shared.domain.policy import PolicyChange, visible_policy
from shared.domain.settings import OtherChildren
from shared.services import policy
from shared.services.audit_log import read_audit
from tests.nurseries import Nursery


def test_a_manager_changes_the_policy_and_the_change_is_audited(nursery: Nursery) -> None:
    current = policy.read_setting(nursery.deps, nursery.manager)
    changes = PolicyChange(other_children="hidden", key_children_only=True, audit_retention_days=400)
    updated = policy.update_policy(nursery.deps, nursery.manager, changes, current.etag)
    assert updated.other_children is OtherChildren.HIDDEN and updated.key_children_only
    assert updated.audit_retention_days == 400 and updated.etag != current.etag
    events = read_audit(nursery.deps, nursery.manager, action="setting.policy-change").events
    assert [e.detail for e in events] == ["audit_retention_days,key_children_only,other_children"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("other_children", "everyone"),
        ("export_window_days", 0),
        ("export_window_days", 366),
        ("retention_days", 29),
        ("deactivated_retention_days", 3651),
        ("audit_retention_days", 364),
        ("strong_sign_in_grace_days", 8),  # S34: the grace can be shortened, never lengthened
    ],
)
def test_each_refused_policy_value_names_its_field(nursery: Nursery, field: str, value: object) -> None:
    current = policy.read_setting(nursery.deps, nursery.manager)
    with pytest.raises(InvalidInput) as refused:
        policy.update_policy(
            nursery.deps,
            nursery.manager,
            PolicyChange(key_children_only=True, **{field: value}),
            current.etag,
        )
    assert refused.value.field == field
    assert not policy.read_setting(nursery.deps, nursery.manager).key_children_only  # nothing applied


def test_a_policy_change_from_a_stale_version_is_refused(nursery: Nursery) -> None:
    current = policy.read_setting(nursery.deps, nursery.manager)
    policy.update_policy(nursery.deps, nursery.manager, PolicyChange(approval_required=False), current.etag)
    with pytest.raises(PreconditionFailed):
        policy.update_policy(
            nursery.deps, nursery.manager, PolicyChange(approval_required=True), current.etag
        )


def test_s24_only_managers_change_the_policy(nursery: Nursery) -> None:
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    current = policy.read_setting(nursery.deps, practitioner)
    with pytest.raises(Forbidden):
        policy.update_policy(nursery.deps, practitioner, PolicyChange(approval_required=False), current.etag)


def test_each_role_reads_only_the_policy_that_concerns_them(nursery: Nursery) -> None:
    setting = policy.read_setting(nursery.deps, nursery.manager)
    assert set(visible_policy(setting, Role.PARENT)) == {"other_children"}
    assert set(visible_policy(setting, Role.PRACTITIONER)) == {
        "other_children", "approval_required", "key_children_only", "framework"
    }  # fmt: skip
    assert visible_policy(setting, Role.MANAGER)["retention_days"] == 365


def test_the_framework_defaults_to_development_matters_and_a_manager_can_choose_birth_to_5_matters(
    nursery: Nursery,
) -> None:
    current = policy.read_setting(nursery.deps, nursery.manager)
    assert current.framework == "development-matters"
    updated = policy.update_policy(
        nursery.deps, nursery.manager, PolicyChange(framework="birth-to-5-matters"), current.etag
    )
    assert updated.framework == "birth-to-5-matters"
    assert visible_policy(updated, Role.PRACTITIONER)["framework"] == "birth-to-5-matters"
    assert "framework" not in visible_policy(updated, Role.PARENT)
    with pytest.raises(InvalidInput) as refused:
        policy.update_policy(
            nursery.deps, nursery.manager, PolicyChange(framework="montessori"), updated.etag
        )
    assert refused.value.field == "framework"
