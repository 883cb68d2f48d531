"""The ProfileRepository contract: one profile per child, ETag-guarded, listed per setting."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import ConcurrencyConflict, Conflict
from shared.domain.profile import Judgement, Profile, ProfileStatus
from shared.services.deps import Deps


def test_a_profile_reads_back_as_saved_and_a_second_create_is_a_conflict(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    new = Profile(setting_id, "c1", {"speaking": Judgement.EXPECTED, "writing": Judgement.EMERGING},
                  "Keen to explore.", updated_by="u1", updated_at=clock.now())  # fmt: skip
    saved = ports.profiles.save(new)
    assert saved.etag
    found = ports.profiles.get(setting_id, "c1")
    assert found is not None and found.etag == saved.etag and replace(found, etag=None) == new
    with pytest.raises(Conflict):
        ports.profiles.save(replace(new, comment="again"))
    assert ports.profiles.get(setting_id + "x", "c1") is None


def test_a_stale_save_is_refused_and_a_current_one_replaces_the_row(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    first = ports.profiles.save(Profile(setting_id, "c1", {"speaking": Judgement.EXPECTED}))
    final = replace(first, judgements={"number": Judgement.EMERGING}, status=ProfileStatus.FINAL,
                    finalised_by="m1", finalised_at=clock.now(), shared_with_parents=True)  # fmt: skip
    second = ports.profiles.save(final)
    assert second.etag != first.etag
    with pytest.raises(ConcurrencyConflict):
        ports.profiles.save(replace(first, comment="stale"))
    found = ports.profiles.get(setting_id, "c1")
    assert found is not None and found.judgements == {"number": Judgement.EMERGING}
    assert (
        found.status is ProfileStatus.FINAL
        and found.shared_with_parents
        and found.finalised_at == clock.now()
    )


def test_a_settings_profiles_are_listed_and_removed_only_there(ports: Deps, setting_id: str) -> None:
    for child in ("c1", "c2"):
        ports.profiles.save(Profile(setting_id, child))
    ports.profiles.save(Profile(setting_id + "x", "c3"))
    assert sorted(p.child_id for p in ports.profiles.list(setting_id)) == ["c1", "c2"]
    ports.profiles.remove(setting_id, "c1")
    ports.profiles.remove(setting_id, "c1")  # twice is fine
    assert [p.child_id for p in ports.profiles.list(setting_id)] == ["c2"]
    assert [p.child_id for p in ports.profiles.list(setting_id + "x")] == ["c3"]
