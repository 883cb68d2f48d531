"""Strong sign-in: the code and enrolment steps of sign-in (/api/auth/...), step-up and a
person's own factors (/api/account/...). Each function does one operation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions.forms import Body
from functions.http import (
    browser_of,
    device_cookie,
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
    from shared.services import (
        authenticator,
        own_factors,
        recovery_codes,
        sign_in_reset,
        sign_in_steps,
        step_up,
    )
    from shared.services.authenticator import Enrolment
    from shared.services.signin import SignedIn
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    throttle = OnFirstUse("shared.domain.throttle")
    authenticator = OnFirstUse("shared.services.authenticator")
    own_factors = OnFirstUse("shared.services.own_factors")
    recovery_codes = OnFirstUse("shared.services.recovery_codes")
    sign_in_reset = OnFirstUse("shared.services.sign_in_reset")
    sign_in_steps = OnFirstUse("shared.services.sign_in_steps")
    step_up = OnFirstUse("shared.services.step_up")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS


def _body(req: func.HttpRequest, *keys: str) -> Body:
    return Body(read_json(req), known=keys)


def signed_in(done: SignedIn, extra: dict[str, object] | None = None) -> func.HttpResponse:
    """The answer that ends a sign-in: who signed in, and the session and device cookies."""
    account = done.account
    user = {"id": account.user_id, "name": account.name, "role": account.role.value,
            "setting": account.setting_id}  # fmt: skip
    response = json_response({"user": user, **(extra or {})})
    response.headers.add(
        "Set-Cookie", session_cookie(done.token, bootstrap.config().session_absolute_seconds)
    )
    response.headers.add("Set-Cookie", device_cookie(done.device_token, throttle.DEVICE_COOKIE_SECONDS))
    return response


def next_step(step: sign_in_steps.NextStep) -> func.HttpResponse:
    """The PIN step's answer when a code or enrolment comes next (S32, S34)."""
    body: dict[str, object] = {
        "next": step.kind,
        "challenge": step.token,
        "expiresAt": step.expires_at.isoformat(),
    }
    if step.methods:
        body["methods"] = list(step.methods)
    if step.enrol_by is not None:
        body["enrolBy"] = step.enrol_by.isoformat()
        body["canSkip"] = step.can_skip
    return json_response(body)


def _enrolment(found: Enrolment) -> func.HttpResponse:
    return json_response({"secret": found.secret, "uri": found.uri, "qrSvg": found.qr_svg})


@bp.route(route="api/auth/code", methods=["POST"], auth_level=ANON)
@endpoint
def sign_in_code(req: func.HttpRequest) -> func.HttpResponse:
    body = _body(req, "challenge", "code", "recoveryCode")
    done = sign_in_steps.complete_with_code(
        bootstrap.deps(),
        challenge=body.text("challenge"),
        code=body.text("code"),
        recovery_code=body.text("recoveryCode"),
    )
    return signed_in(done)


@bp.route(route="api/auth/enrol/authenticator", methods=["POST"], auth_level=ANON)
@endpoint
def sign_in_enrol_begin(req: func.HttpRequest) -> func.HttpResponse:
    body = _body(req, "challenge")
    return _enrolment(sign_in_steps.begin_enrolment(bootstrap.deps(), challenge=body.text("challenge")))


@bp.route(route="api/auth/enrol/authenticator/confirm", methods=["POST"], auth_level=ANON)
@endpoint
def sign_in_enrol_confirm(req: func.HttpRequest) -> func.HttpResponse:
    body = _body(req, "challenge", "code")
    done, codes = sign_in_steps.confirm_enrolment(
        bootstrap.deps(), challenge=body.text("challenge"), code=body.text("code")
    )
    return signed_in(done, {"recoveryCodes": codes})


@bp.route(route="api/auth/enrol/skip", methods=["POST"], auth_level=ANON)
@endpoint
def sign_in_enrol_skip(req: func.HttpRequest) -> func.HttpResponse:
    body = _body(req, "challenge")
    return signed_in(sign_in_steps.skip_enrolment(bootstrap.deps(), challenge=body.text("challenge")))


@bp.route(route="api/account/factors", methods=["GET"], auth_level=ANON)
@endpoint
def my_factors(req: func.HttpRequest) -> func.HttpResponse:
    found = own_factors.view(bootstrap.deps(), principal(req))
    added = found.authenticator_added_at
    return json_response(
        {
            "authenticator": {
                "enrolled": found.authenticator,
                "addedAt": added.isoformat() if added else None,
                "locked": found.codes_locked,
            },
            "recoveryCodesLeft": found.recovery_codes_left,
            "passkeys": found.passkeys,
            "stepUpMethod": found.step_up_method.value,
            "strongSignIn": {
                "required": found.required,
                "enrolBy": found.enrol_by.isoformat() if found.enrol_by else None,
            },
            "reset": None
            if found.reset is None
            else {
                "askedAt": found.reset.asked_at.isoformat(),
                "askedBy": found.reset.asked_by_name,
                "takesEffectAt": found.reset.takes_effect_at.isoformat(),
            },
        }
    )


@bp.route(route="api/account/sign-in-reset", methods=["DELETE"], auth_level=ANON)
@endpoint
def cancel_my_sign_in_reset(req: func.HttpRequest) -> func.HttpResponse:
    sign_in_reset.cancel_own(bootstrap.deps(), principal(req))
    return json_response({"status": "cancelled"})


@bp.route(route="api/account/step-up", methods=["POST"], auth_level=ANON)
@endpoint
def step_up_now(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = _body(req, "method", "password", "code", "recoveryCode")
    proof: dict[str, object] = {key: body.text(key) for key in ("password", "code", "recoveryCode")}
    proof["device"] = browser_of(req)  # named in the notice a recovery code sends (S36)
    until = step_up.step_up(bootstrap.deps(), who, method=body.text("method"), proof=proof)
    return json_response({"status": "confirmed", "validUntil": until.isoformat()})


@bp.route(route="api/account/authenticator", methods=["POST"], auth_level=ANON)
@endpoint
def add_authenticator(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    return _enrolment(own_factors.begin_authenticator(bootstrap.deps(), who))


@bp.route(route="api/account/authenticator/confirm", methods=["POST"], auth_level=ANON)
@endpoint
def confirm_authenticator(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    code = _body(req, "code").text("code")
    codes = own_factors.confirm_authenticator(bootstrap.deps(), who, code, device=browser_of(req))
    return json_response({"status": "added", "recoveryCodes": codes})


@bp.route(route="api/account/authenticator", methods=["DELETE"], auth_level=ANON)
@endpoint
def remove_authenticator(req: func.HttpRequest) -> func.HttpResponse:
    authenticator.remove(bootstrap.deps(), principal(req), device=browser_of(req))
    return json_response({"status": "removed"})


@bp.route(route="api/account/recovery-codes", methods=["POST"], auth_level=ANON)
@endpoint
def new_recovery_codes(req: func.HttpRequest) -> func.HttpResponse:
    codes = recovery_codes.regenerate(bootstrap.deps(), principal(req))
    return json_response({"recoveryCodes": codes})
