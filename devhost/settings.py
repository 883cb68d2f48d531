"""The parts of host.json that the local host honours, read once with Azure's defaults."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

# .NET TimeSpan as host.json writes it: [d.]hh:mm:ss[.fffffff]
_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$")


@dataclass(frozen=True)
class QueueSettings:
    """extensions.queues; the defaults are those the Functions host documents."""

    max_polling_interval: timedelta = timedelta(minutes=1)
    # How long a failed message stays invisible before its next try (not the processing lease).
    visibility_timeout: timedelta = timedelta(0)
    batch_size: int = 16
    max_dequeue_count: int = 5
    message_encoding: str = "base64"


@dataclass(frozen=True)
class HostSettings:
    route_prefix: str = "api"
    # Azure keeps a dequeued message invisible while its function runs; the function timeout
    # bounds how long that can be.
    function_timeout: timedelta = timedelta(minutes=10)
    queues: QueueSettings = QueueSettings()


def load_host_json(path: Path) -> HostSettings:
    """Read host.json; raise ValueError naming the setting that is malformed."""
    document = json.loads(path.read_text(encoding="utf-8"))
    extensions = document.get("extensions", {})
    http = extensions.get("http", {})
    queues = extensions.get("queues", {})
    defaults = QueueSettings()
    encoding = str(queues.get("messageEncoding", defaults.message_encoding)).lower()
    if encoding not in {"base64", "none"}:
        raise ValueError(
            f"host.json extensions.queues.messageEncoding must be base64 or none, not {encoding!r}"
        )
    return HostSettings(
        route_prefix=str(http.get("routePrefix", "api")).strip("/"),
        function_timeout=_timespan(document, "functionTimeout", timedelta(minutes=10)),
        queues=QueueSettings(
            max_polling_interval=_timespan(queues, "maxPollingInterval", defaults.max_polling_interval),
            visibility_timeout=_timespan(queues, "visibilityTimeout", defaults.visibility_timeout),
            batch_size=_positive(queues, "batchSize", defaults.batch_size),
            max_dequeue_count=_positive(queues, "maxDequeueCount", defaults.max_dequeue_count),
            message_encoding=encoding,
        ),
    )


def parse_timespan(text: str) -> timedelta:
    """A .NET TimeSpan string such as "00:00:30" or "1.02:00:00"."""
    match = _TIMESPAN.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a time span like 00:00:30")
    days, hours, minutes, seconds, fraction = match.groups()
    return timedelta(
        days=int(days or 0),
        hours=int(hours),
        minutes=int(minutes),
        seconds=int(seconds),
        microseconds=int((fraction or "0").ljust(7, "0")) // 10,
    )


def _timespan(section: dict[str, Any], key: str, default: timedelta) -> timedelta:
    if key not in section:
        return default
    try:
        return parse_timespan(str(section[key]))
    except ValueError as error:
        raise ValueError(f"host.json {key}: {error}") from None


def _positive(section: dict[str, Any], key: str, default: int) -> int:
    value = section.get(key, default)
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"host.json {key} must be a positive whole number")
    return value
