"""The caller's own setting and its policy: /api/setting."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions.forms import Body, expected_version
from functions.http import endpoint, json_response, principal, read_json
from functions.on_first_use import OnFirstUse
from shared.domain.errors import InvalidInput

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain import people
    from shared.domain import policy as policy_rules
    from shared.domain.people import Role
    from shared.domain.policy import PolicyChange
    from shared.domain.settings import Setting
    from shared.services import policy
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    people = OnFirstUse("shared.domain.people")
    policy_rules = OnFirstUse("shared.domain.policy")
    policy = OnFirstUse("shared.services.policy")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS

# The policy's API names, and the field each one sets.
POLICY_FIELDS = {
    "otherChildren": "other_children",
    "approvalRequired": "approval_required",
    "keyChildrenOnly": "key_children_only",
    "exportWindowDays": "export_window_days",
    "retentionDays": "retention_days",
    "deactivatedRetentionDays": "deactivated_retention_days",
    "auditRetentionDays": "audit_retention_days",
    "framework": "framework",
    "strongSignInManagers": "strong_sign_in_managers",
    "strongSignInStaff": "strong_sign_in_staff",
    "strongSignInGraceDays": "strong_sign_in_grace_days",
}
API_NAMES = {field: key for key, field in POLICY_FIELDS.items()}
_FLAGS = ("approvalRequired", "keyChildrenOnly", "strongSignInManagers", "strongSignInStaff")
_TEXTS = ("otherChildren", "framework")
NOT_A_POLICY_FIELD = "{} is not a policy setting that can be changed."


def policy_change(req: func.HttpRequest) -> PolicyChange:
    """The fields the manager sent; a key sent as null is refused like any value of the wrong type."""
    body = Body(read_json(req), known=POLICY_FIELDS, unknown=NOT_A_POLICY_FIELD)
    values: dict[str, object] = {}
    for key, field in POLICY_FIELDS.items():
        if not body.has(key):
            continue
        value = body.text(key) if key in _TEXTS else body.flag(key) if key in _FLAGS else body.number(key)
        if value is None:
            raise InvalidInput("Send a value, or leave the field out to keep it as it is.", field=key)
        values[field] = value
    return policy_rules.PolicyChange(**values)  # type: ignore[arg-type]


def _setting(setting: Setting, role: Role) -> func.HttpResponse:
    shown = {API_NAMES[name]: value for name, value in policy_rules.visible_policy(setting, role).items()}
    body: dict[str, object] = {"id": setting.setting_id, "name": setting.name, "policy": shown}
    headers = {}
    if role is people.Role.MANAGER:  # only managers edit, so only they need the version
        body["etag"] = setting.etag
        headers["ETag"] = setting.etag or ""
    return json_response(body, headers=headers)


@bp.route(route="api/setting", methods=["GET"], auth_level=ANON)
@endpoint
def get_setting(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    return _setting(policy.read_setting(bootstrap.deps(), who), who.role)


@bp.route(route="api/setting", methods=["PATCH"], auth_level=ANON)
@endpoint
def update_setting(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    change = policy_change(req)
    try:
        updated = policy.update_policy(bootstrap.deps(), who, change, expected_version(req))
    except InvalidInput as refused:
        raise InvalidInput(refused.message, field=API_NAMES.get(refused.field or "", refused.field)) from None
    return _setting(updated, who.role)
