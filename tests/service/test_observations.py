"""Observations against Azurite: drafting, approval, publication, consent, concurrency, comments,
moments from home and the audit trail (S23, S24, S25, S29)."""

from __future__ import annotations

import pytest

from shared.clock import FrozenClock
from shared.domain.children import ChildStatus
from shared.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from shared.domain.observations import ObservationStatus
from shared.domain.people import Role
from shared.domain.settings import OtherChildren
from shared.services import access, comments, moments, observations
from shared.services.deps import Deps
from tests.conftest import People
from tests.fakes.wiring import Fakes
from tests.journal_support import add_child, draft, link, principal, published, reviewed, set_policy


def audited(fakes: Fakes, setting_id: str) -> list[tuple[str, str]]:
    return [(e.action, e.target) for e in fakes.audit.events(setting_id)]


def test_a_practitioner_drafts_an_observation_about_children_of_their_setting(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    author = principal(setting.setting_id, Role.PRACTITIONER, "Pat Practitioner")
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    created = draft(deps, author, mia, areas=["mathematics", "literacy"])
    stored = access.visible_observation(deps, author, created.observation_id)
    assert stored.status is ObservationStatus.DRAFT
    assert stored.child_ids == [mia.child_id]
    assert [a.value for a in stored.areas] == ["mathematics", "literacy"]
    assert stored.etag


def test_s23_children_of_another_setting_or_archived_children_cannot_be_observed(
    deps: Deps, people: People
) -> None:
    mine, theirs = people.setting(), people.setting()
    author = principal(mine.setting_id, Role.MANAGER)
    elsewhere = add_child(deps, theirs.setting_id, "Ada", "Far")
    leaver = add_child(deps, mine.setting_id, "Leo", "Gone", status=ChildStatus.ARCHIVED)
    for child in (elsewhere, leaver):
        with pytest.raises(InvalidInput):
            draft(deps, author, child)


def test_s24_a_key_children_only_practitioner_may_only_observe_their_key_children(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    set_policy(deps, setting.setting_id, key_children_only=True)
    author = principal(setting.setting_id, Role.PRACTITIONER)
    theirs = add_child(deps, setting.setting_id, "Mia", "Rose", key_person=author.user_id)
    someone_elses = add_child(deps, setting.setting_id, "Ollie", "Stone", key_person="u-other")
    assert draft(deps, author, theirs).child_ids == [theirs.child_id]
    with pytest.raises(InvalidInput):
        draft(deps, author, theirs, someone_elses)


def test_areas_must_come_from_the_eyfs_list_and_parents_cannot_draft(deps: Deps, people: People) -> None:
    setting = people.setting()
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    with pytest.raises(InvalidInput):
        draft(deps, principal(setting.setting_id, Role.MANAGER), mia, areas=["astrology"])
    with pytest.raises(Forbidden):
        draft(deps, principal(setting.setting_id, Role.PARENT), mia)


def test_a_concurrent_edit_gets_412_never_a_lost_update(deps: Deps, people: People) -> None:
    setting = people.setting()
    author = principal(setting.setting_id, Role.MANAGER)
    created = draft(deps, author, add_child(deps, setting.setting_id, "Mia", "Rose"))
    first = observations.update_observation(
        deps, author, created.observation_id, created.etag, observations.ObservationText(text="First edit")
    )
    with pytest.raises(PreconditionFailed):
        observations.update_observation(
            deps, author, created.observation_id, created.etag, observations.ObservationText(text="Second")
        )
    stored = access.visible_observation(deps, author, created.observation_id)
    assert stored.text == "First edit"
    assert stored.etag == first.etag != created.etag


def test_an_edit_that_names_no_version_is_precondition_required(deps: Deps, people: People) -> None:
    setting = people.setting()
    author = principal(setting.setting_id, Role.MANAGER)
    created = draft(deps, author, add_child(deps, setting.setting_id, "Mia", "Rose"))
    with pytest.raises(PreconditionRequired):
        changes = observations.ObservationText(text="x")
        observations.update_observation(deps, author, created.observation_id, None, changes)


def test_practitioners_list_their_own_drafts_and_managers_the_approvals_queue(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    pat = principal(setting.setting_id, Role.PRACTITIONER)
    kim = principal(setting.setting_id, Role.PRACTITIONER)
    manager = principal(setting.setting_id, Role.MANAGER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    pats = draft(deps, pat, mia)
    kims = draft(deps, kim, mia)
    observations.submit_observation(deps, kim, kims.observation_id)
    assert [o.observation_id for o in observations.list_observations(deps, pat, "draft")] == [
        pats.observation_id
    ]
    queue = observations.list_observations(deps, manager, "submitted")
    assert [o.observation_id for o in queue] == [kims.observation_id]
    with pytest.raises(Forbidden):
        observations.list_observations(deps, principal(setting.setting_id, Role.PARENT), "draft")


def test_s24_a_practitioner_cannot_see_another_practitioners_draft(deps: Deps, people: People) -> None:
    setting = people.setting()
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    kims = draft(deps, principal(setting.setting_id, Role.PRACTITIONER), mia)
    with pytest.raises(NotFound):
        access.visible_observation(
            deps, principal(setting.setting_id, Role.PRACTITIONER), kims.observation_id
        )


def test_s24_a_parent_never_sees_a_draft_or_a_submitted_observation(deps: Deps, people: People) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    parent = principal(setting.setting_id, Role.PARENT)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    link(deps, parent, mia)
    created = draft(deps, manager, mia)
    with pytest.raises(NotFound):
        access.visible_observation(deps, parent, created.observation_id)
    observations.submit_observation(deps, manager, created.observation_id)
    with pytest.raises(NotFound):
        access.visible_observation(deps, parent, created.observation_id)
    observations.publish_observation(
        deps, manager, created.observation_id, reviewed(deps, manager, created.observation_id)
    )
    assert access.visible_observation(deps, parent, created.observation_id).status is (
        ObservationStatus.PUBLISHED
    )


def test_s24_an_observation_id_from_another_setting_is_not_found(deps: Deps, people: People) -> None:
    mine, theirs = people.setting(), people.setting()
    other_manager = principal(theirs.setting_id, Role.MANAGER)
    theirs_obs = published(deps, other_manager, add_child(deps, theirs.setting_id, "Ada", "Far"))
    for role in Role:
        with pytest.raises(NotFound):
            access.visible_observation(deps, principal(mine.setting_id, role), theirs_obs.observation_id)


def test_s24_a_parent_of_another_family_gets_not_found(deps: Deps, people: People) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    mia, ollie = (
        add_child(deps, setting.setting_id, "Mia", "Rose"),
        add_child(deps, setting.setting_id, "Ollie", "S"),
    )
    ollies_parent = principal(setting.setting_id, Role.PARENT)
    link(deps, ollies_parent, ollie)
    obs = published(deps, manager, mia)
    with pytest.raises(NotFound):
        access.visible_observation(deps, ollies_parent, obs.observation_id)


def test_a_manager_publishes_but_an_author_only_when_the_setting_needs_no_approval(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    author = principal(setting.setting_id, Role.PRACTITIONER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    first = draft(deps, author, mia)
    with pytest.raises(Forbidden):
        observations.publish_observation(
            deps, author, first.observation_id, reviewed(deps, author, first.observation_id)
        )
    set_policy(deps, setting.setting_id, approval_required=False)
    assert (
        observations.publish_observation(
            deps, author, first.observation_id, reviewed(deps, author, first.observation_id)
        ).status
        is ObservationStatus.PUBLISHED
    )
    with pytest.raises(Conflict):
        observations.publish_observation(
            deps, author, first.observation_id, reviewed(deps, author, first.observation_id)
        )


def test_publishing_photos_of_two_children_needs_both_consents_for_other_journals(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    ollie = add_child(deps, setting.setting_id, "Ollie", "Stone", others_photos=False)
    group = observations.attach_photo(deps, draft(deps, manager, mia, ollie), "p1")
    with pytest.raises(Conflict, match="Ollie Stone"):
        observations.publish_observation(
            deps, manager, group.observation_id, reviewed(deps, manager, group.observation_id)
        )
    # On his own, Ollie's photo may go in his own journal.
    alone = observations.attach_photo(deps, draft(deps, manager, ollie), "p2")
    assert observations.publish_observation(
        deps, manager, alone.observation_id, reviewed(deps, manager, alone.observation_id)
    ).photo_ids == ["p2"]
    # Without photos, the group observation publishes.
    observations.detach_photo(deps, group, "p1")
    assert (
        observations.publish_observation(
            deps, manager, group.observation_id, reviewed(deps, manager, group.observation_id)
        ).status
        is ObservationStatus.PUBLISHED
    )


def test_publishing_a_photo_needs_consent_for_the_childs_own_journal(deps: Deps, people: People) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    shy = add_child(deps, setting.setting_id, "Sky", "Low", own_photos=False)
    with_photo = observations.attach_photo(deps, draft(deps, manager, shy), "p1")
    with pytest.raises(Conflict, match="their journal"):
        observations.publish_observation(
            deps, manager, with_photo.observation_id, reviewed(deps, manager, with_photo.observation_id)
        )


def test_attach_photo_with_a_stale_copy_keeps_both_photos(deps: Deps, people: People) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    created = draft(deps, manager, add_child(deps, setting.setting_id, "Mia", "Rose"))
    observations.attach_photo(deps, created, "p1")
    observations.attach_photo(deps, created, "p2")  # `created` is stale now: re-read, not overwritten
    assert access.visible_observation(deps, manager, created.observation_id).photo_ids == ["p1", "p2"]


def test_s29_publication_and_deletion_are_audited(deps: Deps, people: People, fakes: Fakes) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    shown = published(deps, manager, mia)
    doomed = draft(deps, manager, mia)
    observations.delete_observation(deps, manager, doomed.observation_id)
    trail = audited(fakes, setting.setting_id)
    assert ("observation.publish", shown.observation_id) in trail
    assert ("observation.delete", doomed.observation_id) in trail
    with pytest.raises(NotFound):
        access.visible_observation(deps, manager, doomed.observation_id)


def test_only_drafts_are_deleted_and_only_by_their_author_or_a_manager(deps: Deps, people: People) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    author = principal(setting.setting_id, Role.PRACTITIONER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    with pytest.raises(Forbidden):
        observations.delete_observation(deps, author, published(deps, manager, mia).observation_id)
    submitted = draft(deps, author, mia)
    observations.submit_observation(deps, author, submitted.observation_id)
    with pytest.raises(Conflict):
        observations.delete_observation(deps, manager, submitted.observation_id)


def test_parents_see_other_children_redacted_and_comments_included(
    deps: Deps, people: People, clock: FrozenClock
) -> None:
    setting = people.setting()
    set_policy(deps, setting.setting_id, other_children=OtherChildren.INITIALS)
    manager = principal(setting.setting_id, Role.MANAGER, "Maya Manager")
    mia, ollie = (
        add_child(deps, setting.setting_id, "Mia", "Rose"),
        add_child(deps, setting.setting_id, "Ollie", "Stone"),
    )
    mias_parent = principal(setting.setting_id, Role.PARENT, "Rosa Rose")
    ollies_parent = principal(setting.setting_id, Role.PARENT, "Sol Stone")
    link(deps, mias_parent, mia)
    link(deps, ollies_parent, ollie)
    obs = published(deps, manager, mia, ollie, text="Mia and Ollie Stone raced.", next_steps="Ollie: count")
    comments.add_comment(deps, ollies_parent, obs.observation_id, "Ollie loved it, Mia too")
    clock.advance(seconds=5)
    comments.add_comment(deps, manager, obs.observation_id, "Thanks!")
    shown = observations.read_observation(deps, mias_parent, obs.observation_id)
    assert [(c.child_id, c.name) for c in shown.children] == [(mia.child_id, "Mia Rose"), (None, "O. S.")]
    assert shown.text == "Mia and O. S. raced."
    assert shown.next_steps == "O. S.: count"
    assert shown.comments is not None
    assert [(c.author_name, c.text) for c in shown.comments] == [
        ("Another parent", "O. S. loved it, Mia too"),
        ("Maya Manager", "Thanks!"),
    ]
    staff_view = observations.read_observation(deps, manager, obs.observation_id)
    assert staff_view.text == "Mia and Ollie Stone raced."


def test_s24_a_parent_cannot_comment_on_another_familys_observation(deps: Deps, people: People) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    obs = published(deps, manager, mia)
    with pytest.raises(NotFound):
        comments.add_comment(deps, principal(setting.setting_id, Role.PARENT), obs.observation_id, "hi")


def test_s29_a_comment_and_an_accepted_moment_are_audited_and_the_moment_joins_the_journal(
    deps: Deps, people: People, fakes: Fakes
) -> None:
    setting = people.setting()
    manager = principal(setting.setting_id, Role.MANAGER)
    parent = principal(setting.setting_id, Role.PARENT, "Rosa Rose")
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    link(deps, parent, mia)
    moment = moments.share_moment(deps, parent, mia.child_id, "Mia planted beans at home.")
    assert [m.moment_id for m in moments.list_moments(deps, manager, mia.child_id)] == [moment.moment_id]
    accepted = moments.accept_moment(deps, manager, mia.child_id, moment.moment_id)
    assert accepted.author_id == parent.user_id
    assert accepted.status is ObservationStatus.PUBLISHED
    with pytest.raises(Conflict):
        moments.accept_moment(deps, manager, mia.child_id, moment.moment_id)
    comment = comments.add_comment(deps, parent, accepted.observation_id, "Thank you!")
    page = deps.journal.page(setting.setting_id, mia.child_id, area=None, size=20, cursor=None)[0]
    assert [e.text for e in page] == ["Mia planted beans at home."]
    trail = audited(fakes, setting.setting_id)
    assert ("moment.accept", mia.child_id) in trail
    assert ("comment.add", comment.observation_id) in trail


def test_s24_only_a_linked_parent_shares_a_moment(deps: Deps, people: People) -> None:
    setting = people.setting()
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    with pytest.raises(NotFound):
        moments.share_moment(deps, principal(setting.setting_id, Role.PARENT), mia.child_id, "hello")
    with pytest.raises(Forbidden):
        moments.share_moment(deps, principal(setting.setting_id, Role.MANAGER), mia.child_id, "hello")
    with pytest.raises(NotFound):
        moments.list_moments(deps, principal(setting.setting_id, Role.PARENT), mia.child_id)
