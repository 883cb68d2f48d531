"""Notification mail end to end: Azurite storage, the real digest run, a real SMTP server on loopback."""

from __future__ import annotations

import multiprocessing
import os
import secrets
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from shared import bootstrap
from shared.clock import FrozenClock
from shared.config import Config
from shared.mail import templates, transports
from shared.mail.message import Mail, PermanentFailure
from shared.mail.transports import MailDeliveryFailed, SmtpTransport
from shared.services import digests, leaving, link_mails, notifications
from shared.services.deps import Deps
from shared.storage.clients import StorageClients
from tests.fakes.queues import MemoryLinkMails
from tests.integration.test_mail_smtp import Received, Recorder, smtp_server, transport
from tests.notification_day import MORNING, SECRET_TEXT, Day, activity, nursery


class Bouncer(Recorder):
    """Refuses one address for good at RCPT, as a receiving server does for an unknown mailbox."""

    def __init__(self, refused: str, reply: str = "550 5.1.1 No such mailbox") -> None:
        super().__init__()
        self.refused = refused
        self.reply = reply

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address == self.refused:
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def day_clock() -> FrozenClock:
    return FrozenClock(MORNING)


@pytest.fixture
def world(config: Config, clients: StorageClients, day_clock: FrozenClock) -> Day:
    return nursery(bootstrap.build(config, clients, day_clock), "s" + secrets.token_hex(6))


@pytest.fixture
def recorder() -> Iterator[tuple[Recorder, SmtpTransport]]:
    found = Recorder()
    with smtp_server(found) as port:
        yield found, transport(port)


def _run(deps: Deps, setting_id: str, send: digests.Send) -> digests.RunReport:
    """The run for this test's setting only: the emulator holds other tests' settings too."""
    setting = deps.settings.get(setting_id)
    assert setting is not None
    report = digests.RunReport()
    digests.run_setting(deps, setting, send, lambda: False, report)
    return report


def _to(received: list[Received], address: str) -> list[Received]:
    return [r for r in received if address in r.rcpt_tos]


def _text(received: Received) -> str:
    return str(received.message.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]


def _html(received: Received) -> str:
    return str(received.message.get_body(preferencelist=("html",)).get_content())  # type: ignore[union-attr]


def test_a_day_of_activity_mails_exactly_one_digest_per_parent_with_the_right_counts(
    world: Day, day_clock: FrozenClock, recorder: tuple[Recorder, SmtpTransport]
) -> None:
    received, smtp = recorder
    activity(world)
    day_clock.advance(hours=9)
    deps = world.place.deps
    _run(deps, world.place.setting_id, smtp.send)
    (poppy,) = _to(received.received, world.poppys_parent.email)
    (ben,) = _to(received.received, world.bens_parent.email)
    assert "2 new entries in Poppy\u2019s journal" in _text(poppy)
    for line in ("2 new entries in Ben\u2019s journal", "1 new comment in Ben\u2019s journal",
                 "1 moment from home added to Ben\u2019s journal"):  # fmt: skip
        assert line in _text(ben)
    _run(deps, world.place.setting_id, smtp.send)  # the timer's next run in the same hour
    assert len(_to(received.received, world.poppys_parent.email)) == 1


def test_s40_digests_have_both_parts_one_click_headers_and_no_content(
    world: Day, day_clock: FrozenClock, recorder: tuple[Recorder, SmtpTransport]
) -> None:
    received, smtp = recorder
    activity(world)
    day_clock.advance(hours=9)
    _run(world.place.deps, world.place.setting_id, smtp.send)
    for parent, other in ((world.poppys_parent, "Ben"), (world.bens_parent, "Poppy")):
        (mail,) = _to(received.received, parent.email)
        assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = str(mail.message["List-Unsubscribe"])
        assert link.startswith("<http") and link.endswith(">") and "=?" not in link
        for body in (_text(mail), _html(mail), str(mail.message["Subject"])):
            assert SECRET_TEXT not in body and "hamster" not in body and other not in body
            assert "Smith" not in body and "Jones" not in body


def test_a_run_killed_after_two_mails_and_run_again_mails_everyone_exactly_once(
    world: Day, day_clock: FrozenClock, recorder: tuple[Recorder, SmtpTransport]
) -> None:
    received, smtp = recorder
    activity(world)
    day_clock.advance(hours=9)
    sent = 0

    def killed_after_two(mail: Mail) -> None:
        nonlocal sent
        smtp.send(mail)
        sent += 1
        if sent == 2:  # delivered, then the host stops the run before it is recorded
            raise SystemExit("killed")

    with pytest.raises(SystemExit):
        _run(world.place.deps, world.place.setting_id, killed_after_two)
    day_clock.advance(minutes=5)
    _run(world.place.deps, world.place.setting_id, smtp.send)
    everyone = [world.poppys_parent.email, world.bens_parent.email, world.manager.email]
    assert sorted(r for m in received.received for r in m.rcpt_tos) == sorted(everyone)


def test_a_permanent_smtp_failure_marks_the_address_and_stops_digests_to_it(
    world: Day, day_clock: FrozenClock
) -> None:
    bouncer = Bouncer(world.poppys_parent.email)
    deps = world.place.deps
    with smtp_server(bouncer) as port:
        smtp = transport(port)
        activity(world)
        day_clock.advance(hours=9)
        report = _run(deps, world.place.setting_id, smtp.send)
        assert report.bounced == 1
        accounts = [world.poppys_parent.account, world.bens_parent.account]
        parents = notifications.undeliverable(deps, world.place.setting_id, accounts)
        assert parents == {world.poppys_parent.user_id}
        world.place.observe(world.manager, world.poppy, publish=True)
        day_clock.advance(days=1)
        assert _run(deps, world.place.setting_id, smtp.send).bounced == 0
        # A security notice still goes: it is sent whatever the choices and the bounce (S36).
        smtp.send(
            templates.password_changed("bo@example.org", "Bo", "Little Acorns", "Firefox", day_clock.now())
        )
    assert not any(world.poppys_parent.email in m.rcpt_tos for m in bouncer.received)
    notice = [m for m in bouncer.received if "bo@example.org" in m.rcpt_tos]
    assert notice and "List-Unsubscribe" not in notice[0].message


def test_on_the_spring_clock_change_the_digest_leaves_at_17_00_utc_which_is_18_00_in_london(
    config: Config, clients: StorageClients, recorder: tuple[Recorder, SmtpTransport]
) -> None:
    received, smtp = recorder
    clock = FrozenClock(datetime(2026, 3, 29, 9, 0, tzinfo=UTC))
    found = nursery(bootstrap.build(config, clients, clock), "s" + secrets.token_hex(6))
    activity(found)
    clock.advance(hours=7, minutes=55)  # 16:55 UTC, 17:55 BST
    _run(found.place.deps, found.place.setting_id, smtp.send)
    assert received.received == []
    clock.advance(minutes=5)
    _run(found.place.deps, found.place.setting_id, smtp.send)
    assert _to(received.received, found.poppys_parent.email)


def test_only_a_5xx_reply_is_permanent_a_4xx_is_tried_again_later() -> None:
    mail = Mail(to="gone@example.org", subject="Hello", text="Hello", html="<p>Hello</p>")
    for reply, permanent in (("550 5.1.1 No such mailbox", True), ("451 4.3.0 Try again later", False)):
        with (
            smtp_server(Bouncer("gone@example.org", reply)) as port,
            pytest.raises(MailDeliveryFailed) as raised,
        ):
            transport(port).send(mail)
        assert isinstance(raised.value, PermanentFailure) is permanent


def _round_rows(deps: Deps, setting_id: str, day_clock: FrozenClock) -> dict[str, str]:
    return dict(deps.notifications.mails(setting_id, f"daily-{day_clock.now().date().isoformat()}"))


def test_a_run_stopped_inside_a_claimed_batch_gives_back_the_unsent_claims_and_the_next_run_sends_them_once(
    world: Day, day_clock: FrozenClock, recorder: tuple[Recorder, SmtpTransport]
) -> None:
    received, smtp = recorder
    activity(world)
    day_clock.advance(hours=9)
    deps, setting_id = world.place.deps, world.place.setting_id
    sent = 0

    def killed_after_one(mail: Mail) -> None:
        nonlocal sent
        smtp.send(mail)
        sent += 1
        if sent == 1:  # the three mails are one claimed batch: two are still to go
            raise KeyboardInterrupt("the host is stopping")

    with pytest.raises(KeyboardInterrupt):
        _run(deps, setting_id, killed_after_one)
    # The mail cut off mid-send keeps its claim (it may have gone); the two never tried are free.
    assert len(_round_rows(deps, setting_id, day_clock)) == 1
    day_clock.advance(minutes=5)
    assert _run(deps, setting_id, smtp.send).sent == 2
    assert _run(deps, setting_id, smtp.send).sent == 0
    everyone = [world.poppys_parent.email, world.bens_parent.email, world.manager.email]
    assert sorted(r for m in received.received for r in m.rcpt_tos) == sorted(everyone)


def _killed_run(config: Config, setting_id: str, now: datetime, port: int) -> None:
    """In a child process: run the digest and die outright (no `finally` runs) after one mail."""
    deps = bootstrap.build(config, StorageClients(config.storage), FrozenClock(now))
    setting = deps.settings.get(setting_id)
    assert setting is not None
    smtp = transport(port)

    def dies(mail: Mail) -> None:
        smtp.send(mail)
        os._exit(9)  # as a host killing the process would

    digests.run_setting(deps, setting, dies, lambda: False, digests.RunReport())


def test_a_process_killed_inside_a_claimed_batch_sends_nobody_a_second_copy_and_not_the_rest_of_it(
    config: Config, world: Day, day_clock: FrozenClock, recorder: tuple[Recorder, SmtpTransport]
) -> None:
    """At most once (docs/architecture.md): the killed batch's other claims stay, so those people
    miss this round's digest rather than anyone getting two."""
    received, smtp = recorder
    activity(world)
    day_clock.advance(hours=9)
    deps, setting_id = world.place.deps, world.place.setting_id
    port = smtp._port  # the recorder's server, which outlives the child
    child = multiprocessing.get_context("fork").Process(
        target=_killed_run, args=(config, setting_id, day_clock.now(), port)
    )
    child.start()
    child.join(60)
    assert child.exitcode == 9
    assert len(received.received) == 1
    assert len(_round_rows(deps, setting_id, day_clock)) == 3  # the whole batch was claimed first
    day_clock.advance(minutes=5)
    report = _run(deps, setting_id, smtp.send)
    assert report.sent == 0
    addresses = [r for m in received.received for r in m.rcpt_tos]
    assert len(addresses) == len(set(addresses)) == 1


class Greeted(Recorder):
    """Counts connections by their EHLO: one a connection."""

    def __init__(self) -> None:
        super().__init__()
        self.connections = 0

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        self.connections += 1
        session.host_name = hostname  # aiosmtpd leaves this to a handler that answers EHLO
        return responses


def test_a_session_sends_a_batch_over_one_connection_and_opens_the_next_after_its_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(transports, "SESSION_MAILS", 2)
    greeted = Greeted()
    mails = [Mail(to=f"p{n}@example.org", subject="Hi", text="Hi", html="<p>Hi</p>") for n in range(3)]
    with smtp_server(greeted) as port, transport(port).session() as send:
        for mail in mails:
            send(mail)
    assert [m.rcpt_tos for m in greeted.received] == [[m.to] for m in mails]
    assert greeted.connections == 2


def test_s40_the_journal_closing_notice_has_one_click_headers_and_a_first_name_only(
    world: Day, recorder: tuple[Recorder, SmtpTransport]
) -> None:
    received, smtp = recorder
    queued = MemoryLinkMails()
    deps = replace(world.place.deps, link_mails=queued)
    leaving.archive_child(deps, world.place.acting(world.manager), world.poppy.child_id,
                          deps.clock.now().date().isoformat())  # fmt: skip
    for instruction in queued.take():  # the mail worker's half, as functions/mail.py runs it
        assert link_mails.deliver(deps, instruction.to_json(), smtp.send)
    (notice,) = _to(received.received, world.poppys_parent.email)
    assert notice.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(notice.message["List-Unsubscribe"])
    assert link.startswith("<http") and "/api/notifications/unsubscribe?token=" in link
    assert "closes on" in str(notice.message["Subject"]) and "Smith" not in _text(notice) + _html(notice)
    token = link.strip("<>").split("token=")[1]
    assert notifications.unsubscribe(deps, unquote(token)).kind.value == "journal-closing"
