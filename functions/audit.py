"""The setting's audit log for its managers: /api/audit, and its chain's check: /api/audit/verify."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions.http import endpoint, json_response, principal
from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.services import audit_log
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    audit_log = OnFirstUse("shared.services.audit_log")

bp = func.Blueprint()


@bp.route(route="api/audit", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def list_audit(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    q = req.params
    found = audit_log.read_audit(
        bootstrap.deps(), who, since=q.get("from"), until=q.get("to"), actor=q.get("actor"),
        action=q.get("action"), cursor=q.get("cursor"),
    )  # fmt: skip
    events = [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "target": e.target,
               "outcome": e.outcome, "detail": e.detail} for e in found.events]  # fmt: skip
    return json_response({"events": events, "cursor": found.cursor})


@bp.route(route="api/audit/verify", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def verify_audit_log(req: func.HttpRequest) -> func.HttpResponse:
    report = audit_log.verify_audit(bootstrap.deps(), principal(req))
    broken = None
    if report.first_broken is not None:
        at = report.first_broken_at.isoformat() if report.first_broken_at else None
        broken = {"seq": report.first_broken, "at": at}
    archive = report.archive
    differs = None
    if archive.first_disagreeing is not None:
        at = archive.first_disagreeing_at.isoformat() if archive.first_disagreeing_at else None
        differs = {"seq": archive.first_disagreeing, "at": at}
    return json_response({
        "intact": report.intact, "checked": report.checked, "firstBroken": broken,
        "archive": {"agrees": archive.agrees, "archived": archive.archived, "unarchived": archive.unarchived,
                    "rewritten": archive.rewritten, "deleted": archive.deleted, "firstDisagreeing": differs},
    })  # fmt: skip
