"""Queue-triggered work: sending e-mail and link mails, handling reset requests; never inside an
HTTP request."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

import azure.functions as func

from functions.on_first_use import OnFirstUse
from shared.storage.queue_names import LINK_QUEUE, MAIL_QUEUE, RESET_QUEUE

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.mail import message, transports
    from shared.services import credentials, link_mails
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    message = OnFirstUse("shared.mail.message")
    transports = OnFirstUse("shared.mail.transports")
    credentials = OnFirstUse("shared.services.credentials")
    link_mails = OnFirstUse("shared.services.link_mails")

bp = func.Blueprint()
log = logging.getLogger("journal")

# The Functions host reads these settings: the connection string locally, or
# JournalStorage__queueServiceUri with the managed identity in Azure.
CONNECTION = "JournalStorage"


@bp.queue_trigger(arg_name="msg", queue_name=MAIL_QUEUE, connection=CONNECTION)
def send_mail(msg: func.QueueMessage) -> None:
    """Send one queued e-mail. A failure raises, so the host retries and finally poisons it."""
    mail = message.Mail.from_json(msg.get_body().decode("utf-8"))
    transports.transport_for(bootstrap.config().mail).send(mail)
    log.info("mail sent (queue message %s)", msg.id)


@bp.queue_trigger(arg_name="msg", queue_name=LINK_QUEUE, connection=CONNECTION)
def send_link_mail(msg: func.QueueMessage) -> None:
    """Mint the link a queued instruction asks for and send its mail (S39); stale ones are dropped."""
    transport = transports.transport_for(bootstrap.config().mail)
    sent = link_mails.deliver(bootstrap.deps(), msg.get_body().decode("utf-8"), transport.send)
    log.info("link mail %s (queue message %s)", "sent" if sent else "dropped as stale", msg.id)


@bp.queue_trigger(arg_name="msg", queue_name=RESET_QUEUE, connection=CONNECTION)
def process_password_reset(msg: func.QueueMessage) -> None:
    """Look up the account behind a reset request and mail it a link if it may have one."""
    request = json.loads(msg.get_body().decode("utf-8"))
    credentials.process_reset_request(bootstrap.deps(), request["setting"], request["email"])
