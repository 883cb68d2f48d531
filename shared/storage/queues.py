"""Work handed to queue-triggered functions: outgoing mail, link mail instructions, reset requests.

No message carries a link token, session id or challenge (S39): link mails travel as
instructions (kind, setting, account, epoch) and the worker mints the token as it sends.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from shared.mail.message import Mail
from shared.services.ports import LinkMail
from shared.storage.clients import StorageClients
from shared.storage.errors import translated
from shared.storage.queue_names import (
    EXPORT_QUEUE,
    LINK_QUEUE,
    MAIL_QUEUE,
    POISON_SUFFIX,
    QUEUES,
    RESET_QUEUE,
)


class QueueMailOutbox:
    """The MailOutbox port: one queue message per e-mail.

    Mails queued here hold no link (link mails go through QueueLinkMails, S39). They expire
    when the longest link would: a notice that could not be sent by then is stale.
    """

    def __init__(self, clients: StorageClients, *, time_to_live: int) -> None:
        self._clients = clients
        self._ttl = time_to_live

    def send(self, mail: Mail) -> None:
        with translated():
            self._clients.queue(MAIL_QUEUE).send_message(mail.to_json().encode(), time_to_live=self._ttl)


class QueueLinkMails:
    """The LinkMails port: one small instruction per link mail, ids and an epoch only (S39)."""

    def __init__(self, clients: StorageClients) -> None:
        self._clients = clients

    def submit(self, mail: LinkMail) -> None:
        with translated():
            self._clients.queue(LINK_QUEUE).send_message(mail.to_json().encode())


def sweep_poison(clients: StorageClients, now: datetime, older_than: timedelta) -> int:
    """Delete every message older than `older_than` from each of the app's poison queues."""
    removed = 0
    for name in QUEUES:
        queue = clients.queue(name + POISON_SUFFIX)
        with translated():
            # Received messages are hidden briefly; the ones kept reappear a few seconds later.
            for message in queue.receive_messages(messages_per_page=32, visibility_timeout=5):
                if message.inserted_on is None or message.inserted_on <= now - older_than:
                    queue.delete_message(message)
                    removed += 1
    return removed


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
