"""The TwoYearCheckRepository contract: one check per child, ETag-guarded, listed per setting,
every script's text and each parent's comment read back exactly as written."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import ConcurrencyConflict, Conflict
from shared.domain.two_year_check import AreaSummary, CheckStatus, ParentComment, TwoYearCheck
from shared.services.deps import Deps


def test_a_check_reads_back_as_saved_and_a_second_create_is_a_conflict(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    new = TwoYearCheck(setting_id, "c1", {
        "communication-and-language": AreaSummary("Names محمد and Дарья at lunch.", ""),
        "physical-development": AreaSummary("Climbs the frame.", "Holds a crayon in a fist."),
    }, plans="Daily play dough.", updated_by="u1", updated_at=clock.now())  # fmt: skip
    saved = ports.two_year_checks.save(new)
    assert saved.etag
    found = ports.two_year_checks.get(setting_id, "c1")
    assert found is not None and found.etag == saved.etag and replace(found, etag=None) == new
    with pytest.raises(Conflict):
        ports.two_year_checks.save(replace(new, plans="again"))
    assert ports.two_year_checks.get(setting_id + "x", "c1") is None


def test_a_stale_save_is_refused_and_a_current_one_keeps_each_parents_comment(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    first = ports.two_year_checks.save(TwoYearCheck(setting_id, "c1"))
    final = replace(first, status=CheckStatus.FINAL, shared_with_parents=True, finalised_by="m1",
                    finalised_at=clock.now(), shared_at=clock.now(),
                    parent_comments={"p1": ParentComment("Lovely to read — ধন্যবাদ", clock.now()),
                                     "p2": ParentComment("Thank you", clock.now())})  # fmt: skip
    second = ports.two_year_checks.save(final)
    assert second.etag != first.etag
    with pytest.raises(ConcurrencyConflict):
        ports.two_year_checks.save(replace(first, plans="stale"))
    found = ports.two_year_checks.get(setting_id, "c1")
    assert found is not None and found.status is CheckStatus.FINAL and found.shared_with_parents
    assert found.parent_comments == final.parent_comments and found.shared_at == clock.now()


def test_a_settings_checks_are_listed_and_removed_only_there(ports: Deps, setting_id: str) -> None:
    for child in ("c1", "c2"):
        ports.two_year_checks.save(TwoYearCheck(setting_id, child))
    ports.two_year_checks.save(TwoYearCheck(setting_id + "x", "c3"))
    assert sorted(c.child_id for c in ports.two_year_checks.list(setting_id)) == ["c1", "c2"]
    ports.two_year_checks.remove(setting_id, "c1")
    ports.two_year_checks.remove(setting_id, "c1")  # twice is fine
    assert [c.child_id for c in ports.two_year_checks.list(setting_id)] == ["c2"]
    assert [c.child_id for c in ports.two_year_checks.list(setting_id + "x")] == ["c3"]
