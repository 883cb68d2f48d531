"""S35: the sensitive changes need a step-up in the last 5 minutes; without one nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from shared.clock import FrozenClock
from shared.domain.people import Principal, Role
from shared.domain.policy import PolicyChange
from shared.services import email_change, exports, leaving, policy, staff
from shared.services.credentials import change_password, change_pin
from shared.services.deps import Deps
from shared.services.step_up import StepUpRequired
from tests.conftest import PASSWORD
from tests.nurseries import Nursery, stepped_up

Change = Callable[[Deps, Principal, Nursery], object]


def _hold(deps: Deps, who: Principal, nursery: Nursery) -> object:
    return leaving.place_hold(deps, who, nursery.child().child_id, "Solicitor's letter 12")


def _lift(deps: Deps, who: Principal, nursery: Nursery) -> object:
    child = nursery.child()
    leaving.place_hold(deps, stepped_up(deps, nursery.manager), child.child_id, "Solicitor's letter 12")
    return leaving.lift_hold(deps, who, child.child_id)


def _deactivate(deps: Deps, who: Principal, nursery: Nursery) -> object:
    return staff.deactivate_staff(deps, who, nursery.member(Role.PRACTITIONER).user_id)


GUARDED: dict[str, Change] = {
    "e-mail": lambda d, w, n: email_change.request_own(
        d, w, email="maya.new@family.example", password=PASSWORD
    ),
    "password": lambda d, w, n: change_password(d, w, current=PASSWORD, new="a brand new passphrase 42"),
    "PIN": lambda d, w, n: change_pin(d, w, password=PASSWORD, new_pin="402918"),
    "export": lambda d, w, n: exports.request_export(d, w, n.child().child_id),
    "policy": lambda d, w, n: policy.update_policy(
        d, w, PolicyChange(retention_days=400), n.place.setting.etag
    ),
    "hold": _hold,
    "lift hold": _lift,
    "deactivate": _deactivate,
}


@pytest.mark.parametrize("change", GUARDED.values(), ids=GUARDED.keys())
def test_s35_a_sensitive_change_needs_a_recent_step_up(
    nursery: Nursery, clock: FrozenClock, change: Change
) -> None:
    deps = nursery.deps
    never = replace(nursery.manager, stepped_up_at=None)
    with pytest.raises(StepUpRequired):
        change(deps, never, nursery)
    stale = stepped_up(deps, nursery.manager)
    clock.advance(minutes=5)
    with pytest.raises(StepUpRequired):
        change(deps, stale, nursery)
    change(deps, stepped_up(deps, nursery.manager), nursery)


def test_s35_a_refused_change_writes_nothing(nursery: Nursery) -> None:
    deps = nursery.deps
    before = deps.accounts.get(nursery.manager.setting_id, nursery.manager.user_id)
    with pytest.raises(StepUpRequired):
        change_password(deps, replace(nursery.manager, stepped_up_at=None), current=PASSWORD,
                        new="a brand new passphrase 42")  # fmt: skip
    after = deps.accounts.get(nursery.manager.setting_id, nursery.manager.user_id)
    assert before is not None and after is not None and after.password_hash == before.password_hash
