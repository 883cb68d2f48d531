"""Staff and parents, administered by managers: /api/staff/* and /api/parents/*."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions.forms import Body
from functions.http import endpoint, json_response, principal, read_json
from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain.people import Account
    from shared.services import families, notifications, sign_in_reset, staff
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    families = OnFirstUse("shared.services.families")
    notifications = OnFirstUse("shared.services.notifications")
    sign_in_reset = OnFirstUse("shared.services.sign_in_reset")
    staff = OnFirstUse("shared.services.staff")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS
UNCHANGEABLE = "{} cannot be changed here."


def _person(account: Account) -> dict[str, object]:
    pending = account.email_change.new_email if account.email_change else None
    reset = sign_in_reset.takes_effect_at(account)
    return {"id": account.user_id, "name": account.name, "email": account.email,
            "role": account.role.value, "status": account.status.value,
            "pendingEmail": pending,
            "signInResetAt": reset.isoformat() if reset else None}  # fmt: skip


def _family(family: families.Family) -> dict[str, object]:
    return {**_person(family.parent), "childIds": list(family.child_ids)}


@bp.route(route="api/staff", methods=["GET"], auth_level=ANON)
@endpoint
def list_staff(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    found = staff.list_staff(bootstrap.deps(), who)
    bounced = notifications.undeliverable(bootstrap.deps(), who.setting_id, found)
    return json_response({"staff": [{**_person(a), "undeliverable": a.user_id in bounced} for a in found]})


@bp.route(route="api/staff", methods=["POST"], auth_level=ANON)
@endpoint
def invite_staff(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = read_json(req)
    account = staff.invite_staff(
        bootstrap.deps(), who, name=body.get("name"), email=body.get("email"), role=body.get("role")
    )
    return json_response(_person(account), status=201)


@bp.route(route="api/staff/{id}", methods=["PATCH"], auth_level=ANON)
@endpoint
def update_staff(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = Body(read_json(req), known={"name", "role", "email"}, unknown=UNCHANGEABLE)
    name, role, email = body.changed_text("name"), body.changed_text("role"), body.changed_text("email")
    account = staff.update_staff(
        bootstrap.deps(), who, req.route_params.get("id"), name=name, role=role, email=email
    )
    return json_response(_person(account))


@bp.route(route="api/staff/{id}/deactivate", methods=["POST"], auth_level=ANON)
@endpoint
def deactivate_staff(req: func.HttpRequest) -> func.HttpResponse:
    account = staff.deactivate_staff(bootstrap.deps(), principal(req), req.route_params.get("id"))
    return json_response(_person(account))


@bp.route(route="api/staff/{id}/reactivate", methods=["POST"], auth_level=ANON)
@endpoint
def reactivate_staff(req: func.HttpRequest) -> func.HttpResponse:
    account = staff.reactivate_staff(bootstrap.deps(), principal(req), req.route_params.get("id"))
    return json_response(_person(account))


@bp.route(route="api/staff/{id}/invitation", methods=["POST"], auth_level=ANON)
@endpoint
def resend_staff_invitation(req: func.HttpRequest) -> func.HttpResponse:
    account = staff.resend_invitation(bootstrap.deps(), principal(req), req.route_params.get("id"))
    return json_response({**_person(account), "message": "A new invitation is on its way."}, status=202)


@bp.route(route="api/parents", methods=["GET"], auth_level=ANON)
@endpoint
def list_parents(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    found = families.list_parents(bootstrap.deps(), who)
    bounced = notifications.undeliverable(bootstrap.deps(), who.setting_id, [f.parent for f in found])
    return json_response(
        {"parents": [{**_family(f), "undeliverable": f.parent.user_id in bounced} for f in found]}
    )


@bp.route(route="api/parents", methods=["POST"], auth_level=ANON)
@endpoint
def invite_parent(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = read_json(req)
    family = families.invite_parent(
        bootstrap.deps(), who, name=body.get("name"), email=body.get("email"), child_ids=body.get("childIds")
    )
    return json_response(_family(family), status=201)


@bp.route(route="api/parents/{id}", methods=["PATCH"], auth_level=ANON)
@endpoint
def update_parent(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = Body(read_json(req), known={"name", "email"}, unknown=UNCHANGEABLE)
    name, email = body.changed_text("name"), body.changed_text("email")
    account = families.update_parent(
        bootstrap.deps(), who, req.route_params.get("id"), name=name, email=email
    )
    return json_response(_person(account))


@bp.route(route="api/parents/{id}/children/{childId}", methods=["POST"], auth_level=ANON)
@endpoint
def link_parent_child(req: func.HttpRequest) -> func.HttpResponse:
    families.link_child(
        bootstrap.deps(), principal(req), req.route_params.get("id"), req.route_params.get("childId")
    )
    return json_response({"status": "linked"})


@bp.route(route="api/parents/{id}/children/{childId}", methods=["DELETE"], auth_level=ANON)
@endpoint
def unlink_parent_child(req: func.HttpRequest) -> func.HttpResponse:
    families.unlink_child(
        bootstrap.deps(), principal(req), req.route_params.get("id"), req.route_params.get("childId")
    )
    return json_response({"status": "unlinked"})


@bp.route(route="api/parents/{id}/deactivate", methods=["POST"], auth_level=ANON)
@endpoint
def deactivate_parent(req: func.HttpRequest) -> func.HttpResponse:
    account = families.deactivate_parent(bootstrap.deps(), principal(req), req.route_params.get("id"))
    return json_response(_person(account))


# -- "lost my phone": a manager-approved reset of strong sign-in (S34) -----------------------------


@bp.route(route="api/people/{id}/sign-in-reset", methods=["POST"], auth_level=ANON)
@endpoint
def ask_sign_in_reset(req: func.HttpRequest) -> func.HttpResponse:
    reset = sign_in_reset.ask(bootstrap.deps(), principal(req), req.route_params.get("id"))
    return json_response(
        {"status": "waiting", "takesEffectAt": reset.takes_effect_at.isoformat()}, status=202
    )


@bp.route(route="api/people/{id}/sign-in-reset", methods=["DELETE"], auth_level=ANON)
@endpoint
def cancel_sign_in_reset(req: func.HttpRequest) -> func.HttpResponse:
    sign_in_reset.cancel(bootstrap.deps(), principal(req), req.route_params.get("id"))
    return json_response({"status": "cancelled"})
