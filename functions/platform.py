"""The platform operator's routes. ADMIN level: in Azure only the host's master key reaches them."""

from __future__ import annotations

import azure.functions as func

from functions.http import endpoint, json_response, read_json
from shared import bootstrap
from shared.services.platform import create_setting as create_setting_service

bp = func.Blueprint()


@bp.route(route="api/platform/settings", methods=["POST"], auth_level=func.AuthLevel.ADMIN)
@endpoint
def create_setting(req: func.HttpRequest) -> func.HttpResponse:
    body = read_json(req)
    created = create_setting_service(
        bootstrap.deps(),
        name=body.get("name"),
        slug=body.get("slug"),
        email_domain=body.get("emailDomain"),
        retention_days=body.get("retentionDays"),
        manager_name=body.get("managerName"),
        manager_email=body.get("managerEmail"),
    )
    return json_response(
        {
            "setting": {"id": created.setting.setting_id, "name": created.setting.name},
            "manager": {"id": created.manager.user_id, "status": created.manager.status.value},
        },
        status=201,
    )
