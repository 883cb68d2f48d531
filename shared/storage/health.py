"""Does storage answer? One cheap read from each service, with the data-plane rights the app has.

The three are asked at once, and nothing is created: a health probe must not change storage, and
on a cold instance its answer is the first thing the platform waits for.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from shared.domain.errors import JournalError
from shared.storage.clients import StorageClients
from shared.storage.queues import MAIL_QUEUE

HEALTH_CONTAINER = "photos"


def storage_answers(clients: StorageClients) -> dict[str, bool]:
    """Each service's name mapped to whether it answered just now."""
    checks: dict[str, Callable[[], object]] = {
        "tables": lambda: clients.table_service.get_table_client("settings").get_entity("~health", "~health"),
        "blobs": lambda: clients.blob_service.get_container_client(HEALTH_CONTAINER).exists(),
        "queues": lambda: clients.queue_service.get_queue_client(MAIL_QUEUE).get_queue_properties(),
    }
    with ThreadPoolExecutor(len(checks), thread_name_prefix="health") as pool:
        answered = list(pool.map(_answers, checks.values()))
    return dict(zip(checks, answered, strict=True))


def _answers(check: Callable[[], object]) -> bool:
    from azure.core.exceptions import AzureError, ResourceNotFoundError

    try:
        check()
    except ResourceNotFoundError:
        return True  # a clean 404 is an answer
    except (AzureError, JournalError, OSError):
        return False
    return True
