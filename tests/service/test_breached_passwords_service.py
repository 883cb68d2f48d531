"""A new password the offline rules accept is still refused when Pwned Passwords knows it (S2)."""

from __future__ import annotations

import pytest

from shared.domain.errors import InvalidInput
from shared.domain.people import Role
from shared.services.credentials import activate
from shared.services.deps import Deps
from shared.services.invitations import invite
from tests.conftest import PIN, Mailbox, People
from tests.fakes.breaches import MemoryBreaches

FINE_OFFLINE = "copper kettle drifts over marsh"


def invited(deps: Deps, people: People) -> str:
    email = "new-parent@family.example"
    invite(deps, people.setting(), email=email, name="Sam Parent", role=Role.PARENT, actor="test")
    return email


def test_s2_a_password_known_from_a_breach_is_refused_on_activation(
    deps: Deps, people: People, mailbox: Mailbox
) -> None:
    assert isinstance(deps.breaches, MemoryBreaches)
    deps.breaches.known.add(FINE_OFFLINE)
    link = mailbox.link(invited(deps, people), "activate")
    with pytest.raises(InvalidInput, match="breach") as refused:
        activate(deps, token=link, password=FINE_OFFLINE, pin=PIN)
    assert refused.value.field == "password"


def test_s2_without_an_answer_from_the_breach_source_the_offline_rules_decide(
    deps: Deps, people: People, mailbox: Mailbox
) -> None:
    assert isinstance(deps.breaches, MemoryBreaches)
    deps.breaches.known.add(FINE_OFFLINE)
    deps.breaches.answering = False
    link = mailbox.link(invited(deps, people), "activate")
    assert activate(deps, token=link, password=FINE_OFFLINE, pin=PIN).password_hash


def test_s2_a_password_the_offline_rules_refuse_is_never_sent_to_the_breach_source(
    deps: Deps, people: People, mailbox: Mailbox
) -> None:
    assert isinstance(deps.breaches, MemoryBreaches)
    link = mailbox.link(invited(deps, people), "activate")
    with pytest.raises(InvalidInput):
        activate(deps, token=link, password="password1234", pin=PIN)
    assert deps.breaches.asked == []
