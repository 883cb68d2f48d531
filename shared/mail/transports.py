"""Ways to send a `Mail`: an SMTP relay in Azure, a folder of .eml files in local development.

The queue-triggered sender calls `send` once per message; an exception leaves the message on
the queue to be retried, so these classes raise rather than log. Nothing here logs a body or a
credential (S29): the bodies carry activation and reset links.
"""

from __future__ import annotations

import os
import re
import secrets
import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path
from typing import Protocol

from shared.clock import Clock, SystemClock
from shared.config import ConfigError, MailConfig
from shared.mail.message import Mail, PermanentFailure, build_email, sender_address

# RFC 8314: port 465 speaks TLS from the first byte ("implicit TLS"); 587 and 25 upgrade with STARTTLS.
IMPLICIT_TLS_PORT = 465
# Mails sent over one connection by `SmtpTransport.session` before it opens the next: relays
# limit messages per connection, and a fresh one never trips over an idle timeout for long.
SESSION_MAILS = 50
LOCAL_SENDER = "Learning Journal <no-reply@journal.localhost>"

_LINK = re.compile(r"https?://[^\s<>\"']+")


class MailTransport(Protocol):
    def send(self, mail: Mail) -> None:
        """Deliver one mail, or raise so that the queue tries again later."""
        ...


class MailError(Exception):
    """Base class of mail delivery failures; never raised itself."""


class MailDeliveryFailed(MailError):
    """The mail server could not be reached, would not talk securely, or refused the mail."""


class RecipientRejected(MailDeliveryFailed, PermanentFailure):
    """The server refused the recipient or the message with a 5xx reply: retrying will not help."""


class MailAuthenticationFailed(MailError):
    """The mail server refused our username and password; the settings need fixing."""


class SmtpTransport:
    """Sends through any SMTP relay (Azure Communication Services, a provider, a local test server).

    One connection per mail from `send`: the queue trigger sends one message per invocation, and
    a fresh connection never trips over a relay's idle timeout. The notification run sends
    hundreds at once, so `session` keeps a connection for a batch of them.
    """

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        password: str,
        starttls: bool,
        sender: str,
        timeout: float = 30,
        *,
        ssl_context: ssl.SSLContext | None = None,
        implicit_tls: bool | None = None,
    ) -> None:
        if not host:
            raise ConfigError("the SMTP host is required")
        if not 0 < port < 65536:
            raise ConfigError("the SMTP port must be between 1 and 65535")
        try:
            sender_address(sender)
        except ValueError as error:
            raise ConfigError(f"the mail sender is not usable: {error}") from None
        self._implicit_tls = port == IMPLICIT_TLS_PORT if implicit_tls is None else implicit_tls
        if username and not (starttls or self._implicit_tls):
            raise ConfigError(
                "refusing to send SMTP credentials over an unencrypted connection: "
                f"turn STARTTLS on (JOURNAL_SMTP_STARTTLS=true) or use port {IMPLICIT_TLS_PORT}"
            )
        if username and not password:
            raise ConfigError("an SMTP username was given without a password")
        self._host = host
        self._port = port
        self._username = username
        self._password = password
        self._starttls = starttls and not self._implicit_tls
        self._sender = sender
        self._timeout = timeout
        self._ssl_context = ssl_context

    def __repr__(self) -> str:
        return f"SmtpTransport({self._host}:{self._port}, user={'set' if self._username else 'none'})"

    def send(self, mail: Mail) -> None:
        """Connect, EHLO, upgrade with STARTTLS if configured, log in if configured, send."""
        message = build_email(mail, self._sender)
        with self._translated(), self._open() as smtp:
            refused = smtp.send_message(message)
        if refused:
            raise MailDeliveryFailed(f"the SMTP server at {self._host}:{self._port} refused the recipient")

    @contextmanager
    def session(self) -> Iterator[Callable[[Mail], None]]:
        """A send that keeps one connection for up to SESSION_MAILS mails (a digest run's batch),
        opening the next when the server closed it; closed when the block ends."""
        held: list[smtplib.SMTP] = []
        count, where = 0, f"{self._host}:{self._port}"

        def close() -> None:
            if held:
                with suppress(smtplib.SMTPException, OSError):
                    held.pop().quit()

        def send(mail: Mail) -> None:
            nonlocal count
            message = build_email(mail, self._sender)
            if count == SESSION_MAILS:
                close()
                count = 0
            with self._translated():
                try:
                    refused = self._over(held, message)
                except BaseException:
                    close()  # whatever went wrong, the next mail starts on a fresh connection
                    raise
            count += 1
            if refused:
                raise MailDeliveryFailed(f"the SMTP server at {where} refused the recipient")

        try:
            yield send
        finally:
            close()

    def _over(self, held: list[smtplib.SMTP], message: EmailMessage) -> dict[str, tuple[int, bytes]]:
        """Send on the held connection (opened if none is), or on a new one if the server closed it."""
        for attempt in (1, 2):
            if not held:
                held.append(self._open())
            try:
                return held[0].send_message(message)
            except smtplib.SMTPServerDisconnected:
                held.clear()  # an idle timeout or the relay's limit: open the next, once
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _open(self) -> smtplib.SMTP:
        """A connection that has said EHLO, upgraded with STARTTLS and logged in as configured."""
        context = self._tls_context()
        where = f"{self._host}:{self._port}"
        smtp = self._connect(context)
        try:
            smtp.ehlo()
            if self._starttls:
                # A server (or something in the middle) that does not offer STARTTLS gets
                # nothing from us: not the credentials, not the message.
                if not smtp.has_extn("starttls"):
                    raise MailDeliveryFailed(f"the SMTP server at {where} did not offer STARTTLS")
                smtp.starttls(context=context)
                smtp.ehlo()
            if self._username:
                if not isinstance(smtp.sock, ssl.SSLSocket):
                    raise MailDeliveryFailed(f"the connection to {where} is not encrypted; not logging in")
                smtp.login(self._username, self._password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """smtplib's and the socket's errors as this module's: permanent (5xx) or not."""
        where = f"{self._host}:{self._port}"
        try:
            yield
        except smtplib.SMTPAuthenticationError as error:
            raise MailAuthenticationFailed(
                f"the SMTP server at {where} refused the username and password ({error.smtp_code})"
            ) from error
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _ in error.recipients.values()})
            if codes and all(500 <= code < 600 for code in codes):
                raise RecipientRejected(
                    f"the SMTP server at {where} refused the recipient for good {codes}"
                ) from error
            raise MailDeliveryFailed(f"the SMTP server at {where} refused the recipient {codes}") from error
        except smtplib.SMTPResponseException as error:
            reply = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else ""
            if isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600:
                raise RecipientRejected(
                    f"the SMTP server at {where} refused the mail for good ({error.smtp_code})"
                ) from error
            raise MailDeliveryFailed(
                f"the SMTP server at {where} answered {error.smtp_code} {reply}".rstrip()
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            # OSError covers refused connections, timeouts and failed certificate checks.
            raise MailDeliveryFailed(
                f"could not send mail through {where}: {type(error).__name__}: {error}"
            ) from error

    def _tls_context(self) -> ssl.SSLContext:
        # Made once per transport: loading the system's CA certificates takes about 0.2 s, which
        # per mail would cost more than sending it (a digest run sends hundreds).
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context()
        return self._ssl_context

    def _connect(self, context: ssl.SSLContext) -> smtplib.SMTP:
        # EHLO names the sender's domain: left to itself smtplib looks up this host's FQDN on
        # every connection (slow where DNS is, and it names the host).
        name = sender_address(self._sender).rpartition("@")[2]
        if self._implicit_tls:
            return smtplib.SMTP_SSL(self._host, self._port, local_hostname=name, timeout=self._timeout,
                                    context=context)  # fmt: skip
        return smtplib.SMTP(self._host, self._port, local_hostname=name, timeout=self._timeout)


class FolderTransport:
    """Local development only: writes each mail as an .eml file and echoes its links.

    A developer sees activation and reset links in the terminal and can open the file in any
    mail client. The config refuses this transport outside local development, because the echo
    prints live tokens.
    """

    def __init__(
        self,
        folder: Path,
        echo: Callable[[str], None] = print,
        *,
        sender: str = LOCAL_SENDER,
        clock: Clock | None = None,
    ) -> None:
        try:
            sender_address(sender)
        except ValueError as error:
            raise ConfigError(f"the mail sender is not usable: {error}") from None
        self._folder = folder
        self._echo = echo
        self._sender = sender
        self._clock = clock or SystemClock()

    def send(self, mail: Mail) -> None:
        """Write the mail to `<UTC time>-<random>.eml`, complete or not at all, then echo its links."""
        now = self._clock.now()
        message = build_email(mail, self._sender, now=now)
        data = message.as_bytes(policy=SMTP_POLICY.clone(max_line_length=message.policy.max_line_length))
        path = self._write(f"{now:%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(4)}.eml", data)
        links = [link.rstrip(".,;:!?)") for link in _LINK.findall(mail.text)]
        for link in links:
            self._echo(f"mail to {mail.to}: {link}")
        if not links:
            self._echo(f"mail to {mail.to}: {mail.subject!r} (no links) in {path}")

    def _write(self, name: str, data: bytes) -> Path:
        # Written under a dot-name that is not *.eml, then renamed: anyone watching the folder sees
        # a whole message or none. 0600 because the file holds live links.
        self._folder.mkdir(parents=True, exist_ok=True)
        final = self._folder / name
        temp = self._folder / f".{name}.{secrets.token_hex(4)}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, final)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return final


def sending(transport: MailTransport) -> AbstractContextManager[Callable[[Mail], None]]:
    """A send for many mails in a row: over held connections for SMTP, the plain send otherwise."""
    if isinstance(transport, SmtpTransport):
        return transport.session()
    return nullcontext(transport.send)


def transport_for(config: MailConfig) -> MailTransport:
    """The transport the configuration names; nothing connects until the first send."""
    if config.transport == "smtp":
        return SmtpTransport(
            config.smtp_host,
            config.smtp_port,
            config.smtp_username,
            config.smtp_password,
            config.smtp_starttls,
            config.sender,
        )
    if config.transport == "folder":
        return FolderTransport(config.folder, sender=config.sender)
    raise ConfigError("the mail transport must be 'smtp' or 'folder'")
