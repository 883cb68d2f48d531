"""The edge's one error shape (S30), security headers (S20) and CSRF check (S19), called directly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import azure.functions as func
import pytest

from functions.http import LOCAL_COOKIE, endpoint, json_response, read_json
from shared import bootstrap
from shared.config import load_config
from shared.domain.errors import TooManyAttempts


@pytest.fixture(autouse=True)
def local_config(tmp_path: Path) -> Iterator[None]:
    config = load_config({"JOURNAL_ENVIRONMENT": "local", "JOURNAL_VAR_DIR": str(tmp_path)})
    bootstrap.use(None, None, config=config)  # type: ignore[arg-type]
    yield
    bootstrap.reset()


def request(body: bytes = b"{}", content_type: str = "application/json", **headers: str) -> func.HttpRequest:
    return func.HttpRequest(
        "POST", "http://127.0.0.1:7071/api/x", headers={"Content-Type": content_type, **headers}, body=body
    )


@endpoint
def echo(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(read_json(req))


def error_of(response: func.HttpResponse) -> dict[str, str]:
    return dict(json.loads(response.get_body())["error"])


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "invalid_input"),
        (b"[1, 2]", "application/json", 400, "invalid_input"),
        (b"\xff\xfe", "application/json", 400, "invalid_input"),
        (b"name=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b"{" + b" " * 70_000 + b"}", "application/json", 413, "payload_too_large"),
    ],
)
def test_s30_bad_bodies_get_a_clear_json_error(
    body: bytes, content_type: str, status: int, code: str
) -> None:
    response = echo(request(body, content_type))
    assert response.status_code == status
    assert error_of(response)["code"] == code
    assert response.mimetype == "application/json"


def test_s30_an_unexpected_error_is_a_500_with_a_correlation_id_and_no_internals(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @endpoint
    def broken(req: func.HttpRequest) -> func.HttpResponse:
        raise KeyError("PartitionKey secret-internal-detail")

    response = broken(request())
    error = error_of(response)
    assert response.status_code == 500
    assert "secret-internal-detail" not in response.get_body().decode()
    assert "Traceback" not in response.get_body().decode()
    assert error["correlationId"] in caplog.text  # the log line carries the same id


def test_s10_too_many_attempts_carries_retry_after() -> None:
    @endpoint
    def throttled(req: func.HttpRequest) -> func.HttpResponse:
        raise TooManyAttempts("wait", retry_after=8)

    response = throttled(request())
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "8"


def test_s19_a_state_change_from_another_origin_is_refused_before_the_handler_runs() -> None:
    calls = []

    @endpoint
    def change(req: func.HttpRequest) -> func.HttpResponse:
        calls.append(req)
        return json_response({})

    assert change(request(Origin="https://evil.example")).status_code == 403
    assert calls == []
    assert change(request(Origin="http://localhost:7071")).status_code == 200


COOKIE = f"{LOCAL_COOKIE}=a-session-token"


@pytest.mark.parametrize(
    "headers",
    [
        {},  # neither Origin nor Sec-Fetch-Site
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "null"},
    ],
)
def test_s19_a_cookie_carrying_change_without_proof_of_our_origin_is_refused(headers: dict[str, str]) -> None:
    calls = []

    @endpoint
    def change(req: func.HttpRequest) -> func.HttpResponse:
        calls.append(req)
        return json_response({})

    response = change(request(Cookie=COOKIE, **headers))
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert calls == []


@pytest.mark.parametrize("headers", [{"Origin": "http://localhost:7071"}, {"Sec-Fetch-Site": "same-origin"}])
def test_s19_a_cookie_carrying_change_from_our_own_pages_goes_through(headers: dict[str, str]) -> None:
    assert echo(request(Cookie=COOKIE, **headers)).status_code == 200


def test_s19_a_change_without_a_session_cookie_needs_no_origin() -> None:
    assert echo(request()).status_code == 200
    assert echo(request(Cookie="unrelated=1")).status_code == 200


def test_s19_safe_methods_with_a_cookie_need_no_origin() -> None:
    get = func.HttpRequest("GET", "http://127.0.0.1:7071/api/x", headers={"Cookie": COOKIE}, body=b"")
    assert endpoint(lambda req: json_response({}))(get).status_code == 200


def test_s20_every_response_has_nosniff_and_no_store_even_errors() -> None:
    for response in (echo(request()), echo(request(b"{bad"))):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in response.headers  # plain http locally


def test_s20_hsts_is_sent_when_served_over_https(tmp_path: Path) -> None:
    config = load_config(
        {
            "JOURNAL_ENVIRONMENT": "local",
            "JOURNAL_VAR_DIR": str(tmp_path),
            "JOURNAL_PUBLIC_BASE_URL": "https://journal.example",
        }
    )
    bootstrap.use(None, None, config=config)  # type: ignore[arg-type]
    max_age = echo(request(Origin="https://journal.example")).headers["Strict-Transport-Security"]
    assert int(max_age.split("max-age=")[1].split(";")[0]) >= 365 * 24 * 3600
