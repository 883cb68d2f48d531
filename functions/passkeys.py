"""Passkeys and trusted devices: /api/auth/passkey*, /api/auth/not-me and /api/account/*.

Each function parses the request, calls one use case in shared/services/passkeys.py or
shared/services/devices.py, and turns the result into JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions.forms import Body
from functions.http import (
    browser_of,
    client_address,
    cookie_value,
    device_cookie,
    device_cookie_name,
    endpoint,
    json_response,
    principal,
    read_json,
    session_cookie,
)
from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain import throttle
    from shared.domain.passkeys import Passkey
    from shared.services import devices, passkeys
    from shared.services.passkeys import Ceremony
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    throttle = OnFirstUse("shared.domain.throttle")
    devices = OnFirstUse("shared.services.devices")
    passkeys = OnFirstUse("shared.services.passkeys")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS


def _ceremony(ceremony: Ceremony) -> func.HttpResponse:
    return json_response(
        {
            "options": ceremony.options,
            "attempt": ceremony.attempt,
            "expiresAt": ceremony.expires_at.isoformat(),
        }
    )


def _passkey_view(passkey: Passkey) -> dict[str, object]:
    return {
        "id": passkey.public_id,
        "name": passkey.name,
        "createdAt": passkey.created_at.isoformat(),
        "lastUsedAt": passkey.last_used_at.isoformat() if passkey.last_used_at else None,
    }


def _assertion(req: func.HttpRequest) -> tuple[object, object]:
    body = read_json(req)
    Body(body, known=("attempt", "credential"))
    return body.get("attempt"), body.get("credential")


# -- signing in with a passkey ----------------------------------------------------------------------


@bp.route(route="api/auth/passkey/options", methods=["POST"], auth_level=ANON)
@endpoint
def passkey_sign_in_options(req: func.HttpRequest) -> func.HttpResponse:
    return _ceremony(passkeys.sign_in_options(bootstrap.deps(), client_address(req)))


@bp.route(route="api/auth/passkey", methods=["POST"], auth_level=ANON)
@endpoint
def passkey_sign_in(req: func.HttpRequest) -> func.HttpResponse:
    attempt, credential = _assertion(req)
    deps = bootstrap.deps()
    done = passkeys.sign_in(deps, attempt=attempt, credential=credential, device=browser_of(req),
                            device_token=cookie_value(req, device_cookie_name()))  # fmt: skip
    user = {"id": done.account.user_id, "name": done.account.name, "role": done.account.role.value,
            "setting": done.account.setting_id}  # fmt: skip
    response = json_response({"user": user})
    response.headers.add("Set-Cookie", session_cookie(done.token, deps.config.session_absolute_seconds))
    response.headers.add("Set-Cookie", device_cookie(done.device_token, throttle.DEVICE_COOKIE_SECONDS))
    return response


@bp.route(route="api/auth/not-me", methods=["POST"], auth_level=ANON)
@endpoint
def not_me(req: func.HttpRequest) -> func.HttpResponse:
    body = read_json(req)
    ended = devices.sign_out_everywhere_from_link(
        bootstrap.deps(), Body(body, known=("token",)).text("token")
    )
    message = "Your account is signed out everywhere. Now ask for a password reset."
    return json_response({"status": "signed-out", "sessionsEnded": ended, "message": message})


# -- My account: passkeys ---------------------------------------------------------------------------


@bp.route(route="api/account/passkeys", methods=["GET"], auth_level=ANON)
@endpoint
def list_passkeys(req: func.HttpRequest) -> func.HttpResponse:
    found = passkeys.list_passkeys(bootstrap.deps(), principal(req))
    return json_response({"passkeys": [_passkey_view(p) for p in found]})


@bp.route(route="api/account/passkeys/options", methods=["POST"], auth_level=ANON)
@endpoint
def passkey_registration_options(req: func.HttpRequest) -> func.HttpResponse:
    return _ceremony(passkeys.registration_options(bootstrap.deps(), principal(req)))


@bp.route(route="api/account/passkeys", methods=["POST"], auth_level=ANON)
@endpoint
def add_passkey(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = read_json(req)
    name = Body(body, known=("attempt", "credential", "name")).text("name")
    added = passkeys.register(
        bootstrap.deps(), who, attempt=body.get("attempt"), credential=body.get("credential"), name=name,
        device=browser_of(req),
    )  # fmt: skip
    answer: dict[str, object] = {"passkey": _passkey_view(added.passkey)}
    if added.recovery_codes:  # shown once, with the first strong factor (S33)
        answer["recoveryCodes"] = added.recovery_codes
    return json_response(answer, status=201)


@bp.route(route="api/account/passkeys/{id}", methods=["PATCH"], auth_level=ANON)
@endpoint
def rename_passkey(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    name = Body(read_json(req), known=("name",)).text("name")
    renamed = passkeys.rename(bootstrap.deps(), who, req.route_params.get("id", ""), name)
    return json_response({"passkey": _passkey_view(renamed)})


@bp.route(route="api/account/passkeys/{id}", methods=["DELETE"], auth_level=ANON)
@endpoint
def remove_passkey(req: func.HttpRequest) -> func.HttpResponse:
    passkeys.remove(bootstrap.deps(), principal(req), req.route_params.get("id", ""), browser_of(req))
    return json_response({"status": "removed"})


# -- My account: step-up ----------------------------------------------------------------------------


@bp.route(route="api/account/passkeys/step-up/options", methods=["POST"], auth_level=ANON)
@endpoint
def step_up_options(req: func.HttpRequest) -> func.HttpResponse:
    return _ceremony(passkeys.step_up_options(bootstrap.deps(), principal(req)))


@bp.route(route="api/account/passkeys/step-up", methods=["POST"], auth_level=ANON)
@endpoint
def step_up(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    deps = bootstrap.deps()
    body = read_json(req)
    Body(body, known=("attempt", "credential"))  # a password or code goes to /api/account/step-up
    passkeys.verify_for_step_up(deps, who, attempt=body.get("attempt"), credential=body.get("credential"))
    until = passkeys.fresh_until(deps, who)
    return json_response({"status": "verified", "freshUntil": until.isoformat() if until else None})


# -- My account: devices ----------------------------------------------------------------------------


@bp.route(route="api/account/devices", methods=["GET"], auth_level=ANON)
@endpoint
def list_devices(req: func.HttpRequest) -> func.HttpResponse:
    found = devices.list_devices(bootstrap.deps(), principal(req), cookie_value(req, device_cookie_name()))
    return json_response(
        {
            "devices": [
                {
                    "id": d.public_id,
                    "name": d.label,
                    "firstSeenAt": d.first_seen_at.isoformat() if d.first_seen_at else None,
                    "lastSeenAt": d.last_seen_at.isoformat() if d.last_seen_at else None,
                    "current": d.current,
                }
                for d in found
            ]
        }
    )


@bp.route(route="api/account/devices/{id}", methods=["DELETE"], auth_level=ANON)
@endpoint
def forget_device(req: func.HttpRequest) -> func.HttpResponse:
    devices.forget_device(bootstrap.deps(), principal(req), req.route_params.get("id", ""))
    return json_response({"status": "forgotten"})
