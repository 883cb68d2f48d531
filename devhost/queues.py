"""Polls a storage queue for a queue-triggered function, with the Functions host's retry and poison rules."""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import timedelta

from azure.core.exceptions import AzureError, ResourceExistsError
from azure.functions.queue import QueueMessage as TriggerMessage
from azure.storage.queue import QueueClient, QueueMessage

from devhost.functions import QueueFunction, invoke
from devhost.settings import HostSettings, QueueSettings

logger = logging.getLogger("devhost")

# Like the Functions host: poll quickly while messages arrive, back off towards maxPollingInterval
# while the queue is empty.
_FIRST_POLL_DELAY = timedelta(milliseconds=100)


class QueuePoller:
    """One background thread feeding one queue's messages to one function."""

    def __init__(
        self,
        function: QueueFunction,
        *,
        connection_string: str,
        settings: QueueSettings,
        lease: timedelta,
        retry_delay: timedelta,
    ) -> None:
        self._function = function
        self._connection_string = connection_string
        self._settings = settings
        self._lease = lease
        self._retry_delay = retry_delay
        self._queue_name = function.trigger.queue_name
        self._queue: QueueClient | None = None
        self._poison: QueueClient | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"devhost-queue-{function.name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        delay = _FIRST_POLL_DELAY
        while not self._stopping.is_set():
            try:
                handled = self._poll_once()
            except AzureError as error:
                # Azurite may start after the host, or restart: keep trying at the slowest pace.
                logger.warning("queue %s: storage unavailable (%s)", self._queue_name, type(error).__name__)
                self._queue = None
                delay = self._settings.max_polling_interval
            except Exception:
                # Anything else is a bug here or a bad setting; log it and keep the thread alive.
                logger.exception("queue %s: poller error", self._queue_name)
                delay = self._settings.max_polling_interval
            else:
                delay = _FIRST_POLL_DELAY if handled else min(delay * 2, self._settings.max_polling_interval)
            self._stopping.wait(delay.total_seconds())

    def _poll_once(self) -> int:
        queue = self._queue_client()
        # Invisible for as long as a function may run, so a slow run is not handed out twice;
        # a failure shortens this to the retry delay.
        messages = list(
            queue.receive_messages(
                max_messages=self._settings.batch_size,
                visibility_timeout=_seconds(self._lease),
            )
        )
        for message in messages:
            if self._stopping.is_set():
                # Hand back what this host will not run, so that the next start need not wait
                # out the lease.
                queue.update_message(message, visibility_timeout=0)
            else:
                self._handle(queue, message)
        return len(messages)

    def _handle(self, queue: QueueClient, message: QueueMessage) -> None:
        if (message.dequeue_count or 0) > self._settings.max_dequeue_count:
            # Its earlier tries ended without a verdict (the host stopped mid-run); as in Azure,
            # it is parked rather than run again.
            self._move_to_poison(queue, message)
            return
        try:
            body = decode(str(message.content), self._settings.message_encoding)
        except ValueError:
            # Retrying cannot make a message decodable: park it at once.
            logger.warning(
                "queue %s: message %s is not valid %s",
                self._queue_name,
                message.id,
                self._settings.message_encoding,
            )
            self._move_to_poison(queue, message)
            return
        try:
            invoke(self._function, _trigger_value(message, body))
        except Exception:
            logger.exception(
                "queue function %s failed on message %s (try %s of %s)",
                self._function.name,
                message.id,
                message.dequeue_count,
                self._settings.max_dequeue_count,
            )
            self._after_failure(queue, message)
            return
        queue.delete_message(message)

    def _after_failure(self, queue: QueueClient, message: QueueMessage) -> None:
        if (message.dequeue_count or 0) >= self._settings.max_dequeue_count:
            self._move_to_poison(queue, message)
        else:
            queue.update_message(message, visibility_timeout=_seconds(self._retry_delay))

    def _move_to_poison(self, queue: QueueClient, message: QueueMessage) -> None:
        # The raw content is forwarded untouched, so the poison message is encoded as the original was.
        self._poison_client().send_message(message.content)
        queue.delete_message(message)
        logger.warning(
            "queue %s: message %s moved to %s-poison", self._queue_name, message.id, self._queue_name
        )

    def _queue_client(self) -> QueueClient:
        if self._queue is None:
            self._queue = _existing_queue(self._connection_string, self._queue_name)
        return self._queue

    def _poison_client(self) -> QueueClient:
        if self._poison is None:
            self._poison = _existing_queue(self._connection_string, f"{self._queue_name}-poison")
        return self._poison


def build_pollers(
    functions: Sequence[QueueFunction],
    connection_string: str | None,
    settings: HostSettings,
    *,
    retry_delay: timedelta | None = None,
) -> list[QueuePoller]:
    """One poller per queue function; `retry_delay` overrides host.json's visibilityTimeout."""
    if functions and connection_string is None:
        logger.warning("no queue connection string: queue functions run only through the admin API")
    if not functions or connection_string is None:
        return []
    return [
        QueuePoller(
            function,
            connection_string=connection_string,
            settings=settings.queues,
            lease=settings.function_timeout,
            retry_delay=settings.queues.visibility_timeout if retry_delay is None else retry_delay,
        )
        for function in functions
    ]


def decode(content: str, encoding: str) -> str | bytes:
    """A message body as host.json's messageEncoding says: base64 (the default) or none."""
    if encoding == "none":
        return content
    try:
        raw = base64.b64decode(content, validate=True)
    except binascii.Error as error:
        raise ValueError("message is not valid base64") from error
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


# The concrete class the Python worker passes. Its __init__ is unannotated; calling it through this
# typed name keeps strict mypy content without a type: ignore.
_new_trigger_message: Callable[..., TriggerMessage] = TriggerMessage


def _trigger_value(message: QueueMessage, body: str | bytes) -> TriggerMessage:
    return _new_trigger_message(
        id=message.id,
        body=body,
        dequeue_count=message.dequeue_count,
        expiration_time=message.expires_on,
        insertion_time=message.inserted_on,
        time_next_visible=message.next_visible_on,
        pop_receipt=message.pop_receipt,
    )


def _existing_queue(connection_string: str, name: str) -> QueueClient:
    # Straight to the emulator, as the app's own clients go: never through a proxy named in the
    # environment (tests name one to prove storage traffic ignores it).
    client = QueueClient.from_connection_string(connection_string, name, use_env_settings=False)
    with contextlib.suppress(ResourceExistsError):
        client.create_queue()
    return client


def _seconds(span: timedelta) -> int:
    return max(0, round(span.total_seconds()))
