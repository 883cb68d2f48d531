"""GET /api/health: is the app up, and if not, is it the configuration, storage or mail?"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import azure.functions as func

from functions.http import endpoint, json_response
from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
else:
    bootstrap = OnFirstUse("shared.bootstrap")

bp = func.Blueprint()


@bp.route(route="api/health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def health(req: func.HttpRequest) -> func.HttpResponse:
    report = bootstrap.health_report(os.environ)
    return json_response(report, status=200 if report["status"] == "ok" else 503)
