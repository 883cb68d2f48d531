"""The guidance framework staff record against, and each child's EYFS profile:
/api/framework, /api/children/{id}/profile*, /api/profiles/csv."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import azure.functions as func

from functions.forms import Body, expected_version
from functions.http import endpoint, json_response, principal, read_json
from functions.on_first_use import OnFirstUse
from shared.domain.errors import InvalidInput

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain import frameworks
    from shared.domain import profile as profile_rules
    from shared.domain.profile import Profile
    from shared.services import frameworks as setting_frameworks
    from shared.services import profile
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    frameworks = OnFirstUse("shared.domain.frameworks")
    profile_rules = OnFirstUse("shared.domain.profile")
    setting_frameworks = OnFirstUse("shared.services.frameworks")
    profile = OnFirstUse("shared.services.profile")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS
CSV_NAME = "eyfs-profile.csv"


def profile_view(p: Profile, staff: bool) -> dict[str, Any]:
    """A profile with GLD worked out; who recorded and finalised it only for staff."""
    gld = profile_rules.good_level_of_development(p.judgements)
    view: dict[str, Any] = {
        "childId": p.child_id,
        "judgements": {k: v.value for k, v in p.judgements.items()},
        "comment": p.comment,
        "status": p.status.value,
        "goodLevelOfDevelopment": gld,
        "elgs": [{"id": e.elg_id, "area": e.area_id, "name": e.name, "gld": e in frameworks.eyfs().gld_elgs}
                 for e in frameworks.eyfs().elgs],
    }  # fmt: skip
    if staff:
        view |= {
            "sharedWithParents": p.shared_with_parents,
            "updatedAt": p.updated_at.isoformat() if p.updated_at else None,
            "finalisedAt": p.finalised_at.isoformat() if p.finalised_at else None,
            "etag": p.etag,
        }
    return view


def _answer(p: Profile, staff: bool = True) -> func.HttpResponse:
    return json_response({"profile": profile_view(p, staff)}, headers={"ETag": p.etag or ""} if staff else {})


@bp.route(route="api/framework", methods=["GET"], auth_level=ANON)
@endpoint
def get_framework(req: func.HttpRequest) -> func.HttpResponse:
    chosen = setting_frameworks.setting_framework(bootstrap.deps(), principal(req))
    areas = [
        {"id": a.area_id, "name": a.name, "prime": a.prime,
         "aspects": [{"id": x.aspect_id, "name": x.name, "elg": x.elg_id}
                     for x in chosen.aspects if x.area_id == a.area_id]}
        for a in frameworks.eyfs().areas
    ]  # fmt: skip
    bands = [{"id": b, "name": n} for b, n in chosen.bands]
    body = {"id": chosen.framework_id.value, "name": chosen.name, "version": chosen.version, "bands": bands}
    return json_response(body | {"areas": areas})


@bp.route(route="api/children/{id}/profile", methods=["GET"], auth_level=ANON)
@endpoint
def get_profile(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    found = profile.read_profile(bootstrap.deps(), who, req.route_params.get("id"))
    return _answer(found, staff=who.role.is_staff)


@bp.route(route="api/children/{id}/profile", methods=["PUT"], auth_level=ANON)
@endpoint
def record_profile(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    fields = read_json(req)
    Body(fields, known=("judgements", "comment"), unknown="{} is not part of a profile.")
    for key in ("judgements", "comment"):
        if key in fields and fields[key] is None:  # null is refused like any value of the wrong type
            raise InvalidInput("Send a value, or leave the field out to keep it as it is.", field=key)
    change = profile.ProfileChange(judgements=fields.get("judgements"), comment=fields.get("comment"))
    saved = profile.record_profile(
        bootstrap.deps(), who, req.route_params.get("id"), change, expected_version(req)
    )
    return _answer(saved)


@bp.route(route="api/children/{id}/profile/finalise", methods=["POST"], auth_level=ANON)
@endpoint
def finalise_profile(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    saved = profile.finalise_profile(bootstrap.deps(), who, req.route_params.get("id"), expected_version(req))
    return _answer(saved)


@bp.route(route="api/children/{id}/profile/share", methods=["POST"], auth_level=ANON)
@endpoint
def share_profile(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    shared = Body(read_json(req), known=("shared",)).flag("shared")
    saved = profile.share_profile(
        bootstrap.deps(), who, req.route_params.get("id"), shared, expected_version(req)
    )
    return _answer(saved)


@bp.route(route="api/profiles/csv", methods=["GET"], auth_level=ANON)
@endpoint
def export_profiles(req: func.HttpRequest) -> func.HttpResponse:
    text = profile.export_profiles_csv(bootstrap.deps(), principal(req))
    return func.HttpResponse(
        text, status_code=200, mimetype="text/csv", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{CSV_NAME}"'},
    )  # fmt: skip
