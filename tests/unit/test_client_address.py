"""S10's per-client budget keys on the client address as the platform reports it."""

from __future__ import annotations

import azure.functions as func
from werkzeug.test import EnvironBuilder

from devhost.host import _with_client_address
from functions.http import client_address


def _request(headers: dict[str, str]) -> func.HttpRequest:
    return func.HttpRequest("POST", "http://127.0.0.1/api/auth/login", headers=headers, body=b"")


def test_s10_the_client_is_the_first_entry_of_x_forwarded_for_without_its_port() -> None:
    assert client_address(_request({"X-Forwarded-For": "203.0.113.7:51234, 10.0.0.4"})) == "203.0.113.7"
    assert client_address(_request({"X-Forwarded-For": "2001:db8::1"})) == "2001:db8::1"
    assert client_address(_request({})) == "unknown"


def test_s10_the_local_host_sets_x_forwarded_for_from_the_socket() -> None:
    builder = EnvironBuilder(path="/api/auth/login", environ_base={"REMOTE_ADDR": "127.0.0.9"})
    request = builder.get_request()
    assert _with_client_address(request)["X-Forwarded-For"] == "127.0.0.9"
