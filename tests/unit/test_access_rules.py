"""The pure access rules (S24) and the photo-consent rule, without storage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.access import (
    parent_may_see_observation,
    require_may_edit_observation,
    staff_may_see_observation,
)
from shared.domain.children import Child, ChildStatus
from shared.domain.errors import Conflict, Forbidden
from shared.domain.observations import Observation, ObservationStatus
from shared.domain.people import Account, LinkKind, Principal, Role, Status
from shared.domain.photos import require_photo_consent
from shared.domain.settings import Setting

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def person(role: Role, user_id: str = "u1") -> Principal:
    return Principal("s1", user_id, "Sam", "sam@example.com", role, "0" * 64, NOW, NOW)


def child(child_id: str, *, key_person: str | None = None, own: bool = True, others: bool = True) -> Child:
    return Child("s1", child_id, "Mia", "Stone", date(2023, 1, 1), key_person, own, others,
                 ChildStatus.ACTIVE, NOW)  # fmt: skip


def observation(status: ObservationStatus, author: str = "author", *children: str) -> Observation:
    return Observation("s1", "o1", list(children or ("c1",)), author, "Built a tower", [], "", NOW.date(),
                       status, NOW, NOW)  # fmt: skip


def setting(*, key_children_only: bool) -> Setting:
    return Setting("s1", "Little Acorns", None, 365, NOW, key_children_only=key_children_only)


def test_s24_a_parent_sees_only_published_observations_of_a_child_they_may_read() -> None:
    published = observation(ObservationStatus.PUBLISHED, "author", "c1", "c2")
    assert parent_may_see_observation(published, {"c2"})
    assert not parent_may_see_observation(published, {"c3"})
    assert not parent_may_see_observation(observation(ObservationStatus.SUBMITTED), {"c1"})


def test_s24_practitioners_see_their_own_and_published_ones_about_children_they_may_see() -> None:
    practitioner, mine = person(Role.PRACTITIONER, "p1"), [child("c1", key_person="p1")]
    others = [child("c1", key_person="p2")]
    strict, open_ = setting(key_children_only=True), setting(key_children_only=False)
    draft, published = observation(ObservationStatus.DRAFT), observation(ObservationStatus.PUBLISHED)
    assert staff_may_see_observation(practitioner, observation(ObservationStatus.DRAFT, "p1"), [], strict)
    assert not staff_may_see_observation(practitioner, draft, mine, open_)
    assert staff_may_see_observation(practitioner, published, others, open_)
    assert not staff_may_see_observation(practitioner, published, others, strict)
    assert staff_may_see_observation(practitioner, published, mine, strict)
    assert staff_may_see_observation(person(Role.MANAGER), draft, [], strict)


def test_only_the_author_or_a_manager_may_edit_and_only_before_publication() -> None:
    draft = observation(ObservationStatus.DRAFT, "author")
    require_may_edit_observation(person(Role.PRACTITIONER, "author"), draft)
    require_may_edit_observation(person(Role.MANAGER, "boss"), draft)
    with pytest.raises(Forbidden):
        require_may_edit_observation(person(Role.PRACTITIONER, "someone-else"), draft)
    with pytest.raises(Forbidden):
        require_may_edit_observation(person(Role.PARENT, "author"), draft)
    with pytest.raises(Forbidden):
        require_may_edit_observation(person(Role.MANAGER), observation(ObservationStatus.PUBLISHED))


def test_a_photo_needs_every_childs_consent_and_a_group_photo_the_consent_to_others_journals() -> None:
    require_photo_consent([child("c1", own=False)], [])  # no photos: nothing to consent to
    require_photo_consent([child("c1", others=False)], ["p1"])  # alone in the entry
    with pytest.raises(Conflict):
        require_photo_consent([child("c1", own=False)], ["p1"])
    with pytest.raises(Conflict):
        require_photo_consent([child("c1"), child("c2", others=False)], ["p1"])


def test_deactivating_an_account_voids_its_links_and_challenges_and_starts_its_retention_clock() -> None:
    account = Account("s1", "u1", "sam@example.com", "Sam", Role.PARENT, Status.ACTIVE, NOW)
    account.link_kind, account.link_digest, account.link_expires = LinkKind.RESET, "d", NOW + timedelta(1)
    later = NOW + timedelta(days=1)
    account.deactivate(later)
    assert (account.status, account.deactivated_at) == (Status.DEACTIVATED, later)
    assert (account.link_kind, account.link_digest, account.link_expires) == (None, None, None)
    assert (account.challenge_epoch, account.can_sign_in) == (1, False)
