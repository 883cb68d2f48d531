"""The tracker's staff-only facts about a child (/api/children/{id}/details) and the setting's
tracker policy (/api/setting/tracker). No parent route reads either."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions.forms import Body, expected_version
from functions.http import endpoint, json_response, principal, read_json
from functions.on_first_use import OnFirstUse
from shared.domain.errors import InvalidInput

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain import child_details as tracker_rules
    from shared.domain.child_details import TrackerDetails, TrackerPolicy
    from shared.services import child_details
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    tracker_rules = OnFirstUse("shared.domain.child_details")
    child_details = OnFirstUse("shared.services.child_details")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS
FIELDS = ("dateStarted", "eal", "sendSupport", "eypp", "fundedTwo", "sex")


def details_view(details: TrackerDetails, policy: TrackerPolicy) -> dict[str, object]:
    view: dict[str, object] = {
        "dateStarted": details.date_started.isoformat() if details.date_started else None,
        "eal": details.eal,
        "sendSupport": details.send_support,
        "eypp": details.eypp,
        "fundedTwo": details.funded_two,
        "etag": child_details.version_of(details),
    }
    if policy.record_sex:  # not even the key, unless the setting records sex
        view["sex"] = details.sex.value if details.sex else None
    return view


def _details(details: TrackerDetails, policy: TrackerPolicy) -> func.HttpResponse:
    return json_response(details_view(details, policy), headers={"ETag": child_details.version_of(details)})


def _policy(policy: TrackerPolicy) -> func.HttpResponse:
    version = policy.etag or tracker_rules.NOT_YET_RECORDED
    return json_response({"recordSex": policy.record_sex, "etag": version}, headers={"ETag": version})


@bp.route(route="api/children/{id}/details", methods=["GET"], auth_level=ANON)
@endpoint
def read_details(req: func.HttpRequest) -> func.HttpResponse:
    details, policy = child_details.read_details(bootstrap.deps(), principal(req), req.route_params.get("id"))
    return _details(details, policy)


@bp.route(route="api/children/{id}/details", methods=["PATCH"], auth_level=ANON)
@endpoint
def update_details(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = Body(read_json(req), known=FIELDS, unknown="{} is not one of a child's tracker details.")
    change = tracker_rules.DetailsChange(
        date_started=body.changed_text("dateStarted"), eal=body.changed_flag("eal"),
        send_support=body.changed_flag("sendSupport"), eypp=body.changed_flag("eypp"),
        funded_two=body.changed_flag("fundedTwo"), sex=body.changed_text("sex"),
    )  # fmt: skip
    deps, child_id = bootstrap.deps(), req.route_params.get("id")
    child_details.update_details(deps, who, child_id, change, expected_version(req))
    return _details(*child_details.read_details(deps, who, child_id))


@bp.route(route="api/setting/tracker", methods=["GET"], auth_level=ANON)
@endpoint
def read_policy(req: func.HttpRequest) -> func.HttpResponse:
    return _policy(child_details.read_policy(bootstrap.deps(), principal(req)))


@bp.route(route="api/setting/tracker", methods=["PATCH"], auth_level=ANON)
@endpoint
def update_policy(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = Body(read_json(req), known=("recordSex",), unknown="{} is not part of the tracker policy.")
    record_sex = body.flag("recordSex")
    if record_sex is None:
        raise InvalidInput("Send recordSex as true or false.", field="recordSex")
    return _policy(child_details.update_policy(bootstrap.deps(), who, record_sex, expected_version(req)))
