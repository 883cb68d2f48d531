"""Observations linked to aspects (ELGs) of the setting's framework, not only to areas."""

from __future__ import annotations

import pytest

from shared.domain.errors import InvalidInput
from shared.domain.people import Role
from shared.services import access, observations
from shared.services.deps import Deps
from tests.conftest import People
from tests.journal_support import add_child, draft, principal, set_policy

TODAY = "2026-11-02"


def test_an_observation_links_to_aspects_which_bring_their_areas(deps: Deps, people: People) -> None:
    setting = people.setting()
    author = principal(setting.setting_id, Role.PRACTITIONER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    given = observations.ObservationText(
        child_ids=[mia.child_id], text="Mia told us about her weekend.", areas=["literacy"],
        observed_on=TODAY, aspects=["speaking", "listening-attention-understanding"],
    )  # fmt: skip
    created = observations.create_observation(deps, author, given)
    stored = access.visible_observation(deps, author, created.observation_id)
    assert stored.aspects == ["speaking", "listening-attention-understanding"]
    assert [a.value for a in stored.areas] == ["literacy", "communication-and-language"]
    assert stored.framework == "development-matters"


def test_an_observation_without_aspects_keeps_its_areas_and_names_no_framework(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    author = principal(setting.setting_id, Role.PRACTITIONER)
    stored = draft(deps, author, add_child(deps, setting.setting_id, "Mia", "Rose"), areas=["mathematics"])
    assert stored.aspects == [] and stored.framework is None
    assert [a.value for a in stored.areas] == ["mathematics"]


def test_aspects_must_belong_to_the_settings_framework_and_nothing_is_saved_otherwise(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    author = principal(setting.setting_id, Role.PRACTITIONER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    given = observations.ObservationText(
        child_ids=[mia.child_id], text="Built a bridge.", aspects=["spatial-reasoning"], observed_on=TODAY
    )
    with pytest.raises(InvalidInput) as refused:
        observations.create_observation(deps, author, given)
    assert refused.value.field == "aspects"
    assert observations.list_observations(deps, author, "draft") == []
    set_policy(deps, setting.setting_id, framework="birth-to-5-matters")
    created = observations.create_observation(deps, author, given)
    assert created.aspects == ["spatial-reasoning"] and created.framework == "birth-to-5-matters"
    assert [a.value for a in created.areas] == ["mathematics"]


def test_changing_areas_keeps_the_aspects_areas_and_aspects_can_be_cleared(
    deps: Deps, people: People
) -> None:
    setting = people.setting()
    author = principal(setting.setting_id, Role.PRACTITIONER)
    mia = add_child(deps, setting.setting_id, "Mia", "Rose")
    given = observations.ObservationText(
        child_ids=[mia.child_id], text="Counted ducks.", aspects=["number"], observed_on=TODAY
    )
    created = observations.create_observation(deps, author, given)
    changed = observations.update_observation(
        deps, author, created.observation_id, created.etag, observations.ObservationText(areas=["literacy"])
    )
    assert [a.value for a in changed.areas] == ["literacy", "mathematics"] and changed.aspects == ["number"]
    cleared = observations.update_observation(
        deps, author, created.observation_id, changed.etag, observations.ObservationText(aspects=[])
    )
    assert cleared.aspects == [] and cleared.framework is None
