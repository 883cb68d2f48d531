"""The caller's own setting and its policy: /api/setting."""

from __future__ import annotations

import azure.functions as func

from functions.forms import expected_version
from functions.http import endpoint, json_response, principal, read_json
from shared import bootstrap
from shared.domain.people import Role
from shared.domain.policy import visible_policy
from shared.domain.settings import Setting
from shared.services import policy

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS


def _setting(setting: Setting, role: Role) -> func.HttpResponse:
    body: dict[str, object] = {"id": setting.setting_id, "name": setting.name,
                               "policy": visible_policy(setting, role)}  # fmt: skip
    headers = {}
    if role is Role.MANAGER:  # only managers edit, so only they need the version
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
    body = read_json(req)
    updated = policy.update_policy(bootstrap.deps(), who, body, expected_version(req))
    return _setting(updated, who.role)
