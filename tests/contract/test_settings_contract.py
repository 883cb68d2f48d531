"""The SettingRepository contract: the fake and the Table adapter behave alike."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.settings import Setting
from shared.services.deps import Deps
from tests.contract.examples import setting


def _now(ports: Deps, setting_id: str) -> Setting:
    """The setting as stored now."""
    found = ports.settings.get(setting_id)
    assert found is not None
    return found


def test_a_setting_reads_back_as_added_with_an_etag(ports: Deps, setting_id: str, clock: FrozenClock) -> None:
    ports.settings.add(setting(setting_id, clock.now()))
    found = ports.settings.get(setting_id)
    assert found is not None and found.etag
    assert replace(found, etag=None) == setting(setting_id, clock.now())


def test_a_taken_setting_id_is_a_conflict_on_the_slug(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    ports.settings.add(setting(setting_id, clock.now()))
    with pytest.raises(Conflict) as refused:
        ports.settings.add(replace(setting(setting_id, clock.now()), name="Another"))
    assert refused.value.field == "slug"
    assert _now(ports, setting_id).name == "Little Acorns"


def test_every_save_changes_the_etag_and_a_stale_save_is_refused(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    ports.settings.add(setting(setting_id, clock.now()))
    first = ports.settings.get(setting_id)
    assert first is not None
    ports.settings.save(replace(first, retention_days=30))
    second = ports.settings.get(setting_id)
    assert second is not None and second.etag != first.etag and second.retention_days == 30
    with pytest.raises(ConcurrencyConflict):
        ports.settings.save(replace(first, retention_days=90))
    assert _now(ports, setting_id).retention_days == 30


def test_a_removed_setting_is_gone_and_cannot_be_saved(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    ports.settings.add(setting(setting_id, clock.now()))
    found = _now(ports, setting_id)
    ports.settings.remove(setting_id)
    ports.settings.remove(setting_id)
    assert ports.settings.get(setting_id) is None
    with pytest.raises(NotFound):
        ports.settings.save(found)


def test_the_framework_defaults_to_development_matters_and_a_choice_reads_back(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    ports.settings.add(setting(setting_id, clock.now()))
    assert _now(ports, setting_id).framework == "development-matters"
    ports.settings.save(replace(_now(ports, setting_id), framework="birth-to-5-matters"))
    assert _now(ports, setting_id).framework == "birth-to-5-matters"
