"""Is the app ready, and if not, which dependency is missing or refused?

Storage is asked with one cheap read from each service, with the data-plane rights the app has.
The three are asked at once, and nothing is created: a health probe must not change storage, and
on a cold instance its answer is the first thing the platform waits for.

Each problem is reported with a stable code and the names of the settings involved, never a value
or an error text: the route is anonymous, and a first deployment (before the Key Vault secrets
exist, or before mail is set up) must be told apart from storage being down.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from shared.config import ROOT, Config, ConfigError, mail_config
from shared.config import storage_config as read_storage_config
from shared.domain.errors import JournalError
from shared.domain.photos import CONTAINER as PHOTOS_CONTAINER
from shared.storage import keys
from shared.storage.clients import StorageClients
from shared.storage.queue_names import MAIL_QUEUE

HEALTH_CONTAINER = PHOTOS_CONTAINER

# The platform leaves a Key Vault reference's own text in the setting when it cannot resolve it.
KEY_VAULT_REFERENCE = "@Microsoft.KeyVault("
MAIL_PASSWORD_SETTING = "JOURNAL_SMTP_PASSWORD"  # noqa: S105 (a setting name)
_SETTING_NAME = re.compile(r"\b(JOURNAL_[A-Z0-9_]+|JournalStorage(?:__\w+)?)\b")

OK, MISSING, REFUSED, UNAVAILABLE = "ok", "missing", "refused", "unavailable"


def storage_answers(clients: StorageClients) -> dict[str, str]:
    """Each service's name mapped to "ok", "unavailable" (no answer) or "refused" (no access)."""
    checks: dict[str, Callable[[], object]] = {
        "tables": lambda: clients.table_service.get_table_client(keys.SETTINGS).get_entity(
            "~health", "~health"
        ),
        "blobs": lambda: clients.blob_service.get_container_client(HEALTH_CONTAINER).exists(),
        "queues": lambda: clients.queue_service.get_queue_client(MAIL_QUEUE).get_queue_properties(),
    }
    with ThreadPoolExecutor(len(checks), thread_name_prefix="health") as pool:
        answered = list(pool.map(_answers, checks.values()))
    return dict(zip(checks, answered, strict=True))


def _answers(check: Callable[[], object]) -> str:
    from azure.core.exceptions import (
        AzureError,
        ClientAuthenticationError,
        HttpResponseError,
        ResourceNotFoundError,
    )

    try:
        check()
    except ResourceNotFoundError:
        return OK  # a clean 404 is an answer
    except ClientAuthenticationError:
        return REFUSED  # no token for the identity, or the service said 401/403
    except HttpResponseError as error:
        # 403 without an authentication error: a missing role or a network rule that denies us.
        return REFUSED if error.status_code in (401, 403) else UNAVAILABLE
    except (AzureError, JournalError, OSError):
        return UNAVAILABLE
    return OK


def dependency_report(
    env: Mapping[str, str],
    load: Callable[[], Config],
    shared_clients: Callable[[], StorageClients],
) -> dict[str, Any]:
    """{"status", "configuration", "storage", "mail", "problems": [{dependency, code, settings}]}.

    `load` and `shared_clients` are the process's cached configuration and storage clients; when
    the configuration cannot be loaded, storage and mail are still checked from their own settings.
    """
    problems: list[dict[str, Any]] = []
    status = {"configuration": OK, "storage": OK, "mail": OK}

    def problem(dependency: str, state: str, code: str, settings: list[str]) -> None:
        status[dependency] = state if status[dependency] == OK else status[dependency]
        problems.append({"dependency": dependency, "code": code, "settings": settings})

    unresolved = sorted(name for name, value in env.items() if value.startswith(KEY_VAULT_REFERENCE))
    for name in unresolved:
        if name != MAIL_PASSWORD_SETTING:
            problem("configuration", MISSING, "config_secret_unresolved", [name])
        elif env.get("JOURNAL_SMTP_USERNAME"):  # without a user name the password is never used
            problem("mail", MISSING, "mail_secret_unresolved", [name])

    local = env.get("JOURNAL_ENVIRONMENT", "production") == "local"
    config: Config | None = None
    try:
        config = load()
    except ConfigError as error:
        storage_config, storage_error = _section(lambda: read_storage_config(env, local))
        _, mail_error = _section(
            lambda: mail_config(env, local, Path(env.get("JOURNAL_VAR_DIR", str(ROOT / "var"))))
        )
        if storage_error is not None:
            _config_problem(problem, "storage", storage_error)
        if mail_error is not None:
            _config_problem(problem, "mail", mail_error)
        if storage_error is None and mail_error is None and not unresolved:
            _config_problem(problem, "configuration", error)
        elif storage_error is None and mail_error is None:
            status["configuration"] = MISSING
    else:
        storage_config = config.storage

    if storage_config is not None:
        clients = shared_clients() if config is not None else StorageClients(storage_config)
        answers = storage_answers(clients)
        for state, code in ((REFUSED, "storage_refused"), (UNAVAILABLE, "storage_unavailable")):
            services = sorted(service for service, answer in answers.items() if answer == state)
            if services:
                problem("storage", state, code, [])
                problems[-1]["services"] = services
    elif status["storage"] == OK:
        status["storage"] = MISSING

    if config is not None:
        from shared.mail.transports import transport_for

        try:
            transport_for(config.mail)
        except ConfigError as error:
            _config_problem(problem, "mail", error)

    healthy = not problems
    return {"status": "ok" if healthy else "degraded", **status, "problems": problems}


def _section(read: Callable[[], Any]) -> tuple[Any, ConfigError | None]:
    try:
        return read(), None
    except ConfigError as error:
        return None, error


def _config_problem(
    problem: Callable[[str, str, str, list[str]], None], dependency: str, error: ConfigError
) -> None:
    """Missing (a required setting is absent or empty) or refused (present but unsafe or malformed)."""
    missing = " required" in error.message or "not configured" in error.message
    settings = sorted(set(_SETTING_NAME.findall(error.message)))
    if dependency == "mail":
        code = "mail_not_configured" if missing else "mail_refused"
    else:
        prefix = "config" if dependency == "configuration" else "storage_config"
        code = f"{prefix}_missing" if missing else f"{prefix}_refused"
    problem(dependency, MISSING if missing else REFUSED, code, settings)
