"""The local Functions host, serving a tiny FunctionApp over real loopback HTTP and a real Azurite."""

from __future__ import annotations

import http.client
import json
import logging
import queue
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest
import requests
from azure.core.exceptions import ResourceNotFoundError
from azure.storage.queue import QueueClient, TextBase64DecodePolicy, TextBase64EncodePolicy

from devhost.azurite import Azurite
from devhost.host import LocalHost
from shared.clock import FrozenClock

KEY = "local-master-key-for-tests"
WAIT_SECONDS = 10


@dataclass
class Calls:
    """What the functions saw, in order, for the tests to wait on."""

    seen: queue.Queue[tuple[str, Any]] = field(default_factory=queue.Queue)

    def record(self, name: str, value: Any) -> None:
        self.seen.put((name, value))

    def next(self, name: str, *, seconds: float = WAIT_SECONDS) -> Any:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                seen, value = self.seen.get(timeout=left)
            except queue.Empty:
                break
            if seen == name:
                return value
        raise AssertionError(f"{name} was not called within {seconds} s")


def build_app(calls: Calls, queue_name: str) -> func.FunctionApp:
    bp = func.Blueprint()

    @bp.route(route="children/{child_id}", methods=["GET"])
    def show_child(req: func.HttpRequest) -> func.HttpResponse:
        body = {"child": req.route_params["child_id"], "tag": req.params.get("tag")}
        return func.HttpResponse(
            json.dumps(body), mimetype="application/json", headers={"X-From": "function"}
        )

    @bp.route(route="settings/{*number}", methods=["GET"])
    def show_setting(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(json.dumps({"number": req.route_params.get("number")}))

    @bp.route(route="files/{*rest}", methods=["GET"])
    def show_file(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(req.route_params.get("rest", ""))

    @bp.route(route="echo", methods=["POST"])
    def echo(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(req.get_body(), status_code=201, mimetype="application/octet-stream")

    @bp.route(route="report", methods=["GET"], auth_level=func.AuthLevel.ADMIN)
    def admin_report(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("report")

    @bp.route(route="keyed", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
    def keyed(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("keyed")

    @bp.route(route="boom", methods=["GET"])
    def boom(req: func.HttpRequest) -> func.HttpResponse:
        raise RuntimeError("child 42 is Amelia Smith")  # personal data that must not leave the server

    @bp.timer_trigger(schedule="0 0 2 * * *", arg_name="timer")
    def nightly_purge(timer: func.TimerRequest) -> None:
        calls.record("nightly_purge", timer)

    @bp.queue_trigger(arg_name="msg", queue_name=queue_name, connection="JournalStorage")
    def send_mail(msg: func.QueueMessage) -> None:
        text = msg.get_body().decode()
        calls.record("send_mail", (text, msg.dequeue_count))
        if text.startswith("fail"):
            raise RuntimeError("the mail server said no")

    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    app.register_functions(bp)
    return app


@dataclass
class Running:
    base: str
    calls: Calls
    clock: FrozenClock
    queue_name: str
    host: LocalHost
    http: requests.Session

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.base + path, timeout=5, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.post(self.base + path, timeout=5, **kwargs)


@pytest.fixture
def web_root(tmp_path: Path) -> Path:
    root = tmp_path / "web"
    root.mkdir()
    (root / "index.html").write_text("<!doctype html><title>Journal</title>")
    (root / "app.js").write_text("console.log('journal')")
    (root / ".env").write_text("SECRET=1")
    (tmp_path / "outside.txt").write_text("not for browsers")
    return root


@pytest.fixture
def start(tmp_path: Path, web_root: Path) -> Iterator[Callable[..., Running]]:
    """Start a LocalHost on a free loopback port with the given host.json overrides; stop it afterwards."""
    stops: list[Callable[[], None]] = []

    def start_host(
        *, route_prefix: str = "api", connection_string: str | None = None, encoding: str = "base64"
    ) -> Running:
        host_json = tmp_path / f"host-{len(stops)}.json"
        queues = {"maxPollingInterval": "00:00:00.2", "maxDequeueCount": 3, "messageEncoding": encoding}
        document = {"version": "2.0", "extensions": {"http": {"routePrefix": route_prefix}, "queues": queues}}
        host_json.write_text(json.dumps(document))
        calls, clock = Calls(), FrozenClock(datetime(2026, 3, 10, 1, 59, 59, tzinfo=UTC))
        queue_name = f"devhost-{secrets.token_hex(4)}"
        host = LocalHost(
            build_app(calls, queue_name),
            host_json=host_json,
            master_key=KEY,
            queue_connection_string=connection_string,
            static_root=web_root,
            clock_now=clock.now,
            queue_visibility_timeout=timedelta(seconds=1),
        )
        port, stop = host.start_in_thread()
        stops.append(stop)
        session = requests.Session()
        session.trust_env = False  # loopback only: never through a proxy from the environment
        return Running(f"http://127.0.0.1:{port}", calls, clock, queue_name, host, session)

    yield start_host
    for stop in stops:
        stop()


@pytest.fixture
def running(start: Callable[..., Running]) -> Running:
    return start()


def assert_host_error(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json()["error"]["code"] == code


# -- HTTP functions ----------------------------------------------------------------------------


def test_a_route_parameter_and_query_reach_the_function_and_its_response_comes_back(running: Running) -> None:
    response = running.get("/api/children/child-7", params={"tag": "painting"})
    assert response.status_code == 200
    assert response.json() == {"child": "child-7", "tag": "painting"}
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-From"] == "function"


def test_a_trailing_catch_all_matches_with_and_without_a_value(running: Running) -> None:
    assert running.get("/api/settings/12").json() == {"number": "12"}
    assert running.get("/api/settings").json() == {"number": None}


def test_a_catch_all_parameter_takes_the_rest_of_the_path(running: Running) -> None:
    assert running.get("/api/files/2026/march/painting.jpg").text == "2026/march/painting.jpg"


def test_the_request_body_reaches_the_function_and_the_status_comes_back(running: Running) -> None:
    response = running.post("/api/echo", data=b"\x00binary\xff")
    assert response.status_code == 201
    assert response.content == b"\x00binary\xff"
    assert response.headers["Content-Type"] == "application/octet-stream"


def test_an_unknown_path_gets_404_json(running: Running) -> None:
    assert_host_error(running.get("/api/nothing-here"), 404, "not_found")


def test_a_wrong_method_gets_405_json_with_allow_header(running: Running) -> None:
    response = running.post("/api/children/child-7")
    assert_host_error(response, 405, "method_not_allowed")
    assert response.headers["Allow"] == "GET"


def test_head_is_refused_when_the_trigger_does_not_list_it(running: Running) -> None:
    assert running.http.head(running.base + "/api/children/child-7", timeout=5).status_code == 405


@pytest.mark.parametrize("path", ["/api/report", "/api/keyed"])
def test_admin_and_function_level_routes_need_the_master_key(running: Running, path: str) -> None:
    assert_host_error(running.get(path), 401, "unauthenticated")
    assert_host_error(running.get(path, headers={"x-functions-key": "wrong"}), 401, "unauthenticated")
    assert_host_error(running.get(path, params={"code": KEY[:-1]}), 401, "unauthenticated")
    assert running.get(path, headers={"x-functions-key": KEY}).status_code == 200
    assert running.get(path, params={"code": KEY}).status_code == 200


def test_an_exception_in_a_function_gives_500_with_a_correlation_id_and_no_detail(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="devhost"):
        response = running.get("/api/boom")
    assert_host_error(response, 500, "internal_error")
    correlation_id = response.headers["X-Correlation-Id"]
    assert correlation_id in response.json()["error"]["message"]
    assert "Amelia" not in response.text and "Traceback" not in response.text
    logged = [record for record in caplog.records if correlation_id in record.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info is not None


def test_an_empty_route_prefix_serves_functions_at_the_root(start: Callable[..., Running]) -> None:
    running = start(route_prefix="")
    assert running.get("/children/child-7").json()["child"] == "child-7"
    assert running.get("/").headers["Content-Type"].startswith("text/html")


def test_each_request_is_logged_once_without_its_query_string(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="devhost"):
        running.get("/api/report", params={"code": KEY, "token": "reset-token-123"})
    lines = [record.getMessage() for record in caplog.records if record.name == "devhost"]
    request_lines = [line for line in lines if "/api/report" in line]
    assert len(request_lines) == 1
    assert request_lines[0].startswith("GET /api/report 200 ")
    assert request_lines[0].endswith("ms")
    assert not any(KEY in line or "reset-token" in line or "?" in line for line in lines)


def test_the_host_refuses_to_listen_beyond_loopback(tmp_path: Path) -> None:
    host_json = tmp_path / "host.json"
    host_json.write_text('{"version": "2.0"}')
    host = LocalHost(
        build_app(Calls(), "unused"), host_json=host_json, master_key=KEY, queue_connection_string=None
    )
    with pytest.raises(ValueError, match="loopback"):
        host.serve(host="0.0.0.0")  # noqa: S104 - the point is that it is refused
    host.stop()


# -- static files ------------------------------------------------------------------------------


def test_static_files_are_served_with_their_content_type_and_nosniff(running: Running) -> None:
    index = running.get("/")
    assert index.status_code == 200
    assert index.text.startswith("<!doctype html>")
    assert index.headers["Content-Type"] == "text/html; charset=utf-8"
    assert index.headers["X-Content-Type-Options"] == "nosniff"
    script = running.get("/app.js")
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert script.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/../outside.txt", "/%2e%2e/outside.txt", "/x/../../outside.txt", "/.env"])
def test_static_serving_refuses_to_leave_its_folder_or_show_dotfiles(running: Running, path: str) -> None:
    # http.client sends the path exactly as written; requests would normalise the dot segments away.
    connection = http.client.HTTPConnection(running.base.removeprefix("http://"), timeout=5)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 404
    assert b"not for browsers" not in body and b"SECRET" not in body


def test_static_serving_stays_out_of_the_route_prefix_and_admin(running: Running) -> None:
    assert_host_error(running.get("/api/index.html"), 404, "not_found")
    assert_host_error(running.get("/admin/index.html"), 404, "not_found")


# -- timers and the admin API ------------------------------------------------------------------


def test_a_timer_runs_when_its_schedule_comes_due_and_a_missed_run_is_past_due(running: Running) -> None:
    running.clock.advance(seconds=1)  # 02:00:00 UTC
    assert running.calls.next("nightly_purge").past_due is False
    running.clock.advance(days=3)  # three 02:00s missed: one run, marked past due
    assert running.calls.next("nightly_purge").past_due is True


def test_the_admin_api_runs_a_timer_function_on_demand(running: Running) -> None:
    response = running.post(
        "/admin/functions/nightly_purge", json={"input": ""}, headers={"x-functions-key": KEY}
    )
    assert response.status_code == 202
    assert response.headers["Cache-Control"] == "no-store"
    assert running.calls.next("nightly_purge").past_due is False


def test_the_admin_api_passes_input_to_a_queue_function_as_its_message(running: Running) -> None:
    response = running.post("/admin/functions/send_mail", json={"input": "welcome"}, params={"code": KEY})
    assert response.status_code == 202
    assert running.calls.next("send_mail")[0] == "welcome"


def test_the_admin_api_needs_the_master_key_and_an_existing_function(running: Running) -> None:
    assert_host_error(
        running.post("/admin/functions/nightly_purge", json={"input": ""}), 401, "unauthenticated"
    )
    unknown = running.post(
        "/admin/functions/no_such_thing", json={"input": ""}, headers={"x-functions-key": KEY}
    )
    assert_host_error(unknown, 404, "not_found")
    http_function = running.post("/admin/functions/show_child", json={}, headers={"x-functions-key": KEY})
    assert_host_error(http_function, 404, "not_found")


# -- queues against Azurite --------------------------------------------------------------------


def test_a_base64_queue_message_reaches_the_function_decoded(
    start: Callable[..., Running], azurite: Azurite
) -> None:
    running = start(connection_string=azurite.connection_string)
    sender = QueueClient.from_connection_string(
        azurite.connection_string, running.queue_name, message_encode_policy=TextBase64EncodePolicy()
    )
    wait_for_queue(sender)
    sender.send_message("Welcome to Little Acorns")
    assert running.calls.next("send_mail") == ("Welcome to Little Acorns", 1)
    assert_becomes_empty(sender)


def test_a_message_failing_every_time_lands_in_the_poison_queue_after_max_dequeue_count(
    start: Callable[..., Running], azurite: Azurite
) -> None:
    running = start(connection_string=azurite.connection_string)
    sender = QueueClient.from_connection_string(
        azurite.connection_string, running.queue_name, message_encode_policy=TextBase64EncodePolicy()
    )
    wait_for_queue(sender)
    sender.send_message("fail: no such address")
    tries = [running.calls.next("send_mail")[1] for _ in range(3)]  # maxDequeueCount in host.json
    assert tries == [1, 2, 3]
    poison = QueueClient.from_connection_string(
        azurite.connection_string,
        f"{running.queue_name}-poison",
        message_decode_policy=TextBase64DecodePolicy(),
    )
    parked = eventually(lambda: poison.peek_messages(max_messages=5), ignore=ResourceNotFoundError)
    assert [message.content for message in parked] == ["fail: no such address"]
    assert_becomes_empty(sender)


def test_an_undecodable_message_goes_straight_to_the_poison_queue(
    start: Callable[..., Running], azurite: Azurite
) -> None:
    running = start(connection_string=azurite.connection_string)
    plain = QueueClient.from_connection_string(azurite.connection_string, running.queue_name)
    wait_for_queue(plain)
    plain.send_message("not base64 at all!")
    poison = QueueClient.from_connection_string(azurite.connection_string, f"{running.queue_name}-poison")
    parked = eventually(lambda: poison.peek_messages(max_messages=5), ignore=ResourceNotFoundError)
    assert [message.content for message in parked] == ["not base64 at all!"]
    assert running.calls.seen.empty()


def test_with_message_encoding_none_the_raw_text_reaches_the_function(
    start: Callable[..., Running], azurite: Azurite
) -> None:
    running = start(connection_string=azurite.connection_string, encoding="none")
    plain = QueueClient.from_connection_string(azurite.connection_string, running.queue_name)
    wait_for_queue(plain)
    plain.send_message("aGVsbG8=")  # valid base64, but this host.json says the text is the message
    assert running.calls.next("send_mail") == ("aGVsbG8=", 1)


def wait_for_queue(client: QueueClient) -> None:
    """The poller creates its queue on its first poll; wait for that rather than race it."""
    eventually(lambda: client.get_queue_properties() is not None, ignore=ResourceNotFoundError)


def assert_becomes_empty(client: QueueClient) -> None:
    eventually(lambda: client.get_queue_properties().approximate_message_count == 0)


def eventually(probe: Callable[[], Any], *, ignore: type[Exception] | None = None) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            result = probe()
        except Exception as error:
            if ignore is None or not isinstance(error, ignore) or time.monotonic() > deadline:
                raise
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing came within {WAIT_SECONDS} s")
        time.sleep(0.05)
