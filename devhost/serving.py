"""werkzeug's threaded server, bound to loopback only and without its own request log."""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING, Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

logger = logging.getLogger("devhost")


class _QuietRequestHandler(WSGIRequestHandler):
    """werkzeug logs every request line, query string included; the host logs its own line instead."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log_error(self, format: str, *args: Any) -> None:
        # The arguments can hold the raw request line, and with it a key in the query string.
        logger.warning("the HTTP server refused a malformed request")


def make_loopback_server(host: str, port: int, app: WSGIApplication) -> BaseWSGIServer:
    """A threaded server on a loopback address; anything else is refused with ValueError."""
    if not _is_loopback(host):
        raise ValueError(f"the local host binds loopback addresses only, not {host!r}")
    return make_server(host, port, app, threaded=True, request_handler=_QuietRequestHandler)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
