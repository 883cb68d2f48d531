"""The MomentRepository contract: a child's moments from home, newest first, ETag-guarded."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.journal import Moment, MomentStatus
from shared.services.deps import Deps
from tests.contract.examples import fresh


def _moment(setting_id: str, clock: FrozenClock, minutes: int = 0, child_id: str = "ca") -> Moment:
    at = clock.now() + timedelta(minutes=minutes)
    return Moment(setting_id, child_id, fresh("m"), "up", "Sam Parent", "We baked bread.", at)


def test_add_sets_the_etag_on_the_moment_and_it_reads_back(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    new = _moment(setting_id, clock)
    added = ports.moments.add(new)
    assert added is new and new.etag
    assert ports.moments.get(setting_id, "ca", new.moment_id) == new
    assert ports.moments.get(setting_id, "cb", new.moment_id) is None  # S24: the child is part of the key
    with pytest.raises(Conflict):
        ports.moments.add(replace(new, etag=None))


def test_a_childs_moments_come_newest_first(ports: Deps, setting_id: str, clock: FrozenClock) -> None:
    made = [ports.moments.add(_moment(setting_id, clock, m)) for m in (5, 1, 9)]
    ports.moments.add(_moment(setting_id, clock, 3, child_id="cb"))
    assert ports.moments.of(setting_id, "ca") == sorted(made, key=lambda m: m.created_at, reverse=True)


def test_a_save_sets_a_new_etag_and_a_stale_one_is_refused(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    read = ports.moments.add(_moment(setting_id, clock))
    stale = replace(read)
    saved = ports.moments.save(replace(read, status=MomentStatus.ACCEPTED, observation_id="o1"))
    assert saved.etag != stale.etag
    assert ports.moments.get(setting_id, "ca", read.moment_id) == saved
    with pytest.raises(ConcurrencyConflict):
        ports.moments.save(replace(stale, text="Lost update."))
    with pytest.raises(NotFound):
        ports.moments.save(_moment(setting_id, clock))
