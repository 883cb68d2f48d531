"""A record formatted into a log line shows what it is, never what it holds (S29).

Accounts carry e-mail addresses and password and PIN hashes, sessions their token digests, mails
their links, and observations children's names. A careless `log.info("%s", account)` or an
exception message built from a record must not copy any of that into a log.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import pkgutil
from datetime import UTC, datetime

import pytest

import shared
from shared.domain.people import Account, Role, Status
from shared.mail import templates

EMAIL = "amy.parent@family.example"
PASSWORD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"


def records_of_shared() -> list[type]:
    """Every dataclass defined in a module under shared/."""
    found: list[type] = []
    for module in pkgutil.walk_packages(shared.__path__, "shared."):
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            defined_here = isinstance(value, type) and value.__module__ == module.name
            if defined_here and dataclasses.is_dataclass(value):
                found.append(value)
    return found


def test_s29_an_account_in_a_log_line_shows_no_address_and_no_hash(caplog: pytest.LogCaptureFixture) -> None:
    account = Account("s-1", "u-1", EMAIL, "Amy Parent", Role.PARENT, Status.ACTIVE,
                      datetime(2026, 12, 6, tzinfo=UTC), password_hash=PASSWORD_HASH)  # fmt: skip
    mail = templates.password_reset(EMAIL, "Amy", "Sunny Days", "https://journal.example/r#q2Zk9sV7Lw", 60)

    with caplog.at_level(logging.DEBUG):
        logging.getLogger("journal").info("account %s, %r; mail %s", account, account, mail)
        logging.getLogger("journal").info(f"records {[account, mail]} {account=}")

    assert "Account" in caplog.text and "Mail" in caplog.text
    for secret in (EMAIL, PASSWORD_HASH, "Amy Parent", "q2Zk9sV7Lw"):
        assert secret not in caplog.text


def test_s29_no_record_of_ours_generates_a_repr_of_its_fields() -> None:
    records = records_of_shared()

    assert len(records) > 100  # the walk found the records, not an empty package
    printing = [r.__qualname__ for r in records if "__repr__" in vars(r)]
    assert printing == []
