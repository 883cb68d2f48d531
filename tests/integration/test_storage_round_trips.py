"""Storage round trips per use case, counted at the SDK against Azurite: the budgets the bench
reports, kept from creeping up."""

from __future__ import annotations

from typing import Any

import pytest

from bench.counting import RequestCounter
from shared import bootstrap
from shared.clock import FrozenClock
from shared.config import Config
from shared.domain.people import Role
from shared.services import access, journal, photos, sessions
from shared.services.deps import Deps
from shared.services.sessions import authenticate
from shared.services.signin import complete_sign_in, start_sign_in
from shared.storage import tables
from shared.storage.clients import StorageClients
from shared.storage.tables import Table
from tests import photos as images
from tests.conftest import People
from tests.journal_support import add_child, draft, link, principal, published
from tests.nurseries import Nursery, session_token


def test_a_password_step_is_three_storage_requests(
    config: Config, clock: FrozenClock, people: People
) -> None:
    """Two point reads (the e-mail's index row, then the account it names) and the write that
    reserves the attempt (S10); the challenge needs no write."""
    member = people.member()
    counter = RequestCounter()
    counted = bootstrap.build(config, StorageClients(config.storage, request_hook=counter), clock)
    start_sign_in(counted, setting=member.setting_id, email=member.email, password=member.password)  # warm
    with counter.during() as password_step:
        challenge = start_sign_in(
            counted, setting=member.setting_id, email=member.email, password=member.password
        )
    assert password_step.requests == 3
    signed_in = complete_sign_in(counted, challenge=challenge.token, pin=member.pin, device="x")
    assert sessions.authenticate(counted, signed_in.token).user_id == member.user_id


def test_s26_an_upload_is_at_most_seven_storage_requests_session_check_quota_and_blobs_included(
    config: Config, clock: FrozenClock, nursery: Nursery
) -> None:
    """The session check (a point read and a range), the observation read, the daily quota's
    counter write (S26), two blobs (S27) and one write for row and observation."""
    counter = RequestCounter()
    counted = bootstrap.build(config, StorageClients(config.storage, request_hook=counter), clock)
    token = session_token(counted, nursery.manager_member)
    child = nursery.child(firstName="Ada", lastName="Count")
    jpeg = images.plain_jpeg(640, 480)
    warm = draft(counted, nursery.manager, child)  # first use creates the container: not the upload
    photos.upload_photo(counted, authenticate(counted, token), warm.observation_id, photos.Upload(jpeg))
    observation = draft(counted, nursery.manager, child)

    with counter.during() as upload:
        manager = authenticate(counted, token)
        photo = photos.upload_photo(counted, manager, observation.observation_id, photos.Upload(jpeg))
    assert upload.requests <= 7

    seen = access.visible_observation(counted, nursery.manager, observation.observation_id)
    assert seen.photo_ids == [photo.photo_id]
    assert counted.photos.get(nursery.setting.setting_id, photo.photo_id) == photo


def test_s37_a_parents_journal_page_costs_six_storage_requests_and_none_per_entry(
    deps: Deps, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    setting = people.setting()
    member = people.member(Role.PARENT, setting=setting)
    challenge = start_sign_in(deps, setting=setting.setting_id, email=member.email, password=member.password)
    token = complete_sign_in(deps, challenge=challenge.token, pin=member.pin, device="test").token
    mia, ollie = (
        add_child(deps, setting.setting_id, "Mia", "Rose"),
        add_child(deps, setting.setting_id, "Ollie", "S"),
    )
    parent = sessions.authenticate(deps, token)
    link(deps, parent, mia)
    published(deps, principal(setting.setting_id, Role.MANAGER), mia, ollie, text="Mia and Ollie")
    calls: list[str] = []
    for name in ("get", "query", "page", "create", "update", "upsert", "delete", "transact"):
        original = getattr(tables.Table, name)

        def counted(self: Table, *args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            calls.append(_name)
            return _original(self, *args, **kw)

        monkeypatch.setattr(tables.Table, name, counted)
    who = sessions.authenticate(deps, token)
    page = journal.list_journal(deps, who, mia.child_id, cursor=None, area=None)
    assert page.entries[0].text == "Mia and O. S."  # redacted with the setting's default policy
    # The session check (a point read of the session, one range of the account with the parent's
    # links), the privacy policy, the journal partition, and the setting's names (the children's
    # and the families' names books, a point read each): nothing per entry.
    assert sorted(calls) == ["get", "get", "get", "get", "page", "query"]
    calls.clear()
    empty = journal.list_journal(deps, who, mia.child_id, cursor=None, area="communication-and-language")
    assert empty.entries == []
    assert sorted(calls) == ["get", "page"]  # the policy and the partition; no entry, no names
