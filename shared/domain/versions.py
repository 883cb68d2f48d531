"""Optimistic concurrency at the edge: an edit names the version it was made from (If-Match)."""

from __future__ import annotations

from shared.domain.errors import PreconditionFailed

# We answer a missing If-Match with 412 rather than 428: one status for "your copy is not
# provably current", and the error shape has no room for a second code the client must handle.
MISSING = "Reload and try again: this change must say which version it edits (If-Match)."
STALE = "Someone else changed this since you opened it. Reload to see their change, then try again."


def require_current(expected: str | None, etag: str | None) -> str:
    """The version the caller edits, if it is the current one; PreconditionFailed otherwise."""
    if not expected:
        raise PreconditionFailed(MISSING)
    if etag is None or expected.strip() != etag:
        raise PreconditionFailed(STALE)
    return etag
