"""One way to build a nursery's world: settings, staff, parents, children, links and observations.

Tests, the bench and the demo seed all build through it, so a change to what a setting, a child
or an observation needs is made once. It asks only the use cases and the ports of a `Deps`
(never storage), so the same world builds on the in-memory fakes and on Azurite:

    place = World(deps).setting("acorns", "Little Acorns")
    maya = place.manager("Maya Patel", "maya@acorns.example", password=..., pin=...)
    ada = place.child("Ada", "Lovelace", key_person=maya)
    place.link(place.parent("Pat Parent", "pat@home.example", password=..., pin=...), ada)
    place.observe(maya, ada, text="Ada counted to ten.", photos=[jpeg], publish=True)
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from shared.domain.children import Child, ChildStatus, ParentLink
from shared.domain.identifiers import new_child_id
from shared.domain.observations import Observation
from shared.domain.people import Account, Principal, Role, Status
from shared.domain.rooms import Room
from shared.domain.settings import Setting
from shared.services import access, observations, rooms
from shared.services.children import ChildDetails, add_child
from shared.services.deps import Deps
from shared.services.invitations import new_user_id
from shared.services.photos import Upload, upload_photo
from shared.services.platform import create_setting

BORN = date(2023, 3, 14)
# What a session check would grant; long enough for any seeding or test, never stored.
_SESSION = timedelta(hours=12)


@dataclass(frozen=True)
class Person:
    """An active account of the world and the secrets it signs in with."""

    account: Account
    password: str
    pin: str

    @property
    def user_id(self) -> str:
        return self.account.user_id

    @property
    def email(self) -> str:
        return self.account.email


# Anyone the world may act as or link: a person it built, an account, or a session's principal.
Someone = Person | Principal | Account


def acting_as(
    setting_id: str,
    role: Role,
    now: datetime,
    *,
    name: str = "Sam Parent",
    user_id: str | None = None,
    email: str | None = None,
    session_digest: str = "0" * 64,
) -> Principal:
    """Who a session check would return; for use cases that read only the principal, the account
    need not be stored. The world acts as someone who has just confirmed it is them (S35)."""
    email = email or f"{secrets.token_hex(3)}@family.example"
    end = now + _SESSION
    return Principal(setting_id, user_id or new_user_id(), name, email, role, session_digest, end, end,
                     stepped_up_at=now)  # fmt: skip


class Place:
    """One setting of the world, and the people, children and journal built in it."""

    def __init__(self, deps: Deps, setting_id: str) -> None:
        self.deps = deps
        self.setting_id = setting_id

    @property
    def setting(self) -> Setting:
        found = self.deps.settings.get(self.setting_id)
        if found is None:
            raise LookupError(f"no setting {self.setting_id!r} in this world")
        return found

    def update_setting(self, **changes: Any) -> Setting:
        """The setting with these fields changed (its privacy policy, retention, ...), saved."""
        setting = self.setting
        for name, value in changes.items():
            setattr(setting, name, value)
        self.deps.settings.save(setting)
        return setting

    # -- people -------------------------------------------------------------------------------

    def person(self, role: Role, name: str, email: str, *, password: str, pin: str) -> Person:
        """An active account that signs in with `password` and `pin`; building it again resets
        the same account's secrets and counters, so a seed can run twice."""
        existing = self.deps.accounts.find_by_email(self.setting_id, email)
        account = existing or Account(
            self.setting_id, new_user_id(), email, name, role, Status.ACTIVE, self.deps.clock.now()
        )
        account.password_hash = self.deps.hasher.hash(password)
        account.pin_hash = self.deps.hasher.hash(pin)
        account.failed_logins = account.failed_pins = 0
        account.pin_locked = False
        if existing:
            self.deps.accounts.save(account)
        else:
            self.deps.accounts.add(account)
        return Person(account, password, pin)

    def manager(self, name: str, email: str, *, password: str, pin: str) -> Person:
        return self.person(Role.MANAGER, name, email, password=password, pin=pin)

    def practitioner(self, name: str, email: str, *, password: str, pin: str) -> Person:
        return self.person(Role.PRACTITIONER, name, email, password=password, pin=pin)

    def parent(self, name: str, email: str, *, password: str, pin: str) -> Person:
        return self.person(Role.PARENT, name, email, password=password, pin=pin)

    def acting(
        self,
        who: Person | Account | Role,
        *,
        name: str = "Sam Parent",
        user_id: str | None = None,
        session_digest: str = "0" * 64,
    ) -> Principal:
        """Who a session check would return: for a person or account of the world, or, given a
        role, for someone with no stored account (use cases that read only the principal)."""
        now = self.deps.clock.now()
        if isinstance(who, Person):
            who = who.account
        if isinstance(who, Account):
            setting_id, user_id, name, email, role = (
                who.setting_id,
                who.user_id,
                who.name,
                who.email,
                who.role,
            )
        else:
            setting_id, role = self.setting_id, who
            user_id, email = user_id or new_user_id(), f"{secrets.token_hex(3)}@family.example"
        return Principal(
            setting_id, user_id, name, email, role, session_digest, now + _SESSION, now + _SESSION
        )

    # -- children -----------------------------------------------------------------------------

    def child(
        self,
        first: str,
        last: str,
        *,
        born: date = BORN,
        key_person: Someone | str | None = None,
        own_photos: bool = True,
        others_photos: bool = True,
        status: ChildStatus = ChildStatus.ACTIVE,
        archived_at: datetime | None = None,
        by: Someone | None = None,
    ) -> Child:
        """A child on the setting's roll, with the photo consents the setting recorded: added
        `by` a manager through the use case (checked and audited), or else written directly."""
        key = key_person if isinstance(key_person, str | None) else key_person.user_id
        if by is not None:
            if status is not ChildStatus.ACTIVE or archived_at is not None:
                raise ValueError("a child added through the use case starts on the roll")
            details = ChildDetails(
                first_name=first,
                last_name=last,
                date_of_birth=born.isoformat(),
                key_person_id=key,
                photos_in_own_journal=own_photos,
                photos_in_others_journals=others_photos,
            )
            return add_child(self.deps, self._principal(by), details)
        child = Child(
            self.setting_id,
            new_child_id(),
            first,
            last,
            born,
            key,
            own_photos,
            others_photos,
            status,
            self.deps.clock.now(),
            archived_at=archived_at,
        )
        self.deps.children.add(child)
        return child

    def link(self, parent: Someone, *children: Child) -> None:
        """`parent` may see these children's journals from the next request on."""
        for child in children:
            self.deps.links.link(
                ParentLink(self.setting_id, parent.user_id, child.child_id, self.deps.clock.now())
            )

    # -- the journal --------------------------------------------------------------------------

    def observe(
        self,
        author: Someone,
        *children: Child,
        text: str = "Built a tall tower and counted the bricks.",
        areas: Iterable[str] = ("mathematics",),
        next_steps: str = "",
        observed_on: date | str | None = None,
        photos: Sequence[bytes] = (),
        submit: bool = False,
        publish: Someone | bool = False,
    ) -> Observation:
        """An observation drafted by `author` through the use cases, with its photos uploaded;
        submitted for review if asked, and published by `publish` (or by its author if True)."""
        writer = self._principal(author)
        day = observed_on or self.deps.clock.now().date()
        given = observations.ObservationText(
            child_ids=[c.child_id for c in children],
            text=text,
            areas=list(areas),
            next_steps=next_steps,
            observed_on=day if isinstance(day, str) else day.isoformat(),
        )
        made = observations.create_observation(self.deps, writer, given)
        for photo in photos:
            upload_photo(self.deps, writer, made.observation_id, Upload(photo))
        if submit:
            made = observations.submit_observation(self.deps, writer, made.observation_id)
        if publish is not False:
            publisher = writer if publish is True else self._principal(publish)
            # The publisher names the version they have open, as the approvals screen does.
            reviewed = access.visible_observation(self.deps, publisher, made.observation_id).etag
            made = observations.publish_observation(self.deps, publisher, made.observation_id, reviewed)
        elif photos:
            made = access.visible_observation(self.deps, writer, made.observation_id)
        return made

    # -- rooms (through the use cases, as a manager would) -------------------------------------

    def room(self, name: str, *, by: Someone) -> Room:
        return rooms.add_room(self.deps, self._principal(by), name)

    def move(self, child: Child, room: Room, *, by: Someone, on: date | None = None) -> None:
        """Put the child in the room (from `on`, default today), from wherever it is now."""
        manager = self._principal(by)
        current = self.deps.rooms.placement(self.setting_id, child.child_id)
        version = current.etag if current else rooms.NOT_PLACED
        day = on.isoformat() if on else None
        rooms.move_child(self.deps, manager, child.child_id, room.room_id, day, version)

    def assign(self, member: Someone, *in_rooms: Room, by: Someone) -> None:
        """These become the rooms of a member of staff."""
        rooms.set_staff_rooms(self.deps, self._principal(by), member.user_id, [r.room_id for r in in_rooms])

    def _principal(self, who: Someone) -> Principal:
        return who if isinstance(who, Principal) else self.acting(who)


class World:
    """The settings of one Deps: added directly, or created by the platform use case."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def setting(
        self, setting_id: str, name: str, *, retention_days: int = 365, email_domain: str | None = None
    ) -> Place:
        """The setting with this id, added if it is not there yet."""
        found = self.deps.settings.get(setting_id)
        if found is None:
            found = Setting(
                setting_id,
                name,
                email_domain,
                retention_days=retention_days,
                created_at=self.deps.clock.now(),
            )
            self.deps.settings.add(found)
        return Place(self.deps, setting_id)

    def created_setting(
        self, *, name: str, slug: str, manager_name: str, manager_email: str, retention_days: int = 365
    ) -> tuple[Place, Account]:
        """A setting made as the platform operator makes one: its first manager invited by mail."""
        created = create_setting(
            self.deps,
            name=name,
            slug=slug,
            email_domain=None,
            retention_days=retention_days,
            manager_name=manager_name,
            manager_email=manager_email,
        )
        return Place(self.deps, created.setting.setting_id), created.manager

    def place(self, setting_id: str) -> Place:
        """A setting already in the world (its record is read when asked for)."""
        return Place(self.deps, setting_id)


def enrol_authenticator(deps: Deps, setting_id: str, user_id: str) -> str:
    """Give an account an authenticator app through the use cases, as if confirmed with a code
    from a phone; returns the app's secret (for the demo to print, and tests and bench to compute
    codes with). Its recovery codes are made and not kept."""
    from shared.domain import totp
    from shared.services import authenticator
    from shared.services.signin import save_with_retry

    account = deps.accounts.get(setting_id, user_id)
    if account is None:
        raise ValueError("no such account")
    secret = authenticator.begin(deps, account).secret
    fresh = deps.accounts.get(setting_id, user_id)
    assert fresh is not None
    code = totp.code_at(secret, totp.step_at(deps.clock.now()))  # what the phone would show now
    proof = authenticator.check_enrolment(deps, fresh, code)
    save_with_retry(deps, proof.account, proof.spend)
    return secret
