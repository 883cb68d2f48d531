"""The tracker's staff-only facts about a child and the setting's choice to record sex (S24, S29)."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.child_details import NOT_YET_RECORDED, DetailsChange, Sex
from shared.domain.errors import Forbidden, InvalidInput, NotFound, PreconditionFailed
from shared.domain.people import Role
from shared.services import child_details
from tests.fakes.wiring import Fakes
from tests.nurseries import Nursery


def test_a_manager_records_details_from_the_version_read_and_staff_read_them(
    nursery: Nursery, fakes: Fakes
) -> None:
    ada = nursery.child()
    empty, policy = child_details.read_details(nursery.deps, nursery.manager, ada.child_id)
    assert (empty.eal, empty.send_support, empty.date_started, policy.record_sex) == (
        False,
        False,
        None,
        False,
    )
    assert child_details.version_of(empty) == NOT_YET_RECORDED
    change = DetailsChange(date_started="2024-09-02", eal=True, send_support=True, eypp=True, funded_two=True)
    saved = child_details.update_details(
        nursery.deps, nursery.manager, ada.child_id, change, NOT_YET_RECORDED
    )
    assert saved.date_started == date(2024, 9, 2) and saved.eal and saved.send_support and saved.etag
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    read, _ = child_details.read_details(nursery.deps, practitioner, ada.child_id)
    assert read == saved
    with pytest.raises(PreconditionFailed):  # a second "first record" is stale
        child_details.update_details(nursery.deps, nursery.manager, ada.child_id, DetailsChange(eal=False),
                                     NOT_YET_RECORDED)  # fmt: skip
    cleared = child_details.update_details(nursery.deps, nursery.manager, ada.child_id,
                                           DetailsChange(date_started="", eal=False), saved.etag)  # fmt: skip
    assert cleared.date_started is None and not cleared.eal and cleared.send_support
    links, _ = fakes.audit.chain(nursery.setting.setting_id)
    assert [link.target for link in links if link.action == "child.details"] == [ada.child_id] * 2


def test_s24_only_managers_change_details_and_parents_cannot_read_them(nursery: Nursery) -> None:
    ada = nursery.child()
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    _, parent = nursery.principal(Role.PARENT)
    nursery.place.link(parent, ada)
    with pytest.raises(Forbidden):
        child_details.update_details(nursery.deps, practitioner, ada.child_id, DetailsChange(eal=True), "new")
    with pytest.raises(Forbidden):
        child_details.read_details(nursery.deps, parent, ada.child_id)
    with pytest.raises(Forbidden):
        child_details.read_policy(nursery.deps, parent)


def test_s24_another_settings_child_has_no_details_to_read(nursery: Nursery, other_nursery: Nursery) -> None:
    theirs = other_nursery.child()
    with pytest.raises(NotFound):
        child_details.read_details(nursery.deps, nursery.manager, theirs.child_id)
    with pytest.raises(NotFound):
        child_details.update_details(
            nursery.deps, nursery.manager, theirs.child_id, DetailsChange(eal=True), "new"
        )


def test_a_start_date_before_birth_or_not_a_date_is_refused_and_nothing_is_written(nursery: Nursery) -> None:
    ada = nursery.child()  # born 2023-03-01
    for bad in ("2023-02-28", "02/09/2024", "2099-01-01"):
        with pytest.raises(InvalidInput) as refused:
            child_details.update_details(nursery.deps, nursery.manager, ada.child_id,
                                         DetailsChange(date_started=bad, eal=True), "new")  # fmt: skip
        assert refused.value.field == "dateStarted"
    assert nursery.deps.child_details.get(ada.setting_id, ada.child_id) is None


def test_sex_is_recorded_only_while_the_setting_chooses_to_and_forgotten_when_it_stops(
    nursery: Nursery,
) -> None:
    ada = nursery.child()
    with pytest.raises(InvalidInput) as refused:
        child_details.update_details(
            nursery.deps, nursery.manager, ada.child_id, DetailsChange(sex="female"), "new"
        )
    assert refused.value.field == "sex"
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    with pytest.raises(Forbidden):
        child_details.update_policy(nursery.deps, practitioner, True, "new")
    policy = child_details.update_policy(nursery.deps, nursery.manager, True, "new")
    assert policy.record_sex
    with pytest.raises(InvalidInput):
        child_details.update_details(
            nursery.deps, nursery.manager, ada.child_id, DetailsChange(sex="boy"), "new"
        )
    saved = child_details.update_details(nursery.deps, nursery.manager, ada.child_id,
                                         DetailsChange(sex="female", eal=True), "new")  # fmt: skip
    assert saved.sex is Sex.FEMALE
    with pytest.raises(PreconditionFailed):
        child_details.update_policy(nursery.deps, nursery.manager, False, "new")
    child_details.update_policy(nursery.deps, nursery.manager, False, policy.etag)
    stored = nursery.deps.child_details.get(ada.setting_id, ada.child_id)
    assert stored is not None and stored.sex is None and stored.eal  # forgotten, the rest kept
    read, _ = child_details.read_details(nursery.deps, nursery.manager, ada.child_id)
    assert read.sex is None
