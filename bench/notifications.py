"""Digest figures: the 18:00 run for a setting of 600 parents, against bare SMTP sends of the same mails.

The setting (300 children, two parents each, one published entry per child each day) is built
through devhost/world.py on the bench's Azurite, with cheap Argon2 parameters for the accounts
only: hashing 1,200 secrets at production cost measures Argon2, not notifications. Both sides
send through the same SmtpTransport to the same aiosmtpd server on loopback, one connection a mail.
"""

from __future__ import annotations

import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from bench.world import World
from devhost.world import World as BuiltWorld
from shared.clock import FrozenClock
from shared.domain.people import Role
from shared.mail.message import Mail
from shared.mail.transports import SmtpTransport
from shared.security.hashing import SecretHasher
from shared.services import digests
from shared.services.digests import Send

PARENTS = 600
# Three evenings in a row: each day one published entry per child, and the 18:00 run.
DAYS = 3
# A Monday morning in winter: 18:00 in London is 18:00 UTC.
MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PASSWORD, PIN = "maple otter lantern drizzle", "480317"


class _Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.count += 1
        return "250 OK"


@contextmanager
def _smtp() -> Iterator[tuple[_Sink, SmtpTransport]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = _Sink()
    # A fixed server name: otherwise aiosmtpd looks up this host's FQDN on every connection.
    controller = Controller(
        sink, hostname="127.0.0.1", port=port, server_hostname="mail.bench", ready_timeout=5
    )
    controller.start()
    try:
        yield sink, SmtpTransport("127.0.0.1", port, "", "", False, "Bench <no-reply@bench.example>", 10)
    finally:
        controller.stop()


def digest_ratios(world: World) -> dict[str, float]:
    """The figures `make bench` reports among its ratios."""
    found = digest_figures(world)
    return {"digest_run_vs_bare_smtp": found["digest_run_vs_bare_smtp"],
            "digest_storage_requests_per_parent": found["storage_requests_per_parent"]}  # fmt: skip


def digest_figures(world: World) -> dict[str, float]:
    """Storage requests per parent and the run's time over bare SMTP sends of its mails."""
    clock = FrozenClock(MORNING)
    config = world.deps.config
    cheap = SecretHasher(config.peppers, config.pepper_current, "test")
    deps = replace(world.deps, clock=clock, hasher=cheap)
    place = BuiltWorld(deps).setting("digest-" + secrets.token_hex(3), "Digest Nursery")
    manager = place.manager("Dee Manager", f"dee@{place.setting_id}.example", password=PASSWORD, pin=PIN)
    children = []
    for n in range(PARENTS // 2):
        child = place.child(f"Child{n}", "Bench")
        children.append(child)
        for m in range(2):
            parent = place.person(Role.PARENT, f"Parent{n}x{m} Bench", f"p{n}x{m}@{place.setting_id}.example",
                                  password=PASSWORD, pin=PIN)  # fmt: skip
            place.link(parent, child)
    setting = place.setting
    report = digests.RunReport()
    run_s = bare_s = bare_session_s = 0.0
    requests = 0
    with _smtp() as (sink, smtp):
        # Each evening the timer's run mails all 600 parents in one invocation (its budget is
        # four minutes), then the same mails are sent bare, so the machine's other load weighs
        # on both sides alike; three evenings, summed.
        for day in range(DAYS):
            clock.advance(seconds=(MORNING + timedelta(days=day) - clock.now()).total_seconds())
            for child in children:
                place.observe(manager, child, text=f"{child.first_name} built a tower.", publish=True)
            clock.advance(hours=9)  # 18:00
            batch: list[Mail] = []
            with smtp.session() as over_one:  # a connection for each 50 mails, as the timer sends

                def send(mail: Mail, batch: list[Mail] = batch, over_one: Send = over_one) -> None:
                    over_one(mail)
                    batch.append(mail)

                with world.counter.during() as window:
                    started = time.perf_counter()
                    digests.run_setting(deps, setting, send, lambda: False, report)
                    run_s += time.perf_counter() - started
            requests += window.requests
            assert len(batch) == PARENTS, len(batch)
            started = time.perf_counter()
            for mail in batch:
                smtp.send(mail)
            bare_s += time.perf_counter() - started
            # Like for like, for the record: the same mails sent bare over one connection per 50.
            started = time.perf_counter()
            with smtp.session() as over_one:
                for mail in batch:
                    over_one(mail)
            bare_session_s += time.perf_counter() - started
        delivered = sink.count
    assert report.sent == DAYS * PARENTS and delivered == 3 * DAYS * PARENTS, (report.sent, delivered)
    return {
        "parents": PARENTS,
        "evenings": DAYS,
        "mails": report.sent,
        "storage_requests": requests,
        "storage_requests_per_parent": round(requests / (DAYS * PARENTS), 3),
        "run_s": round(run_s, 2),
        "bare_smtp_s": round(bare_s, 2),
        "digest_run_vs_bare_smtp": round(run_s / bare_s, 3),
        "bare_smtp_one_connection_per_50_s": round(bare_session_s, 2),
        "digest_run_vs_bare_smtp_one_connection_per_50": round(run_s / bare_session_s, 3),
    }


def print_digest(figures: dict[str, float]) -> None:
    print(
        f"\ndigest run, one setting of {figures['parents']:.0f} parents, {figures['evenings']:.0f} evenings:"
        f" {figures['run_s']} s against"
        f" {figures['bare_smtp_s']} s of bare SMTP sends of the same mails:"
        f" {figures['digest_run_vs_bare_smtp']}x (goal 1.5);"
        f" {figures['storage_requests_per_parent']} storage requests per parent; against the same mails"
        f" sent bare over one connection per 50 too ({figures['bare_smtp_one_connection_per_50_s']} s):"
        f" {figures['digest_run_vs_bare_smtp_one_connection_per_50']}x"
    )
