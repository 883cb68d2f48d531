"""The setting's audit log for its managers: /api/audit."""

from __future__ import annotations

import azure.functions as func

from functions.http import endpoint, json_response, principal
from shared import bootstrap
from shared.services.audit_log import read_audit

bp = func.Blueprint()


@bp.route(route="api/audit", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def list_audit(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    q = req.params
    found = read_audit(
        bootstrap.deps(), who, since=q.get("from"), until=q.get("to"), actor=q.get("actor"),
        action=q.get("action"), cursor=q.get("cursor"),
    )  # fmt: skip
    events = [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "target": e.target,
               "outcome": e.outcome, "detail": e.detail} for e in found.events]  # fmt: skip
    return json_response({"events": events, "cursor": found.cursor})
