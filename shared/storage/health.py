"""Does storage answer? One cheap request to each service, with the data-plane rights the app has."""

from __future__ import annotations

from shared.domain.errors import JournalError
from shared.storage.clients import StorageClients
from shared.storage.queues import MAIL_QUEUE

HEALTH_CONTAINER = "photos"


def storage_answers(clients: StorageClients) -> dict[str, bool]:
    """Each service's name mapped to whether it answered just now."""
    checks = {
        "tables": lambda: clients.table("settings").get_entity("~health", "~health"),
        "blobs": lambda: clients.container(HEALTH_CONTAINER).exists(),
        "queues": lambda: clients.queue(MAIL_QUEUE).get_queue_properties(),
    }
    return {name: _answers(check) for name, check in checks.items()}


def _answers(check: object) -> bool:
    from azure.core.exceptions import AzureError, ResourceNotFoundError

    try:
        check()  # type: ignore[operator]
    except ResourceNotFoundError:
        return True  # a clean 404 is an answer
    except (AzureError, JournalError, OSError):
        return False
    return True
