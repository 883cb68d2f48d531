"""The setting's privacy and retention policy: everyone reads their part, managers change it."""

from __future__ import annotations

from shared.domain.access import require_manager
from shared.domain.errors import ConcurrencyConflict, PreconditionFailed
from shared.domain.people import Principal
from shared.domain.policy import PolicyChange, apply_policy
from shared.domain.settings import Setting
from shared.domain.versions import STALE, require_current
from shared.services import membership
from shared.services.deps import Deps
from shared.services.step_up import require_recent_step_up


def read_setting(deps: Deps, principal: Principal) -> Setting:
    """The caller's own setting (S23); what of it they see is decided by domain.policy."""
    return membership.setting_of(deps, principal)


def update_policy(
    deps: Deps, principal: Principal, changes: PolicyChange, expected_version: str | None
) -> Setting:
    """Change policy fields from the version the manager saw; every change is audited."""
    require_manager(principal)
    require_recent_step_up(deps, principal)  # S35: retention and privacy policy
    setting = membership.setting_of(deps, principal)
    setting.etag = require_current(expected_version, setting.etag)
    changed = apply_policy(setting, changes)
    if not changed:
        return setting
    try:
        deps.settings.save(setting)
    except ConcurrencyConflict:
        raise PreconditionFailed(STALE) from None
    # Which fields changed (names only, never personal data) goes in the event's detail.
    detail = ",".join(sorted(changed))
    deps.audit(
        principal.setting_id,
        principal.user_id,
        "setting.policy-change",
        setting.setting_id,
        "success",
        detail,
    )
    return membership.setting_of(deps, principal)
