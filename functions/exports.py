"""Journal exports: POST /api/children/{id}/exports, GET /api/exports/{id}, and the queue-triggered
build (the request never builds: Azure answers an HTTP function within 230 s)."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import azure.functions as func

from functions.http import endpoint, json_response, principal
from functions.on_first_use import OnFirstUse
from shared.storage.queue_names import EXPORT_QUEUE

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain import links
    from shared.domain.exports import Export
    from shared.services import exports
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    links = OnFirstUse("shared.domain.links")
    exports = OnFirstUse("shared.services.exports")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS
log = logging.getLogger("journal")
# The Functions host reads this setting, as for the mail queues (functions/mail.py).
CONNECTION = "JournalStorage"


def _export(export: Export) -> dict[str, Any]:
    return {
        "id": export.export_id,
        "childId": export.child_id,
        "status": export.status.value,
        "createdAt": export.created_at.isoformat(),
        "readyAt": export.ready_at.isoformat() if export.ready_at else None,
    }


@bp.route(route="api/children/{id}/exports", methods=["POST"], auth_level=ANON)
@endpoint
def request_export(req: func.HttpRequest) -> func.HttpResponse:
    export = exports.request_export(bootstrap.deps(), principal(req), req.route_params.get("id"))
    return json_response({"id": export.export_id, "status": export.status.value}, status=202)


@bp.route(route="api/exports/{id}", methods=["GET"], auth_level=ANON)
@endpoint
def export_status(req: func.HttpRequest) -> func.HttpResponse:
    view = exports.export_status(bootstrap.deps(), principal(req), req.route_params.get("id"))
    body = _export(view.export)
    if view.zip_url and view.pdf_url:
        lifetime = int(links.SIGNED_LINK_LIFETIME.total_seconds())
        body["download"] = {"zip": view.zip_url, "pdf": view.pdf_url, "expiresInSeconds": lifetime}
    return json_response(body)


@bp.queue_trigger(arg_name="msg", queue_name=EXPORT_QUEUE, connection=CONNECTION)
def build_export(msg: func.QueueMessage) -> None:
    """Build one queued export. A failure raises, so the host retries and finally poisons it."""
    request = json.loads(msg.get_body().decode("utf-8"))
    exports.build_export(bootstrap.deps(), str(request["setting"]), str(request["export"]))
    log.info("export handled (queue message %s)", msg.id)
