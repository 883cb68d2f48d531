"""Helpers for the people-and-permissions tests: a setting with a signed-in manager.

The `nursery` and `other_nursery` fixtures in tests/conftest.py build these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.domain.children import Child
from shared.domain.people import Principal, Role
from shared.domain.settings import Setting
from shared.services import children
from shared.services.credentials import activate
from shared.services.deps import Deps
from shared.services.sessions import authenticate
from shared.services.signin import complete_sign_in, start_sign_in
from tests.conftest import PASSWORD, PIN, Mailbox, Member, People


def session_token(deps: Deps, member: Member) -> str:
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    return complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="Firefox on Linux").token


def signed_in(deps: Deps, member: Member) -> Principal:
    return authenticate(deps, session_token(deps, member))


@dataclass
class Nursery:
    """A setting whose first manager has activated and signed in."""

    deps: Deps
    people: People
    setting: Setting
    manager: Principal
    manager_member: Member

    def member(self, role: Role) -> Member:
        return self.people.member(role, setting=self.setting)

    def principal(self, role: Role) -> tuple[Member, Principal]:
        member = self.member(role)
        return member, signed_in(self.deps, member)

    def child(self, **fields: Any) -> Child:
        """A child added by the manager; `fields` by their API names (firstName, keyPersonId, ...)."""
        body = {"firstName": "Ada", "lastName": "Lovelace", "dateOfBirth": date(2023, 3, 1).isoformat(),
                "photosInOwnJournal": True, "photosInOthersJournals": False, **fields}  # fmt: skip
        details = children.ChildDetails(**{_DETAILS[name]: value for name, value in body.items()})
        return children.add_child(self.deps, self.manager, details)


_DETAILS = {"firstName": "first_name", "lastName": "last_name", "dateOfBirth": "date_of_birth",
            "keyPersonId": "key_person_id", "photosInOwnJournal": "photos_in_own_journal",
            "photosInOthersJournals": "photos_in_others_journals"}  # fmt: skip


def open_nursery(deps: Deps, people: People, mailbox: Mailbox) -> Nursery:
    setting = people.setting()
    email = f"maya@{setting.setting_id}.example"
    account = activate(deps, token=mailbox.link(email, "activate"), password=PASSWORD, pin=PIN)
    member = Member(setting.setting_id, account.user_id, email)
    return Nursery(deps, people, setting, signed_in(deps, member), member)
