"""Link mails on the in-memory fakes (S13, S38, S39): instructions carry ids and an epoch only,
the worker mints the link, and an instruction a newer request overtook sends nothing."""

from __future__ import annotations

import json

import pytest

from shared.domain.errors import InvalidInput, Unauthenticated
from shared.domain.people import Role
from shared.mail.message import Mail
from shared.services import email_change, link_mails
from shared.services.credentials import process_reset_request
from shared.services.deps import Deps
from shared.services.ports import LinkMail
from tests.conftest import PASSWORD, People
from tests.fakes.wiring import Fakes


def _deliver(deps: Deps, instruction: LinkMail) -> list[Mail]:
    sent: list[Mail] = []
    link_mails.deliver(deps, instruction.to_json(), sent.append)
    return sent


def test_s39_a_queued_link_instruction_holds_ids_and_an_epoch_and_no_token(
    fakes: Fakes, people: People
) -> None:
    member = people.member(Role.PARENT)
    fakes.link_mails.take()
    process_reset_request(fakes.deps, member.setting_id, member.email)
    (instruction,) = fakes.link_mails.take()
    assert set(json.loads(instruction.to_json())) == {"kind", "setting", "user", "epoch"}
    (mail,) = _deliver(fakes.deps, instruction)
    assert "/reset#" in mail.text and mail.to == member.email


def test_s13_an_instruction_overtaken_by_a_newer_request_sends_nothing(fakes: Fakes, people: People) -> None:
    member = people.member(Role.PARENT)
    fakes.link_mails.take()
    process_reset_request(fakes.deps, member.setting_id, member.email)
    process_reset_request(fakes.deps, member.setting_id, member.email)
    older, newer = fakes.link_mails.take()
    assert _deliver(fakes.deps, older) == []
    assert len(_deliver(fakes.deps, newer)) == 1
    outcomes = [e.outcome for e in fakes.audit.events(member.setting_id) if e.action == "link.reset.mail"]
    assert outcomes[-2:] == ["stale", "success"]


BAD = [
    "",
    "[]",
    '{"kind": "reset"}',
    '{"kind": "x", "setting": "s", "user": "u", "epoch": 1}',
    '{"kind": "reset", "setting": "s", "user": "u", "epoch": "1"}',
]


@pytest.mark.parametrize("raw", BAD)
def test_s39_anything_but_a_link_instruction_is_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        LinkMail.from_json(raw)


def test_s38_an_object_link_cancels_the_change_once_and_the_confirm_link_dies(
    fakes: Fakes, people: People
) -> None:
    member = people.member(Role.PARENT)
    account = fakes.deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None
    fakes.link_mails.take()
    email_change._request(fakes.deps, "u-manager", account, "mine@manager.example")
    confirm, objection = (_deliver(fakes.deps, i)[0] for i in fakes.link_mails.take())
    token_of = lambda mail, page: mail.text.split(f"/{page}#", 1)[1].split()[0]  # noqa: E731
    email_change.object_to(fakes.deps, token=token_of(objection, "email-object"))
    with pytest.raises(Unauthenticated):
        email_change.object_to(fakes.deps, token=token_of(objection, "email-object"))
    with pytest.raises(Unauthenticated):
        email_change.confirm(fakes.deps, token=token_of(confirm, "email-confirm"), password=PASSWORD)
    actions = [e.action for e in fakes.audit.events(member.setting_id)]
    assert "email-change.request" in actions and "email-change.object" in actions


def test_s38_five_wrong_passwords_at_the_confirm_step_cancel_the_change(fakes: Fakes, people: People) -> None:
    member = people.member(Role.PARENT)
    account = fakes.deps.accounts.get(member.setting_id, member.user_id)
    assert account is not None
    fakes.link_mails.take()
    email_change._request(fakes.deps, "u-manager", account, "mine@manager.example")
    confirm = _deliver(fakes.deps, fakes.link_mails.take()[0])[0]
    token = confirm.text.split("/email-confirm#", 1)[1].split()[0]
    for _ in range(4):
        with pytest.raises(InvalidInput):
            email_change.confirm(fakes.deps, token=token, password="not the password at all")
    with pytest.raises(Unauthenticated):
        email_change.confirm(fakes.deps, token=token, password="not the password at all")
    with pytest.raises(Unauthenticated):
        email_change.confirm(fakes.deps, token=token, password=PASSWORD)
    stored = fakes.deps.accounts.get(member.setting_id, member.user_id)
    assert stored is not None and stored.email == member.email and stored.email_change is None


def test_s38_a_change_requested_while_a_mail_worker_writes_the_account_is_still_stored(
    fakes: Fakes, people: People
) -> None:
    member = people.member(Role.PARENT)
    stale = fakes.deps.accounts.get(member.setting_id, member.user_id)
    meanwhile = fakes.deps.accounts.get(member.setting_id, member.user_id)
    assert stale is not None and meanwhile is not None
    fakes.deps.accounts.save(meanwhile)  # as a worker minting an earlier request's link would
    email_change._request(fakes.deps, "u-manager", stale, "second@family.example")
    stored = fakes.deps.accounts.get(member.setting_id, member.user_id)
    assert stored is not None and stored.email_change is not None
    assert stored.email_change.new_email == "second@family.example"
