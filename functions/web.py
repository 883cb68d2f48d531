"""The web client: GET {*path} serves web/ from the Function App itself, on the API's own origin.

One origin means the session cookie can stay SameSite=Strict and HttpOnly, the CSP can say 'self',
and there is no CORS to get wrong. Azure matches literal routes (api/...) before this catch-all,
and so does the local host; an api/ path that still lands here is an API route that does not exist.

The client routes with the history API, so every page-like path (no file suffix) is index.html: a
reload or a bookmark of /manage/staff or /children/abc opens the app, which draws that screen. The
Functions host answers /admin/* and /runtime/* itself before any function sees them, so no client
route may live there (web/app.js keeps managers' screens under /manage).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import azure.functions as func

from functions.http import endpoint
from functions.on_first_use import OnFirstUse
from shared.domain import errors

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.config import StorageConfig
else:
    bootstrap = OnFirstUse("shared.bootstrap")

bp = func.Blueprint()

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"
INDEX = "index.html"
# Fixed here, not left to mimetypes: with nosniff a wrong type for a script or style sheet breaks
# the page, and anything else in web/ is not meant to be served. The worker adds "; charset=utf-8"
# to text types itself.
CONTENT_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
}
# The local emulator's blob endpoint (UseDevelopmentStorage=true).
AZURITE_BLOB_ORIGIN = "http://127.0.0.1:10000"


class NoSuchApi(errors.NotFound):
    """An api/ address that no function serves (yet)."""

    code = "no_such_api"


@bp.route(route="{*path}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def web_client(req: func.HttpRequest) -> func.HttpResponse:
    path = req.route_params.get("path") or ""
    if _reserved(path):
        raise NoSuchApi("There is nothing at this address.")
    file = find_file(WEB_ROOT, path)
    content_type = CONTENT_TYPES[file.suffix]
    html = file.suffix == ".html"
    headers = {
        "Content-Security-Policy": content_security_policy(_blob_origin()),
        # Pages can hold a child's details once rendered: never keep them. Assets revalidate.
        "Cache-Control": "no-store" if html else "no-cache",
        # No other window keeps a handle on ours; the app never needs these device features.
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }
    return func.HttpResponse(file.read_bytes(), status_code=200, headers=headers, mimetype=content_type)


# The API's own prefix, and the prefixes the Functions host keeps for itself.
API_PREFIX = "api"
HOST_RESERVED = frozenset({"admin", "runtime"})


def _reserved(path: str) -> bool:
    first = path.strip("/").split("/", 1)[0].lower()
    return first == API_PREFIX or first in HOST_RESERVED


def find_file(root: Path, path: str) -> Path:
    """The file under `root` that URL `path` names; a page-like path without a suffix is the app.

    Refuses dot segments, dotfiles, backslashes, control characters, unknown suffixes and anything
    that resolves outside `root` (symbolic links included).
    """
    relative = path.strip("/")
    if any(ord(c) < 32 or c == "\\" for c in relative):
        raise errors.NotFound("There is nothing at this address.")
    parts = PurePosixPath(relative).parts if relative else ()
    if any(part.startswith(".") for part in parts):
        raise errors.NotFound("There is nothing at this address.")
    if not parts or "." not in parts[-1]:
        return root / INDEX  # a deep link such as /activate or /children/abc: the app routes it
    if PurePosixPath(relative).suffix.lower() not in CONTENT_TYPES:
        raise errors.NotFound("There is nothing at this address.")
    candidate = root.joinpath(*parts)
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        raise errors.NotFound("There is nothing at this address.") from None
    if not resolved.is_file() or not resolved.is_relative_to(root.resolve()):
        raise errors.NotFound("There is nothing at this address.")
    return resolved


def content_security_policy(blob_origin: str | None) -> str:
    """A strict CSP: everything from this origin, photos also from the blob endpoint (SAS URLs)."""
    images = "'self'" + (f" {blob_origin}" if blob_origin else "")
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src {images} blob:; connect-src 'self'; font-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )


def _blob_origin() -> str | None:
    return blob_origin(bootstrap.config().storage)


def blob_origin(storage: StorageConfig) -> str | None:
    """The scheme://host[:port] photos' SAS URLs point at, read from configuration (no I/O)."""
    if storage.blob_endpoint:
        return _origin(storage.blob_endpoint)
    fields: dict[str, str] = {}
    for part in (storage.connection_string or "").split(";"):
        key, sep, value = part.partition("=")
        if sep:
            fields[key.strip().lower()] = value.strip()
    if "blobendpoint" in fields:
        return _origin(fields["blobendpoint"])
    if fields.get("usedevelopmentstorage", "").lower() == "true":
        return AZURITE_BLOB_ORIGIN
    if "accountname" in fields:
        scheme = fields.get("defaultendpointsprotocol", "https")
        suffix = fields.get("endpointsuffix", "core.windows.net")
        return f"{scheme}://{fields['accountname']}.blob.{suffix}"
    return None


def _origin(url: str) -> str | None:
    scheme, sep, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    if not sep or scheme not in {"http", "https"} or not host:
        return None
    return f"{scheme}://{host}"
