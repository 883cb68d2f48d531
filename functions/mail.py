"""Queue-triggered work: sending e-mail and link mails, handling reset requests; never inside an
HTTP request."""

from __future__ import annotations

import json
import logging

import azure.functions as func

from shared import bootstrap
from shared.mail.message import Mail
from shared.mail.transports import transport_for
from shared.services import link_mails
from shared.services.credentials import process_reset_request
from shared.storage.queues import LINK_QUEUE, MAIL_QUEUE, RESET_QUEUE

bp = func.Blueprint()
log = logging.getLogger("journal")

# The Functions host reads these settings: the connection string locally, or
# JournalStorage__queueServiceUri with the managed identity in Azure.
CONNECTION = "JournalStorage"


@bp.queue_trigger(arg_name="msg", queue_name=MAIL_QUEUE, connection=CONNECTION)
def send_mail(msg: func.QueueMessage) -> None:
    """Send one queued e-mail. A failure raises, so the host retries and finally poisons it."""
    mail = Mail.from_json(msg.get_body().decode("utf-8"))
    transport_for(bootstrap.config().mail).send(mail)
    log.info("mail sent (queue message %s)", msg.id)


@bp.queue_trigger(arg_name="msg", queue_name=LINK_QUEUE, connection=CONNECTION)
def send_link_mail(msg: func.QueueMessage) -> None:
    """Mint the link a queued instruction asks for and send its mail (S39); stale ones are dropped."""
    transport = transport_for(bootstrap.config().mail)
    sent = link_mails.deliver(bootstrap.deps(), msg.get_body().decode("utf-8"), transport.send)
    log.info("link mail %s (queue message %s)", "sent" if sent else "dropped as stale", msg.id)


@bp.queue_trigger(arg_name="msg", queue_name=RESET_QUEUE, connection=CONNECTION)
def process_password_reset(msg: func.QueueMessage) -> None:
    """Look up the account behind a reset request and mail it a link if it may have one."""
    request = json.loads(msg.get_body().decode("utf-8"))
    process_reset_request(bootstrap.deps(), request["setting"], request["email"])
