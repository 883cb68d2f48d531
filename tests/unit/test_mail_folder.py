"""FolderTransport, the local-development outbox, and how a configuration picks a transport."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest

from shared.clock import FrozenClock
from shared.config import ConfigError, MailConfig
from shared.mail import templates
from shared.mail.message import Mail
from shared.mail.transports import FolderTransport, SmtpTransport, transport_for

TO = "amy.parent@example.org"
SENDER = "Learning Journal <no-reply@journal.localhost>"
LINK = "http://127.0.0.1:7071/activate#token=q2Zk9sV7Lw"


@pytest.fixture
def echoed() -> list[str]:
    return []


@pytest.fixture
def outbox(tmp_path: Path, echoed: list[str]) -> FolderTransport:
    return FolderTransport(tmp_path / "mail", echo=echoed.append, sender=SENDER, clock=FrozenClock())


def notice(name: str) -> Mail:
    """A security notice: no links in it."""
    return templates.password_changed(
        TO, name, "Sunny Days", "Firefox on Windows", datetime(2026, 11, 28, 9, tzinfo=UTC)
    )


def read_eml(path: Path) -> EmailMessage:
    message = message_from_bytes(path.read_bytes(), policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def test_a_mail_is_written_as_a_valid_eml_file(outbox: FolderTransport, tmp_path: Path) -> None:
    mail = templates.invitation(TO, "Amy", "Sunny Days", LINK, 72)

    outbox.send(mail)

    [path] = (tmp_path / "mail").iterdir()
    assert path.suffix == ".eml"
    assert path.name.startswith("20261128T090000000000Z-")
    message = read_eml(path)
    assert message.defects == []
    assert message["From"] == SENDER
    assert message["To"] == TO
    assert message["Subject"] == mail.subject
    assert message["Date"].datetime == FrozenClock().now()
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    assert isinstance(plain, EmailMessage) and isinstance(rich, EmailMessage)
    assert LINK in plain.get_content()
    assert "Sunny Days" in rich.get_content()


def test_each_link_is_echoed_so_the_developer_can_follow_it(
    outbox: FolderTransport, echoed: list[str]
) -> None:
    outbox.send(templates.password_reset(TO, "Amy", "Sunny Days", LINK, 60))

    assert echoed == [f"mail to {TO}: {LINK}"]


def test_a_mail_without_links_is_still_announced(outbox: FolderTransport, echoed: list[str]) -> None:
    mail = templates.password_changed(
        TO, "Amy", "Sunny Days", "Firefox on Windows", datetime(2026, 11, 28, 9, tzinfo=UTC)
    )

    outbox.send(mail)

    [line] = echoed
    assert line.startswith(f"mail to {TO}: ") and mail.subject in line and "no links" in line


def test_two_mails_in_the_same_instant_get_two_files(outbox: FolderTransport, tmp_path: Path) -> None:
    outbox.send(
        templates.password_changed(
            TO, "Amy", "Sunny Days", "Firefox on Windows", datetime(2026, 11, 28, 9, tzinfo=UTC)
        )
    )
    outbox.send(
        templates.password_changed(
            TO, "Ben", "Sunny Days", "Firefox on Windows", datetime(2026, 11, 28, 9, tzinfo=UTC)
        )
    )

    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2


def test_a_failed_write_leaves_no_partial_file(
    outbox: FolderTransport, tmp_path: Path, echoed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)

    with pytest.raises(OSError, match="No space"):
        outbox.send(templates.password_reset(TO, "Amy", "Sunny Days", LINK, 60))

    assert list((tmp_path / "mail").iterdir()) == []
    assert echoed == []


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_file_is_readable_only_by_its_owner(outbox: FolderTransport, tmp_path: Path) -> None:
    outbox.send(templates.password_reset(TO, "Amy", "Sunny Days", LINK, 60))

    [path] = (tmp_path / "mail").iterdir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_configuration_picks_the_folder_transport(tmp_path: Path, echoed: list[str]) -> None:
    config = MailConfig(transport="folder", sender=SENDER, folder=tmp_path / "outbox")

    transport = transport_for(config)

    assert isinstance(transport, FolderTransport)
    transport.send(
        templates.password_changed(
            TO, "Amy", "Sunny Days", "Firefox on Windows", datetime(2026, 11, 28, 9, tzinfo=UTC)
        )
    )
    [path] = (tmp_path / "outbox").glob("*.eml")
    assert read_eml(path)["From"] == SENDER


def test_the_configuration_picks_smtp_without_connecting() -> None:
    config = MailConfig(
        transport="smtp",
        sender=SENDER,
        folder=Path("unused"),
        smtp_host="smtp.azurecomm.net",
        smtp_port=587,
        smtp_username="journal.relay",
        smtp_password="from-key-vault",
        smtp_starttls=True,
    )

    transport = transport_for(config)

    assert isinstance(transport, SmtpTransport)
    assert "from-key-vault" not in repr(transport)


def test_a_configuration_that_would_send_credentials_in_clear_is_refused() -> None:
    config = MailConfig(
        transport="smtp",
        sender=SENDER,
        folder=Path("unused"),
        smtp_host="smtp.example.org",
        smtp_port=587,
        smtp_username="journal",
        smtp_password="from-key-vault",
        smtp_starttls=False,
    )

    with pytest.raises(ConfigError, match="unencrypted"):
        transport_for(config)
