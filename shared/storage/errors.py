"""SDK errors translated into domain errors, in one place, so no service sees an azure exception."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from azure.core.exceptions import (
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)

from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound, StorageUnavailable


@contextmanager
def translated() -> Iterator[None]:
    """Run a storage call; re-raise its SDK errors as the domain errors services understand."""
    try:
        yield
    except ResourceModifiedError:
        raise ConcurrencyConflict("the record changed while it was being updated") from None
    except ResourceExistsError:
        raise Conflict("that already exists") from None
    except ResourceNotFoundError:
        raise NotFound("not found") from None
    except (ServiceRequestError, ServiceResponseError):
        # Connection refused, reset or timed out: storage is unreachable, not our bug.
        raise StorageUnavailable("storage is not answering; please try again shortly") from None
