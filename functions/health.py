"""GET /api/health: is the app up, and does storage answer?"""

from __future__ import annotations

import azure.functions as func

from functions.http import endpoint, json_response
from shared import bootstrap
from shared.storage.health import storage_answers

bp = func.Blueprint()


@bp.route(route="api/health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def health(req: func.HttpRequest) -> func.HttpResponse:
    answers = storage_answers(bootstrap.storage())
    if all(answers.values()):
        return json_response({"status": "ok", "storage": "ok"})
    return json_response({"status": "degraded", "storage": "unavailable"}, status=503)
