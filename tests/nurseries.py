"""Helpers for the people-and-permissions tests: a setting with a signed-in manager.

The `nursery` and `other_nursery` fixtures in tests/conftest.py build these.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from devhost.world import Place
from shared.domain.children import Child
from shared.domain.people import Principal, Role
from shared.domain.settings import Setting
from shared.services import step_up_methods as _methods  # noqa: F401 (registers the step-up methods)
from shared.services.credentials import activate
from shared.services.deps import Deps
from shared.services.sessions import authenticate
from shared.services.signin import complete_sign_in, start_sign_in
from shared.services.step_up import step_up
from tests.conftest import PASSWORD, PIN, Mailbox, Member, People


def session_token(deps: Deps, member: Member) -> str:
    challenge = start_sign_in(deps, setting=member.setting_id, email=member.email, password=member.password)
    return complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="Firefox on Linux").token


def signed_in(deps: Deps, member: Member, *, stepped_up: bool = True) -> Principal:
    """A signed-in principal; by default one who has just confirmed it is them with their
    password (S35), as the client's dialog does before a sensitive change."""
    token = session_token(deps, member)
    if not stepped_up:
        return authenticate(deps, token)
    step_up(deps, authenticate(deps, token), method="password", proof={"password": member.password})
    return authenticate(deps, token)


def stepped_up(deps: Deps, who: Principal, password: str = PASSWORD) -> Principal:
    """`who` after confirming it is them with their password just now (S35)."""
    step_up(deps, who, method="password", proof={"password": password})
    return replace(who, stepped_up_at=deps.clock.now())


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

    @property
    def place(self) -> Place:
        return Place(self.deps, self.setting.setting_id)

    def child(
        self,
        *,
        firstName: str = "Ada",
        lastName: str = "Lovelace",
        keyPersonId: str | None = None,
        photosInOwnJournal: bool = True,
        photosInOthersJournals: bool = False,
    ) -> Child:
        """A child added by the manager through the use case (so checked and audited); the
        arguments have the API's names, as the tests that call it write them."""
        return self.place.child(
            firstName, lastName, born=date(2023, 3, 1), key_person=keyPersonId,
            own_photos=photosInOwnJournal, others_photos=photosInOthersJournals, by=self.manager,
        )  # fmt: skip


def open_nursery(deps: Deps, people: People, mailbox: Mailbox) -> Nursery:
    """A setting made by the platform use case, whose manager activates from the mail and signs in."""
    setting = people.setting()
    email = f"maya@{setting.setting_id}.example"
    account = activate(deps, token=mailbox.link(email, "activate"), password=PASSWORD, pin=PIN)
    member = Member(setting.setting_id, account.user_id, email)
    return Nursery(deps, people, setting, signed_in(deps, member), member)
