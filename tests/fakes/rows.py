"""What every fake store shares: ETags that change on every write, and copies in and out.

Stored objects are deep copies, so a service that changes an object after saving it changes
nothing in the store, exactly as with a real table.
"""

from __future__ import annotations

import copy
import itertools
import secrets
from datetime import datetime
from typing import TypeVar

T = TypeVar("T")

_written = itertools.count(1)


def new_etag() -> str:
    """A fresh ETag, never equal to one handed out before."""
    return f'W/"memory-{next(_written)}-{secrets.token_hex(3)}"'


def copied(value: T) -> T:
    return copy.deepcopy(value)


def millis(at: datetime) -> int:
    """Milliseconds since the epoch: the precision the adapters put into their row keys."""
    return int(at.timestamp() * 1000)
