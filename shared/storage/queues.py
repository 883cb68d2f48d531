"""Work handed to queue-triggered functions: outgoing mail and password reset requests."""

from __future__ import annotations

import json

from shared.mail.message import Mail
from shared.storage.clients import StorageClients
from shared.storage.errors import translated

MAIL_QUEUE = "mail-outbox"
RESET_QUEUE = "password-resets"
EXPORT_QUEUE = "journal-exports"


class QueueMailOutbox:
    """The MailOutbox port: one queue message per e-mail.

    A queued mail may hold a live link, so it expires when the longest link would: a mail that
    could not be sent by then is useless, and should not linger in the queue.
    """

    def __init__(self, clients: StorageClients, *, time_to_live: int) -> None:
        self._clients = clients
        self._ttl = time_to_live

    def send(self, mail: Mail) -> None:
        with translated():
            self._clients.queue(MAIL_QUEUE).send_message(mail.to_json().encode(), time_to_live=self._ttl)


class QueueResetRequests:
    """The ResetRequests port: the request handler only queues, so its work never depends on
    whether the account exists (S12); the worker looks the account up."""

    def __init__(self, clients: StorageClients) -> None:
        self._clients = clients

    def submit(self, setting_id: str, email: str) -> None:
        body = json.dumps({"setting": setting_id, "email": email})
        with translated():
            self._clients.queue(RESET_QUEUE).send_message(body.encode())


class QueueExportRequests:
    """The ExportRequests port: a reference to the export row (ids only), built by the queue worker."""

    def __init__(self, clients: StorageClients) -> None:
        self._clients = clients

    def submit(self, setting_id: str, export_id: str) -> None:
        body = json.dumps({"setting": setting_id, "export": export_id})
        with translated():
            self._clients.queue(EXPORT_QUEUE).send_message(body.encode())
