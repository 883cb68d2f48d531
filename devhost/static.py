"""Serves the browser front end from a folder, as a static web host would beside the Functions app."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING

from werkzeug.security import safe_join
from werkzeug.utils import send_file
from werkzeug.wrappers import Response

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

# Fixed here rather than left to mimetypes alone, whose answers depend on the machine's
# /etc/mime.types; with nosniff a wrong type for a script or style sheet breaks the page.
_CONTENT_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain",
}


def static_response(root: Path, path: str, environ: WSGIEnvironment) -> Response | None:
    """The file at URL `path` under `root`, or None when there is no file it may serve."""
    relative = path.lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    # Dot segments would climb out of the root; dotfiles (.env, .git) are never meant for browsers.
    if any(part.startswith(".") for part in relative.split("/")):
        return None
    joined = safe_join(str(root), relative)
    if joined is None:
        return None
    file = Path(joined)
    if file.is_dir():
        file = file / "index.html"
    # A symbolic link inside the root could still point outside it.
    if not file.is_file() or not file.resolve().is_relative_to(root.resolve()):
        return None
    response = send_file(file, environ, mimetype=content_type(file.name))
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Revalidate every time (send_file adds an ETag) so an edited file shows up on the next reload.
    response.headers["Cache-Control"] = "no-cache"
    return response


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return _CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
