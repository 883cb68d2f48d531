"""The EYFS profile use cases: staff record, a manager finalises and shares, the MIS CSV, and who
may read it (S24: parents never unless shared; staff of another setting never; S29: audited)."""

from __future__ import annotations

import csv
import io

import pytest

from shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from shared.domain.frameworks import eyfs
from shared.domain.people import Principal, Role
from shared.domain.profile import Judgement, Profile, ProfileStatus
from shared.services import profile
from shared.services.audit_log import read_audit
from shared.services.profile import ProfileChange
from tests.journal_support import link, set_policy
from tests.nurseries import Nursery, signed_in

ALL = [e.elg_id for e in eyfs().elgs]


def record_all(
    nursery: Nursery, child_id: str, value: str = "expected", who: Principal | None = None
) -> Profile:
    change = ProfileChange(judgements=dict.fromkeys(ALL, value), comment="Curious and persistent.")
    current = profile.read_profile(nursery.deps, who or nursery.manager, child_id)
    return profile.record_profile(nursery.deps, who or nursery.manager, child_id, change, current.etag)


def test_a_practitioner_records_judgements_and_a_manager_finalises_them(nursery: Nursery) -> None:
    ada = nursery.child()
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    empty = profile.read_profile(nursery.deps, practitioner, ada.child_id)
    assert empty.judgements == {} and empty.etag is None
    first = profile.record_profile(
        nursery.deps, practitioner, ada.child_id, ProfileChange(judgements={"speaking": "emerging"}), None
    )
    assert first.judgements == {"speaking": Judgement.EMERGING} and first.status is ProfileStatus.DRAFT
    with pytest.raises(Conflict):  # not every ELG judged yet
        profile.finalise_profile(nursery.deps, nursery.manager, ada.child_id, first.etag)
    whole = record_all(nursery, ada.child_id, who=practitioner)
    assert whole.complete and whole.comment == "Curious and persistent."
    with pytest.raises(Forbidden):
        profile.finalise_profile(nursery.deps, practitioner, ada.child_id, whole.etag)
    final = profile.finalise_profile(nursery.deps, nursery.manager, ada.child_id, whole.etag)
    assert final.status is ProfileStatus.FINAL and final.finalised_by == nursery.manager.user_id
    with pytest.raises(Conflict):  # final: practitioners no longer change it
        profile.record_profile(
            nursery.deps, practitioner, ada.child_id, ProfileChange({"writing": "emerging"}), final.etag
        )
    changed = profile.record_profile(
        nursery.deps, nursery.manager, ada.child_id, ProfileChange({"writing": "emerging"}), final.etag
    )
    assert changed.status is ProfileStatus.DRAFT  # a changed final profile must be finalised again
    actions = [e.action for e in read_audit(nursery.deps, nursery.manager).events]
    assert actions.count("profile.record") == 3 and "profile.finalise" in actions


def test_a_change_from_a_stale_version_is_refused_and_bad_input_changes_nothing(nursery: Nursery) -> None:
    ada = nursery.child()
    first = profile.record_profile(
        nursery.deps, nursery.manager, ada.child_id, ProfileChange({"speaking": "expected"}), None
    )
    with pytest.raises(PreconditionFailed):
        profile.record_profile(
            nursery.deps, nursery.manager, ada.child_id, ProfileChange({"number": "expected"}), None
        )
    second = profile.record_profile(
        nursery.deps, nursery.manager, ada.child_id, ProfileChange({"number": "expected"}), first.etag
    )
    with pytest.raises(PreconditionFailed):
        profile.record_profile(
            nursery.deps, nursery.manager, ada.child_id, ProfileChange({"writing": "expected"}), first.etag
        )
    with pytest.raises(InvalidInput):
        profile.record_profile(
            nursery.deps, nursery.manager, ada.child_id, ProfileChange({"writing": "secure"}), second.etag
        )
    stored = profile.read_profile(nursery.deps, nursery.manager, ada.child_id)
    assert stored.judgements == {"speaking": Judgement.EXPECTED, "number": Judgement.EXPECTED}


def test_s24_a_parent_reads_the_profile_only_when_final_and_shared(nursery: Nursery) -> None:
    ada = nursery.child()
    _, parent = nursery.principal(Role.PARENT)
    link(nursery.deps, parent, ada)
    with pytest.raises(NotFound):
        profile.read_profile(nursery.deps, parent, ada.child_id)
    whole = record_all(nursery, ada.child_id)
    with pytest.raises(NotFound):
        profile.read_profile(nursery.deps, parent, ada.child_id)
    with pytest.raises(Conflict):
        profile.share_profile(nursery.deps, nursery.manager, ada.child_id, True, whole.etag)
    final = profile.finalise_profile(nursery.deps, nursery.manager, ada.child_id, whole.etag)
    with pytest.raises(NotFound):
        profile.read_profile(nursery.deps, parent, ada.child_id)  # final, not shared
    shared = profile.share_profile(nursery.deps, nursery.manager, ada.child_id, True, final.etag)
    assert profile.read_profile(nursery.deps, parent, ada.child_id).judgements == shared.judgements
    with pytest.raises(Forbidden):
        profile.record_profile(
            nursery.deps, parent, ada.child_id, ProfileChange({"speaking": "emerging"}), shared.etag
        )


def test_s24_another_familys_parent_and_another_setting_get_not_found(nursery: Nursery) -> None:
    ada = nursery.child()
    _, parent = nursery.principal(Role.PARENT)
    whole = record_all(nursery, ada.child_id)
    final = profile.finalise_profile(nursery.deps, nursery.manager, ada.child_id, whole.etag)
    profile.share_profile(nursery.deps, nursery.manager, ada.child_id, True, final.etag)
    with pytest.raises(NotFound):
        profile.read_profile(nursery.deps, parent, ada.child_id)  # not linked to Ada
    other = nursery.people.setting()
    stranger = nursery.people.member(Role.MANAGER, setting=other)
    with pytest.raises(NotFound):
        profile.read_profile(nursery.deps, signed_in(nursery.deps, stranger), ada.child_id)


def test_s24_a_key_children_only_practitioner_records_only_their_key_children(nursery: Nursery) -> None:
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    theirs = nursery.child(keyPersonId=practitioner.user_id)
    someone_elses = nursery.child(firstName="Ollie", lastName="Stone")
    set_policy(nursery.deps, nursery.setting.setting_id, key_children_only=True)
    profile.record_profile(
        nursery.deps, practitioner, theirs.child_id, ProfileChange({"speaking": "expected"}), None
    )
    with pytest.raises(NotFound):
        profile.record_profile(
            nursery.deps, practitioner, someone_elses.child_id, ProfileChange({"speaking": "expected"}), None
        )


def test_the_mis_csv_has_a_row_per_profiled_child_with_gld_and_only_managers_get_it(nursery: Nursery) -> None:
    ada = nursery.child()
    mallory = nursery.child(firstName="=cmd|' /C calc'!A0", lastName="@SUM(1+1)")
    nursery.child(firstName="Ollie", lastName="NoProfile")
    record_all(nursery, ada.child_id)
    record_all(nursery, mallory.child_id, value="emerging")
    table = list(csv.reader(io.StringIO(profile.export_profiles_csv(nursery.deps, nursery.manager))))
    assert len(table) == 3
    by_surname = {r[0]: r for r in table[1:]}
    assert by_surname["Lovelace"][20] == "Y" and by_surname["'@SUM(1+1)"][20] == "N"
    assert by_surname["'@SUM(1+1)"][1] == "'=cmd|' /C calc'!A0"
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    with pytest.raises(Forbidden):
        profile.export_profiles_csv(nursery.deps, practitioner)
    assert [e.detail for e in read_audit(nursery.deps, nursery.manager, action="profile.export").events] == [
        "children=2"
    ]
