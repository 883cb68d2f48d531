"""Sign-in, sessions, activation and reset: /api/auth/*. Each function does one operation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions import factors
from functions.http import (
    browser_of,
    clear_session_cookie,
    client_address,
    cookie_value,
    device_cookie_name,
    endpoint,
    json_response,
    principal,
    read_json,
)
from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain.people import Principal, Session
    from shared.services import credentials, email_change, sessions, sign_in_steps, signin
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    credentials = OnFirstUse("shared.services.credentials")
    email_change = OnFirstUse("shared.services.email_change")
    sessions = OnFirstUse("shared.services.sessions")
    sign_in_steps = OnFirstUse("shared.services.sign_in_steps")
    signin = OnFirstUse("shared.services.signin")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS


def _user(p: Principal) -> dict[str, str]:
    return {"id": p.user_id, "name": p.name, "role": p.role.value, "setting": p.setting_id}


def _session_view(session: Session, current: str) -> dict[str, object]:
    return {
        "id": session.public_id,
        "device": session.device,
        "startedAt": session.started_at.isoformat(),
        "lastActiveAt": session.last_seen_at.isoformat(),
        "current": session.digest == current,
    }


@bp.route(route="api/auth/activate", methods=["POST"], auth_level=ANON)
@endpoint
def activate(req: func.HttpRequest) -> func.HttpResponse:
    body = read_json(req)
    signin.spend_verify(bootstrap.deps(), client_address(req))
    credentials.activate(
        bootstrap.deps(), token=body.get("token"), password=body.get("password"), pin=body.get("pin")
    )
    return json_response({"status": "activated"})


@bp.route(route="api/auth/login", methods=["POST"], auth_level=ANON)
@endpoint
def login(req: func.HttpRequest) -> func.HttpResponse:
    body = read_json(req)
    deps = bootstrap.deps()
    signin.spend_verify(deps, client_address(req))
    challenge = signin.start_sign_in(
        deps,
        setting=body.get("setting"),
        email=body.get("email"),
        password=body.get("password"),
        device_token=cookie_value(req, device_cookie_name()),
        browser=browser_of(req),
    )
    return json_response({"challenge": challenge.token, "expiresAt": challenge.expires_at.isoformat()})


@bp.route(route="api/auth/pin", methods=["POST"], auth_level=ANON)
@endpoint
def pin(req: func.HttpRequest) -> func.HttpResponse:
    body = read_json(req)
    deps = bootstrap.deps()
    signin.spend_verify(deps, client_address(req))
    device = browser_of(req)
    done = sign_in_steps.after_pin(deps, challenge=body.get("challenge"), pin=body.get("pin"), device=device)
    # S32, S34: an account with an authenticator (or one that must enrol) has a step to go.
    return factors.next_step(done) if isinstance(done, sign_in_steps.NextStep) else factors.signed_in(done)


@bp.route(route="api/auth/session", methods=["GET"], auth_level=ANON)
@endpoint
def session(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    return json_response(
        {
            "user": _user(who),
            "idleExpiresAt": who.idle_expires_at.isoformat(),
            "absoluteExpiresAt": who.absolute_expires_at.isoformat(),
        }
    )


@bp.route(route="api/auth/logout", methods=["POST"], auth_level=ANON)
@endpoint
def logout(req: func.HttpRequest) -> func.HttpResponse:
    sessions.sign_out(bootstrap.deps(), principal(req))
    return json_response({"status": "signed-out"}, headers={"Set-Cookie": clear_session_cookie()})


@bp.route(route="api/auth/logout-all", methods=["POST"], auth_level=ANON)
@endpoint
def logout_all(req: func.HttpRequest) -> func.HttpResponse:
    ended = sessions.sign_out_everywhere(bootstrap.deps(), principal(req))
    return json_response(
        {"status": "signed-out", "sessionsEnded": ended}, headers={"Set-Cookie": clear_session_cookie()}
    )


@bp.route(route="api/auth/reset", methods=["POST"], auth_level=ANON)
@endpoint
def request_reset(req: func.HttpRequest) -> func.HttpResponse:
    body = read_json(req)
    credentials.request_reset(bootstrap.deps(), setting=body.get("setting"), email=body.get("email"))
    return json_response(
        {"status": "accepted", "message": "If that address has an account here, a reset link is on its way."},
        status=202,
    )


@bp.route(route="api/auth/reset/confirm", methods=["POST"], auth_level=ANON)
@endpoint
def confirm_reset(req: func.HttpRequest) -> func.HttpResponse:
    body = read_json(req)
    signin.spend_verify(bootstrap.deps(), client_address(req))
    credentials.confirm_reset(
        bootstrap.deps(), token=body.get("token"), password=body.get("password"), pin=body.get("pin"),
        device=browser_of(req),
    )  # fmt: skip
    return json_response({"status": "reset", "message": "Your password is changed. Please sign in."})


@bp.route(route="api/auth/password", methods=["POST"], auth_level=ANON)
@endpoint
def change_password(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = read_json(req)
    credentials.change_password(
        bootstrap.deps(), who, current=body.get("currentPassword"), new=body.get("newPassword"),
        device=browser_of(req),
    )  # fmt: skip
    return json_response({"status": "changed"})


@bp.route(route="api/auth/pin/change", methods=["POST"], auth_level=ANON)
@endpoint
def change_pin(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = read_json(req)
    credentials.change_pin(
        bootstrap.deps(),
        who,
        password=body.get("password"),
        new_pin=body.get("newPin"),
        device=browser_of(req),
    )
    return json_response({"status": "changed"})


@bp.route(route="api/auth/sessions", methods=["GET"], auth_level=ANON)
@endpoint
def list_sessions(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    found = sessions.list_sessions(bootstrap.deps(), who)
    return json_response({"sessions": [_session_view(s, who.session_digest) for s in found]})


@bp.route(route="api/auth/sessions/{id}", methods=["DELETE"], auth_level=ANON)
@endpoint
def end_session(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    sessions.end_session(bootstrap.deps(), who, req.route_params.get("id", ""))
    return json_response({"status": "ended"})


@bp.route(route="api/auth/email", methods=["POST"], auth_level=ANON)
@endpoint
def request_email_change(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = read_json(req)
    email_change.request_own(bootstrap.deps(), who, email=body.get("email"), password=body.get("password"))
    return json_response(
        {"status": "pending", "message": "Check the new address: the change needs confirming from there."},
        status=202,
    )


@bp.route(route="api/auth/email/confirm", methods=["POST"], auth_level=ANON)
@endpoint
def confirm_email_change(req: func.HttpRequest) -> func.HttpResponse:
    body = read_json(req)
    email_change.confirm(
        bootstrap.deps(), token=body.get("token"), password=body.get("password"), device=browser_of(req)
    )
    return json_response({"status": "changed", "message": "Your e-mail address is changed. Please sign in."})


@bp.route(route="api/auth/email/object", methods=["POST"], auth_level=ANON)
@endpoint
def object_to_email_change(req: func.HttpRequest) -> func.HttpResponse:
    email_change.object_to(bootstrap.deps(), token=read_json(req).get("token"))
    return json_response(
        {
            "status": "cancelled",
            "message": "The change is cancelled and your account is signed out everywhere.",
        }
    )
