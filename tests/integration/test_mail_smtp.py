"""SmtpTransport against a real SMTP server (aiosmtpd) on loopback, with a test CA made here."""

from __future__ import annotations

import email
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from shared.config import ConfigError
from shared.mail.message import Mail
from shared.mail.transports import (
    MailAuthenticationFailed,
    MailDeliveryFailed,
    SmtpTransport,
)

HOST = "127.0.0.1"
SENDER = "Sunny Days Learning Journal <no-reply@journal.example.org>"
USERNAME = "journal-relay"
PASSWORD = "correct horse battery staple"
LINK = "https://journal.example.org/activate#token=abc123"
MAIL = Mail(
    to="amy.parent@example.org",
    subject="Activate your Sunny Days learning journal account",
    text=f"Hello Amy,\n\nPlease follow this link:\n{LINK}\n\nWarm wishes,\nSunny Days\n",
    html=f'<p>Hello Amy,</p><p><a href="{LINK}">Activate your account</a></p><p>Warm wishes</p>',
)


@dataclass(frozen=True)
class Pki:
    ca_pem: str
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cadata=self.ca_pem)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A throwaway CA and a server certificate for 127.0.0.1 that it signed."""
    directory = tmp_path_factory.mktemp("pki")
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Learning Journal test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(HOST)), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_file = directory / "server.pem"
    key_file = directory / "server.key"
    cert_file.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Pki(ca_cert.public_bytes(serialization.Encoding.PEM).decode(), cert_file, key_file)


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    encrypted: bool


class Recorder:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.received: list[Received] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes) and envelope.mail_from is not None
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        encrypted = server.transport is not None and server.transport.get_extra_info("ssl_object") is not None
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed, encrypted))
        return "250 Message accepted for delivery"


class Authenticator:
    """Accepts only USERNAME/PASSWORD, and remembers every attempt and whether it was encrypted."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, bool]] = []

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        encrypted = server.transport is not None and server.transport.get_extra_info("ssl_object") is not None
        self.attempts.append((mechanism, encrypted))
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == USERNAME.encode()
            and auth_data.password == PASSWORD.encode()
        )
        return AuthResult(success=ok, handled=False)


@contextmanager
def smtp_server(handler: Recorder, **options: Any) -> Iterator[int]:
    """Run aiosmtpd on a free loopback port; yield the port."""
    for attempt in range(3):
        # Controller needs a concrete port (it connects to itself to start), so take a free one.
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            port: int = probe.getsockname()[1]
        controller = Controller(
            handler, hostname=HOST, port=port, server_hostname="mail.test", ready_timeout=5, **options
        )
        try:
            controller.start()
        except OSError:  # another process took the port between the probe and the bind
            if attempt == 2:
                raise
            continue
        try:
            yield port
        finally:
            controller.stop()
        return


def transport(port: int, **overrides: Any) -> SmtpTransport:
    settings: dict[str, Any] = {
        "host": HOST,
        "port": port,
        "username": "",
        "password": "",
        "starttls": False,
        "sender": SENDER,
        "timeout": 5,
    }
    settings.update(overrides)
    return SmtpTransport(**settings)


def test_a_mail_is_delivered_with_its_headers_and_both_parts() -> None:
    recorder = Recorder()
    with smtp_server(recorder) as port:
        transport(port).send(MAIL)

    [received] = recorder.received
    assert received.mail_from == "no-reply@journal.example.org"
    assert received.rcpt_tos == ["amy.parent@example.org"]
    message = received.message
    assert message["From"] == SENDER
    assert message["To"] == "amy.parent@example.org"
    assert message["Subject"] == MAIL.subject
    assert message["Message-ID"].endswith("@journal.example.org>")
    assert message["Date"].datetime.tzinfo is not None
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = list(message.iter_parts())
    assert isinstance(plain, EmailMessage) and isinstance(rich, EmailMessage)
    assert plain.get_content_type() == "text/plain"
    assert rich.get_content_type() == "text/html"
    # On the wire every line ends in CRLF; the words are the same.
    assert plain.get_content().replace("\r\n", "\n") == MAIL.text
    assert rich.get_content().replace("\r\n", "\n").rstrip("\n") == MAIL.html


def test_starttls_upgrades_the_connection_before_the_mail_is_sent(pki: Pki) -> None:
    recorder = Recorder()
    with smtp_server(recorder, tls_context=pki.server_context(), require_starttls=True) as port:
        transport(port, starttls=True, ssl_context=pki.client_context()).send(MAIL)

    [received] = recorder.received
    assert received.encrypted
    assert received.message["Subject"] == MAIL.subject


def test_starttls_refuses_a_server_whose_certificate_is_not_trusted(pki: Pki) -> None:
    recorder = Recorder()
    with (
        smtp_server(recorder, tls_context=pki.server_context(), require_starttls=True) as port,
        pytest.raises(MailDeliveryFailed, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        # The default context trusts the system CAs, not the test CA.
        transport(port, starttls=True).send(MAIL)
    assert recorder.received == []


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_the_right_credentials_are_accepted_over_starttls(pki: Pki, mechanism: str) -> None:
    recorder, authenticator = Recorder(), Authenticator()
    other = {"LOGIN": "PLAIN", "PLAIN": "LOGIN"}[mechanism]
    with smtp_server(
        recorder,
        tls_context=pki.server_context(),
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
        auth_exclude_mechanism=[other],
    ) as port:
        transport(
            port, username=USERNAME, password=PASSWORD, starttls=True, ssl_context=pki.client_context()
        ).send(MAIL)

    assert authenticator.attempts == [(mechanism, True)]
    assert len(recorder.received) == 1


def test_a_wrong_password_is_a_clear_error_and_sends_nothing(pki: Pki) -> None:
    recorder, authenticator = Recorder(), Authenticator()
    with (
        smtp_server(
            recorder,
            tls_context=pki.server_context(),
            require_starttls=True,
            authenticator=authenticator,
            auth_required=True,
        ) as port,
        pytest.raises(MailAuthenticationFailed, match="refused the username and password") as raised,
    ):
        transport(
            port,
            username=USERNAME,
            password="wrong password",
            starttls=True,
            ssl_context=pki.client_context(),
        ).send(MAIL)

    assert "wrong password" not in str(raised.value)
    # smtplib tries each mechanism the server offers before giving up; all of them over TLS.
    assert authenticator.attempts and all(encrypted for _, encrypted in authenticator.attempts)
    assert recorder.received == []


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_credentials_are_not_sent_when_the_server_does_not_offer_starttls() -> None:
    # A server (or a man in the middle stripping STARTTLS) that would happily take AUTH in clear.
    recorder, authenticator = Recorder(), Authenticator()
    with (
        smtp_server(recorder, authenticator=authenticator, auth_require_tls=False) as port,
        pytest.raises(MailDeliveryFailed, match="did not offer STARTTLS"),
    ):
        transport(port, username=USERNAME, password=PASSWORD, starttls=True).send(MAIL)

    assert authenticator.attempts == []
    assert recorder.received == []


@pytest.mark.parametrize("port", [25, 587, 2525])
def test_credentials_without_tls_are_refused_when_the_transport_is_built(port: int) -> None:
    with pytest.raises(ConfigError, match="unencrypted"):
        transport(port, username=USERNAME, password=PASSWORD, starttls=False)


def test_port_465_may_carry_credentials_without_starttls_because_it_is_tls_from_the_start() -> None:
    transport(465, username=USERNAME, password=PASSWORD, starttls=False)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_implicit_tls_delivers_with_credentials(pki: Pki) -> None:
    # aiosmtpd 1.4 only counts STARTTLS as TLS for AUTH, so the server is told not to insist;
    # the authenticator still records that the connection was encrypted.
    recorder, authenticator = Recorder(), Authenticator()
    with smtp_server(
        recorder, ssl_context=pki.server_context(), authenticator=authenticator, auth_require_tls=False
    ) as port:
        transport(
            port,
            username=USERNAME,
            password=PASSWORD,
            starttls=False,
            implicit_tls=True,
            ssl_context=pki.client_context(),
        ).send(MAIL)

    assert [encrypted for _, encrypted in authenticator.attempts] == [True]
    [received] = recorder.received
    assert received.encrypted


def test_an_unreachable_server_is_a_delivery_failure() -> None:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port once the probe closes.
    with pytest.raises(MailDeliveryFailed, match="could not send mail"):
        transport(port, timeout=2).send(MAIL)
