"""Approval against Azurite: a manager publishes the version they reviewed, and a submitted
observation stays as its author sent it until a manager publishes it or returns it with a note."""

from __future__ import annotations

import pytest

from shared.domain.errors import Conflict, Forbidden, InvalidInput, PreconditionFailed, PreconditionRequired
from shared.domain.observations import ObservationStatus
from shared.domain.people import Role
from shared.services import access, observations
from shared.services import photos as photo_service
from shared.services.audit_log import read_audit
from shared.services.deps import Deps
from shared.services.photos import Upload
from tests import photos
from tests.conftest import People
from tests.journal_support import add_child, draft, principal, reviewed

CHANGED = observations.ObservationText(text="Mia counted to twenty, with help.")


def test_s24_publishing_needs_the_version_the_manager_reviewed_and_refuses_a_changed_one(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    manager, deputy = principal(setting.setting_id, Role.MANAGER), principal(setting.setting_id, Role.MANAGER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    created = draft(deps, principal(setting.setting_id, Role.PRACTITIONER), mia)
    seen = reviewed(deps, manager, created.observation_id)
    with pytest.raises(PreconditionRequired):
        observations.publish_observation(deps, manager, created.observation_id, None)
    observations.update_observation(deps, deputy, created.observation_id, seen, CHANGED)
    with pytest.raises(PreconditionFailed):
        observations.publish_observation(deps, manager, created.observation_id, seen)
    assert access.visible_observation(deps, manager, created.observation_id).status is ObservationStatus.DRAFT
    now_seen = reviewed(deps, manager, created.observation_id)
    published = observations.publish_observation(deps, manager, created.observation_id, now_seen)
    assert published.text == CHANGED.text


def test_s24_a_submitted_observation_is_locked_for_its_author(deps: Deps, people: People) -> None:
    setting = people.setting()
    author = principal(setting.setting_id, Role.PRACTITIONER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    created = draft(deps, author, mia)
    submitted = observations.submit_observation(deps, author, created.observation_id)
    with pytest.raises(Forbidden, match="waiting for a manager"):
        observations.update_observation(deps, author, created.observation_id, submitted.etag, CHANGED)
    with pytest.raises(Forbidden):
        photo_service.upload_photo(
            deps,
            author,
            created.observation_id,
            Upload(photos.plain_jpeg(64, 48), declared_type="image/jpeg"),
        )
    stored = access.visible_observation(deps, author, created.observation_id)
    assert (stored.text, stored.photo_ids, stored.etag) == (created.text, [], submitted.etag)


def test_a_manager_returns_a_submitted_observation_with_a_note_and_the_author_may_edit_again(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    author, manager = (
        principal(setting.setting_id, Role.PRACTITIONER),
        principal(setting.setting_id, Role.MANAGER),
    )
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    created = draft(deps, author, mia)
    submitted = observations.submit_observation(deps, author, created.observation_id)
    note = "Please add which numbers she recognised."
    returned = observations.return_observation(deps, manager, created.observation_id, submitted.etag, note)
    assert (returned.status, returned.return_note) == (ObservationStatus.DRAFT, note)
    drafts = observations.list_observations(deps, author, "draft")
    assert [(o.observation_id, o.return_note) for o in drafts] == [(created.observation_id, note)]
    edited = observations.update_observation(deps, author, created.observation_id, returned.etag, CHANGED)
    again = observations.submit_observation(deps, author, edited.observation_id)
    assert (again.status, again.return_note) == (ObservationStatus.SUBMITTED, "")
    events = read_audit(deps, manager, action="observation.return").events
    assert [(e.actor, e.target) for e in events] == [(manager.user_id, created.observation_id)]


def test_only_a_manager_returns_only_a_submitted_observation_only_from_the_version_read_and_with_a_note(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    author, manager = (
        principal(setting.setting_id, Role.PRACTITIONER),
        principal(setting.setting_id, Role.MANAGER),
    )
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    created = draft(deps, author, mia)
    with pytest.raises(Conflict):
        observations.return_observation(deps, manager, created.observation_id, created.etag, "Why?")
    submitted = observations.submit_observation(deps, author, created.observation_id)
    with pytest.raises(Forbidden):
        observations.return_observation(deps, author, created.observation_id, submitted.etag, "Mine")
    with pytest.raises(PreconditionFailed):
        observations.return_observation(deps, manager, created.observation_id, created.etag, "Old copy")
    with pytest.raises(InvalidInput):
        observations.return_observation(deps, manager, created.observation_id, submitted.etag, "  ")
    with pytest.raises(PreconditionRequired):
        observations.return_observation(deps, manager, created.observation_id, None, "No version")
    stored = access.visible_observation(deps, manager, created.observation_id)
    assert (stored.status, stored.return_note) == (ObservationStatus.SUBMITTED, "")
