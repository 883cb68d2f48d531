"""The queue ports' contract: what is queued is what the queue's consumer reads, once."""

from __future__ import annotations

from shared.mail.message import Mail
from shared.services.deps import Deps
from tests.contract.conftest import EXPORT_QUEUE, MAIL_QUEUE, RESET_QUEUE, Queued


def test_s12_a_queued_mail_reaches_the_mail_function_whole(
    ports: Deps, queued: Queued, setting_id: str
) -> None:
    mail = Mail(f"{setting_id}@family.example", "Your reset link", "Open https://x/reset#t", "<p>Open</p>")
    ports.outbox.send(mail)
    assert queued(MAIL_QUEUE, setting_id) == [mail]


def test_s12_a_reset_request_is_queued_with_its_setting_and_address(
    ports: Deps, queued: Queued, setting_id: str
) -> None:
    ports.resets.submit(setting_id, "sam@family.example")
    ports.resets.submit(setting_id, "kim@family.example")
    assert queued(RESET_QUEUE, setting_id) == [
        {"setting": setting_id, "email": "sam@family.example"},
        {"setting": setting_id, "email": "kim@family.example"},
    ]


def test_an_export_request_is_queued_by_ids_only(ports: Deps, queued: Queued, setting_id: str) -> None:
    ports.export_requests.submit(setting_id, "e123")
    assert queued(EXPORT_QUEUE, setting_id) == [{"setting": setting_id, "export": "e123"}]
