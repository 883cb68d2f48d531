"""The domain's error hierarchy: every failure a user can cause has a class here.

The edge (functions/http.py) maps each class to one HTTP status in one place.
"""

from __future__ import annotations


class JournalError(Exception):
    """Base class of every domain error; never raised itself."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(JournalError):
    """The request is malformed or a field breaks a rule."""

    code = "invalid_input"


class Unauthenticated(JournalError):
    """No valid session, challenge or link accompanies the request."""

    code = "unauthenticated"


class Forbidden(JournalError):
    """The caller is known but may not do this."""

    code = "forbidden"


class NotFound(JournalError):
    """The thing does not exist, or the caller may not know that it does."""

    code = "not_found"


class Conflict(JournalError):
    """The request clashes with the current state (a duplicate, the last manager)."""

    code = "conflict"


class PreconditionFailed(JournalError):
    """The caller edited a stale version (If-Match did not match)."""

    code = "precondition_failed"


class PreconditionRequired(JournalError):
    """The change must name the version it was made from (If-Match), and this one named none."""

    code = "precondition_required"


class TooManyAttempts(JournalError):
    """The caller must wait before trying again."""

    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PayloadTooLarge(JournalError):
    """The request body is larger than allowed."""

    code = "payload_too_large"


class UnsupportedMediaType(JournalError):
    """The request body is of a type this operation does not take."""

    code = "unsupported_media_type"


class StorageUnavailable(JournalError):
    """Storage did not answer; the request can be retried later."""

    code = "storage_unavailable"


class ConcurrencyConflict(JournalError):
    """An ETag-guarded write lost a race; adapters raise it, services retry or report it."""

    code = "concurrency_conflict"
