"""The edge's shared rules: JSON in and out, one error shape, security headers, cookies, CSRF.

Every HTTP function is wrapped by `endpoint`, so a domain error becomes the same JSON shape with
the right status everywhere, and nothing internal reaches a response (S30).
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import azure.functions as func

from functions.on_first_use import OnFirstUse
from shared.domain import errors

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain import devices
    from shared.domain.people import Principal
    from shared.services import sessions
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    devices = OnFirstUse("shared.domain.devices")
    sessions = OnFirstUse("shared.services.sessions")

log = logging.getLogger("journal")

MAX_JSON_BYTES = 64 * 1024
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# S19: the __Host- prefix pins the cookie to this origin, path / and Secure.
SECURE_COOKIE = "__Host-journal-session"
LOCAL_COOKIE = "journal-session"
SECURE_DEVICE_COOKIE = "__Host-journal-device"
LOCAL_DEVICE_COOKIE = "journal-device"
CROSS_SITE = "This request came from another site and was refused."

STATUS: Mapping[type[errors.JournalError], int] = {
    errors.InvalidInput: 400,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.ConcurrencyConflict: 409,
    errors.PreconditionFailed: 412,
    errors.PreconditionRequired: 428,
    errors.PayloadTooLarge: 413,
    errors.UnsupportedMediaType: 415,
    errors.TooManyAttempts: 429,
    errors.StorageUnavailable: 503,
}

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

Handler = Callable[[func.HttpRequest], func.HttpResponse]


def endpoint(handler: Handler) -> Handler:
    """Wrap an HTTP function: CSRF check, domain errors to JSON, no internals, security headers."""

    @functools.wraps(handler)
    def wrapped(req: func.HttpRequest) -> func.HttpResponse:
        try:
            _check_origin(req)
            response = handler(req)
        except errors.JournalError as error:
            response = error_response(error)
        except Exception:
            correlation = secrets.token_hex(8)
            log.exception("unexpected error, correlation id %s", correlation)
            response = json_response(
                {"error": {"code": "internal", "message": "Something went wrong on our side.",
                           "correlationId": correlation}},
                status=500,
            )  # fmt: skip
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if _served_over_https():
            response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return response

    return wrapped


def _served_over_https() -> bool:
    try:
        return bootstrap.config().public_base_url.startswith("https://")
    except errors.JournalError:  # misconfigured: the response is already an error
        return False


def error_response(error: errors.JournalError) -> func.HttpResponse:
    status = next((code for cls, code in STATUS.items() if isinstance(error, cls)), 500)
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.field:
        body["field"] = error.field
    headers = {}
    if isinstance(error, errors.TooManyAttempts):
        headers["Retry-After"] = str(error.retry_after)
    if status == 500:
        body = {"code": "internal", "message": "Something went wrong on our side."}
    return json_response({"error": body}, status=status, headers=headers)


def json_response(
    body: object, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps(body, separators=(",", ":")),
        status_code=status,
        mimetype="application/json",
        charset="utf-8",
        headers=dict(headers or {}),
    )


def read_json(req: func.HttpRequest) -> dict[str, Any]:
    """The request's JSON object, or a 400/413/415 that says what is wrong with it."""
    body = req.get_body() or b""
    if len(body) > MAX_JSON_BYTES:
        raise errors.PayloadTooLarge(f"The request body is larger than {MAX_JSON_BYTES // 1024} KiB.")
    content_type = (req.headers.get("Content-Type") or "application/json").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise errors.UnsupportedMediaType("Send the request body as application/json.")
    try:
        parsed = json.loads(body.decode("utf-8")) if body else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise errors.InvalidInput("The request body is not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise errors.InvalidInput("The request body must be a JSON object.")
    return parsed


def _check_origin(req: func.HttpRequest) -> None:
    """CSRF defence for state-changing requests (S19), on top of SameSite=Strict cookies.

    A request that carries the session cookie must show it comes from our own pages: an Origin of
    our own, or (for a browser that sends no Origin) Sec-Fetch-Site: same-origin. Missing both is
    refused too, since a cookie is only ever sent by a browser and every current browser sends one
    of them. Without a session cookie there is no ambient authority to abuse, so only a foreign
    Origin is refused (sign-in, links and platform calls from non-browser clients keep working).
    """
    if req.method.upper() not in UNSAFE_METHODS:
        return
    origin = req.headers.get("Origin")
    ours = bootstrap.config().public_origin
    if origin is not None and origin != ours:
        raise errors.Forbidden(CROSS_SITE)
    if session_token(req) is None:
        return
    same_site = (req.headers.get("Sec-Fetch-Site") or "").strip().lower() == "same-origin"
    if origin != ours and not same_site:
        raise errors.Forbidden(CROSS_SITE)


def cookie_name() -> str:
    return SECURE_COOKIE if bootstrap.config().secure_cookies else LOCAL_COOKIE


def session_cookie(token: str, max_age: int) -> str:
    secure = "; Secure" if bootstrap.config().secure_cookies else ""
    return f"{cookie_name()}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"


def clear_session_cookie() -> str:
    return session_cookie("", 0)


def session_token(req: func.HttpRequest) -> str | None:
    header = req.headers.get("Cookie") or ""
    name = cookie_name()
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def client_address(req: func.HttpRequest) -> str:
    """The caller's address as the platform reports it: the first entry of X-Forwarded-For, which
    Azure's front end sets to the client it accepted the connection from (the local host sets it
    from the socket). Without one, every such request shares one budget: safe, never bypassed."""
    forwarded = (req.headers.get("X-Forwarded-For") or "").split(",")[0].strip()
    # Azure may add the client's port ("203.0.113.7:51234"); the address alone is the client.
    if forwarded.count(":") == 1:
        forwarded = forwarded.split(":")[0]
    return forwarded[:64] or "unknown"


def browser_of(req: func.HttpRequest) -> str:
    """How the asking browser describes itself: shown in the sessions list and named in the
    owner's security notices (S36)."""
    return devices.describe_device(req.headers.get("User-Agent"))


def device_cookie_name() -> str:
    return SECURE_DEVICE_COOKIE if bootstrap.config().secure_cookies else LOCAL_DEVICE_COOKIE


def device_cookie(token: str, max_age: int) -> str:
    """S10: the long-lived device cookie of a browser that completed sign-in."""
    secure = "; Secure" if bootstrap.config().secure_cookies else ""
    return f"{device_cookie_name()}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"


def cookie_value(req: func.HttpRequest, name: str) -> str | None:
    for part in (req.headers.get("Cookie") or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def principal(req: func.HttpRequest) -> Principal:
    """The signed-in caller, checked against storage on this request; 401 otherwise."""
    return sessions.authenticate(bootstrap.deps(), session_token(req))
