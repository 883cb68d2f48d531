"""Responses the host makes itself, and the conversion of a function's HttpResponse."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping

import azure.functions as func
from werkzeug.wrappers import Response

logger = logging.getLogger("devhost")

HOST_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def error_response(
    status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None
) -> Response:
    """The project's one error shape, with the headers every host-made response carries."""
    body = json.dumps({"error": {"code": code, "message": message}})
    return Response(
        body, status=status, mimetype="application/json", headers={**HOST_HEADERS, **(headers or {})}
    )


def accepted() -> Response:
    return Response(status=202, headers=HOST_HEADERS)


def crash(where: str, *, log_traceback: bool = True) -> Response:
    """A 500 whose correlation id ties the client's report to the traceback in the log, never in the body."""
    correlation_id = secrets.token_hex(8)
    if log_traceback:
        logger.exception("%s failed; correlation id %s", where, correlation_id)
    else:
        logger.error("%s failed; correlation id %s", where, correlation_id)
    message = f"something went wrong; quote correlation id {correlation_id}"
    return error_response(500, "internal_error", message, headers={"X-Correlation-Id": correlation_id})


def from_function_response(result: func.HttpResponse) -> Response:
    """The function's response as it is, without host headers: they would hide headers a function forgot."""
    response = Response(result.get_body(), status=result.status_code)
    del response.headers["Content-Type"]
    for name, value in result.headers.items():
        response.headers.add(name, value)
    if "Content-Type" not in response.headers:
        # As the Python worker does: the charset is added for text types only.
        mimetype = str(result.mimetype)
        text = mimetype.startswith("text/")
        response.headers["Content-Type"] = f"{mimetype}; charset={result.charset}" if text else mimetype
    return response
