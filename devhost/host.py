"""A local Functions host: serves the very FunctionApp that Azure indexes, over werkzeug.

HTTP triggers answer at /{routePrefix}/{route} with Azure's key rules; timer and queue triggers run
in background threads; POST /admin/functions/{name} runs a non-HTTP function on demand, as the real
host's admin API does. Azure Functions Core Tools cannot be installed on our machines, and this keeps
local running independent of it.
"""

from __future__ import annotations

import functools
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import azure.functions as func
from azure.functions.timer import TimerRequest
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge
from werkzeug.serving import BaseWSGIServer
from werkzeug.wrappers import Request, Response

from devhost import serving
from devhost.functions import FunctionIndex, HttpFunction, Indexed, TimerFunction, index, invoke
from devhost.queues import build_pollers
from devhost.responses import accepted, crash, error_response, from_function_response
from devhost.routes import ADMIN_ENDPOINT, build_url_map
from devhost.settings import load_host_json
from devhost.static import static_response
from devhost.timers import TimerScheduler

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

logger = logging.getLogger("devhost")

_KEY_HEADER = "x-functions-key"


class _Request(Request):
    # Azure refuses HTTP request bodies over 100 MB; so does the local host, before reading them.
    max_content_length = 100 * 1024 * 1024


class LocalHost:
    """The Functions host for one FunctionApp: a WSGI application plus background workers."""

    def __init__(
        self,
        app: func.FunctionApp,
        *,
        host_json: Path,
        master_key: str,
        queue_connection_string: str | None,
        static_root: Path | None = None,
        clock_now: Callable[[], datetime] | None = None,
        queue_visibility_timeout: timedelta | None = None,
    ) -> None:
        """Index `app` (its get_functions() runs here, once) and prepare, but not start, the workers.

        `queue_visibility_timeout` overrides host.json's visibilityTimeout: how long a message whose
        function failed stays invisible before its next try.
        """
        if not master_key:
            raise ValueError("the local host needs a master key for function- and admin-level routes")
        self.settings = load_host_json(host_json)
        self.functions: FunctionIndex = index(app)
        self._master_key = master_key.encode()
        self._static_root = static_root
        self._http_functions = {("function", target.name): target for target in self.functions.http}
        self._url_map = build_url_map(self.settings.route_prefix, self.functions.http)
        self._timers = TimerScheduler(self.functions.timers, clock_now or (lambda: datetime.now(UTC)))
        self._pollers = build_pollers(
            self.functions.queues,
            queue_connection_string,
            self.settings,
            retry_delay=queue_visibility_timeout,
        )
        self._on_demand = ThreadPoolExecutor(max_workers=4, thread_name_prefix="devhost-admin")
        self._server: BaseWSGIServer | None = None
        self._server_thread: threading.Thread | None = None
        self._stopped = False
        self._lifecycle = threading.Lock()

    # -- running -----------------------------------------------------------------------------

    def serve(self, host: str = "127.0.0.1", port: int = 7071) -> None:
        """Serve on a loopback address until Ctrl-C, then stop everything."""
        server = self._start(host, port)
        logger.info("local Functions host on http://%s:%d/%s", host, server.port, self.settings.route_prefix)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def start_in_thread(self, port: int = 0) -> tuple[int, Callable[[], None]]:
        """Serve on 127.0.0.1 from a background thread; return the bound port and `stop`."""
        server = self._start("127.0.0.1", port)
        # A short poll interval makes stop() quick, which matters to tests that start many hosts.
        serve = functools.partial(server.serve_forever, poll_interval=0.05)
        self._server_thread = threading.Thread(target=serve, name="devhost-http", daemon=True)
        self._server_thread.start()
        return server.port, self.stop

    def stop(self) -> None:
        """Stop the HTTP server, timers, queue pollers and on-demand runs, waiting for each."""
        with self._lifecycle:
            if self._stopped:
                return
            self._stopped = True
        if self._server is not None:
            # shutdown() waits for serve_forever to return, so only when it runs in another thread.
            if self._server_thread is not None:
                self._server.shutdown()
                self._server_thread.join()
            self._server.server_close()
        self._timers.stop()
        for poller in self._pollers:
            poller.stop()
        self._on_demand.shutdown(wait=True)

    def _start(self, host: str, port: int) -> BaseWSGIServer:
        with self._lifecycle:
            if self._server is not None or self._stopped:
                raise RuntimeError("a LocalHost starts once; build a new one to start again")
            self._server = serving.make_loopback_server(host, port, self)
        self._timers.start()
        for poller in self._pollers:
            poller.start()
        return self._server

    # -- HTTP --------------------------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request = _Request(environ)
        try:
            response = self._respond(request)
        except Exception:
            response = crash("the local host")
        # One line per request. The query string is left out because it can carry keys (`code`)
        # and tokens; the path is re-quoted so that a crafted path cannot forge log lines.
        logger.info(
            "%s %s %d %.1fms",
            request.method,
            quote(request.path, safe="/@:!$&'()*+,;=~"),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        try:
            endpoint, values = self._url_map.bind("localhost").match(request.path, method=request.method)
        except MethodNotAllowed as refused:
            allowed = ", ".join(sorted(refused.valid_methods or []))
            message = f"{request.method} is not allowed here"
            return error_response(405, "method_not_allowed", message, headers={"Allow": allowed})
        except HTTPException:
            return self._static_or_not_found(request)
        if endpoint == ADMIN_ENDPOINT:
            return self._run_on_demand(request, str(values["name"]))
        return self._call_http_function(request, self._http_functions[endpoint], values)

    def _call_http_function(
        self, request: Request, target: HttpFunction, route: Mapping[str, Any]
    ) -> Response:
        if _needs_key(target.trigger.auth_level) and not self._has_master_key(request):
            return error_response(401, "unauthenticated", "this function needs a key (x-functions-key)")
        try:
            body = request.get_data(cache=False)
        except RequestEntityTooLarge:
            return error_response(413, "payload_too_large", "request bodies are limited to 100 MB")
        http_request = func.HttpRequest(
            method=request.method,
            url=request.url,
            headers=_with_client_address(request),
            params=request.args.to_dict(),
            route_params={name: str(value) for name, value in route.items()},
            body=body,
        )
        try:
            result = invoke(target, http_request)
        except Exception:
            return crash(f"function {target.name}")
        if isinstance(result, str):  # the worker turns a returned string into a 200 text response
            result = func.HttpResponse(result)
        if not isinstance(result, func.HttpResponse):
            logger.error("function %s returned %s, not an HttpResponse", target.name, type(result).__name__)
            return crash(f"function {target.name}", log_traceback=False)
        return from_function_response(result)

    def _static_or_not_found(self, request: Request) -> Response:
        if (
            self._static_root is not None
            and request.method in {"GET", "HEAD"}
            and self._may_be_static(request.path)
        ):
            found = static_response(self._static_root, request.path, request.environ)
            if found is not None:
                return found
        return error_response(404, "not_found", "nothing is served at this address")

    def _may_be_static(self, path: str) -> bool:
        prefix = self.settings.route_prefix
        reserved = ["/admin"] + ([f"/{prefix}"] if prefix else [])
        return not any(path == start or path.startswith(start + "/") for start in reserved)

    def _has_master_key(self, request: Request) -> bool:
        offered = request.headers.get(_KEY_HEADER) or request.args.get("code") or ""
        return hmac.compare_digest(offered.encode("utf-8", "replace"), self._master_key)

    # -- admin API: run a non-HTTP function on demand ------------------------------------------

    def _run_on_demand(self, request: Request, name: str) -> Response:
        if not self._has_master_key(request):
            return error_response(401, "unauthenticated", "the admin API needs the master key")
        target = self.functions.triggerable(name)
        if target is None:
            return error_response(404, "not_found", f"there is no timer or queue function named {name!r}")
        try:
            payload = json.loads(request.get_data(cache=False) or b"{}")
        except (ValueError, RequestEntityTooLarge):
            return error_response(400, "invalid_input", 'the body must be JSON like {"input": "..."}')
        given = payload.get("input", "") if isinstance(payload, dict) else None
        if not isinstance(given, str):
            return error_response(400, "invalid_input", '"input" must be a string')
        value = (
            TimerRequest(past_due=False)
            if isinstance(target, TimerFunction)
            else func.QueueMessage(body=given)
        )
        # Azure answers 202 at once and runs the function afterwards; so does this host.
        self._on_demand.submit(_run_and_log, target, value)
        return accepted()


def _needs_key(level: object) -> bool:
    # A trigger without a level (in an app without a default) is FUNCTION level in Azure.
    return level != func.AuthLevel.ANONYMOUS


def _run_and_log(target: Indexed, value: object) -> None:
    try:
        invoke(target, value)
    except Exception:
        logger.exception("on-demand run of %s failed", target.name)
    else:
        logger.info("on-demand run of %s finished", target.name)


def _with_client_address(request: Request) -> dict[str, str]:
    """The request's headers with X-Forwarded-For set from the socket, as Azure's front end sets
    it for the app (S10's per-client budget reads its first entry). The host listens on loopback
    only, so a value already present came from a local proxy or test driver standing in for that
    front end and is kept."""
    headers = dict(request.headers)
    if not headers.get("X-Forwarded-For"):
        headers["X-Forwarded-For"] = request.remote_addr or "unknown"
    return headers
