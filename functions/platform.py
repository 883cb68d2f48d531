"""The platform operator's routes. ADMIN level: in Azure only the host's master key reaches them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions.forms import Body
from functions.http import endpoint, json_response, read_json
from functions.on_first_use import OnFirstUse
from shared.domain.errors import InvalidInput

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.services import platform
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    platform = OnFirstUse("shared.services.platform")

bp = func.Blueprint()

NEW_SETTING = ("name", "slug", "emailDomain", "retentionDays", "managerName", "managerEmail")
# The fields the use case names, by the body keys they came from.
API_NAMES = {
    "email_domain": "emailDomain",
    "retention_days": "retentionDays",
    "manager_email": "managerEmail",
    "manager_name": "managerName",
}


@bp.route(route="api/platform/settings", methods=["POST"], auth_level=func.AuthLevel.ADMIN)
@endpoint
def create_setting(req: func.HttpRequest) -> func.HttpResponse:
    body = Body(read_json(req), known=NEW_SETTING)
    try:
        created = platform.create_setting(
            bootstrap.deps(),
            name=body.text("name"),
            slug=body.text("slug"),
            email_domain=body.text("emailDomain"),
            retention_days=body.number("retentionDays"),
            manager_name=body.text("managerName"),
            manager_email=body.text("managerEmail"),
        )
    except InvalidInput as refused:
        raise InvalidInput(refused.message, field=API_NAMES.get(refused.field or "", refused.field)) from None
    return json_response(
        {
            "setting": {"id": created.setting.setting_id, "name": created.setting.name},
            "manager": {"id": created.manager.user_id, "status": created.manager.status.value},
        },
        status=201,
    )
