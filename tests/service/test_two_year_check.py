"""The progress check at age two: the key person writes it, a manager finalises and shares it,
the parent reads it and comments, the tracker says who is due, overdue and done (S24, S29)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from shared.domain.notifications import EventKind
from shared.domain.people import Principal, Role
from shared.domain.two_year_check import (
    CheckStatus,
    Standing,
    TwoYearCheck,
    add_months,
    months_old,
    setting_today,
    standing,
)
from shared.services import two_year_check as checks
from shared.services.audit_log import read_audit
from shared.services.deps import Deps
from tests.journal_support import link, set_policy
from tests.nurseries import Nursery
from tests.pdfs import extracted, shows

CL, PSED, PD = "communication-and-language", "personal-social-emotional", "physical-development"
WRITTEN = {
    CL: {"strengths": "Joins in with songs.", "lessThanExpected": "Uses few two-word phrases."},
    PSED: {"strengths": "Settles quickly with her key person."},
    PD: {"strengths": "Runs and climbs with confidence."},
}


def two_year_old(nursery: Nursery, first: str = "Ada", key_person: str | None = None) -> str:
    born = add_months(nursery.deps.clock.now().date(), -26)
    return nursery.place.child(
        first, "Lovelace", born=born, key_person=key_person, by=nursery.manager
    ).child_id


def write(
    deps: Deps, who: Principal, child_id: str, plans: str = "Small-group talk time daily."
) -> TwoYearCheck:
    current = checks.read_check(deps, who, child_id)
    return checks.record_check(deps, who, child_id, WRITTEN, plans, current.etag)


def shared_check(nursery: Nursery, child_id: str) -> TwoYearCheck:
    written = write(nursery.deps, nursery.manager, child_id)
    final = checks.finalise_check(nursery.deps, nursery.manager, child_id, written.etag)
    return checks.share_check(nursery.deps, nursery.manager, child_id, True, final.etag)


def test_the_key_person_writes_a_manager_finalises_and_shares_and_every_step_is_audited(
    nursery: Nursery,
) -> None:
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    ada = two_year_old(nursery)
    empty = checks.read_check(nursery.deps, practitioner, ada)
    assert empty.etag is None and empty.status is CheckStatus.DRAFT
    first = checks.record_check(nursery.deps, practitioner, ada, {CL: {"strengths": "Sings."}}, None, None)
    with pytest.raises(Conflict):  # strengths missing in two prime areas
        checks.finalise_check(nursery.deps, nursery.manager, ada, first.etag)
    no_plan = checks.record_check(nursery.deps, practitioner, ada, WRITTEN, None, first.etag)
    with pytest.raises(Conflict):  # progress less than expected in CL, and nothing the setting will do
        checks.finalise_check(nursery.deps, nursery.manager, ada, no_plan.etag)
    whole = checks.record_check(nursery.deps, practitioner, ada, None, "Small-group talk time.", no_plan.etag)
    assert whole.areas[CL].strengths == "Joins in with songs." and whole.plans == "Small-group talk time."
    with pytest.raises(Forbidden):
        checks.finalise_check(nursery.deps, practitioner, ada, whole.etag)
    final = checks.finalise_check(nursery.deps, nursery.manager, ada, whole.etag)
    with pytest.raises(Conflict):  # final: only a manager changes it now
        checks.record_check(nursery.deps, practitioner, ada, None, "More.", final.etag)
    with pytest.raises(Forbidden):
        checks.share_check(nursery.deps, practitioner, ada, True, final.etag)
    shared = checks.share_check(nursery.deps, nursery.manager, ada, True, final.etag)
    assert shared.shared_with_parents and shared.shared_at == nursery.deps.clock.now()
    changed = checks.record_check(nursery.deps, nursery.manager, ada, None, "More.", shared.etag)
    assert changed.status is CheckStatus.DRAFT and not changed.shared_with_parents  # finalise and share again
    actions = [e.action for e in read_audit(nursery.deps, nursery.manager).events]
    assert actions.count("twoyearcheck.record") == 4
    assert "twoyearcheck.finalise" in actions and "twoyearcheck.share" in actions


def test_an_edit_without_if_match_is_428_and_a_stale_one_412(nursery: Nursery) -> None:
    ada = two_year_old(nursery)
    first = write(nursery.deps, nursery.manager, ada)
    with pytest.raises(PreconditionRequired):
        checks.record_check(nursery.deps, nursery.manager, ada, None, "x", None)
    with pytest.raises(PreconditionRequired):
        checks.finalise_check(nursery.deps, nursery.manager, ada, None)
    checks.record_check(nursery.deps, nursery.manager, ada, None, "x", first.etag)
    with pytest.raises(PreconditionFailed):
        checks.record_check(nursery.deps, nursery.manager, ada, None, "y", first.etag)
    with pytest.raises(InvalidInput):
        checks.record_check(nursery.deps, nursery.manager, ada, {"literacy": {"strengths": "x"}}, None, None)


def test_s24_a_parent_reads_only_their_own_childs_shared_check_and_only_their_comment(
    nursery: Nursery,
) -> None:
    ada, ollie = two_year_old(nursery), two_year_old(nursery, "Ollie")
    _, parent = nursery.principal(Role.PARENT)
    _, other_parent = nursery.principal(Role.PARENT)
    link(nursery.deps, parent, nursery.deps.children.get(nursery.setting.setting_id, ada))  # type: ignore[arg-type]
    link(nursery.deps, other_parent, nursery.deps.children.get(nursery.setting.setting_id, ada))  # type: ignore[arg-type]
    written = write(nursery.deps, nursery.manager, ada)
    with pytest.raises(NotFound):  # a draft
        checks.read_check(nursery.deps, parent, ada)
    final = checks.finalise_check(nursery.deps, nursery.manager, ada, written.etag)
    with pytest.raises(NotFound):  # final, not shared yet
        checks.read_check(nursery.deps, parent, ada)
    checks.share_check(nursery.deps, nursery.manager, ada, True, final.etag)
    shared_check(nursery, ollie)
    with pytest.raises(NotFound):  # another family's child
        checks.read_check(nursery.deps, parent, ollie)
    seen = checks.read_check(nursery.deps, parent, ada)
    assert seen.areas == written.areas
    with pytest.raises(PreconditionRequired):
        checks.comment_on_check(nursery.deps, parent, ada, "Thank you.", None)
    mine = checks.comment_on_check(nursery.deps, parent, ada, "She sings at home too.", seen.etag)
    assert [c.text for c in mine.parent_comments.values()] == ["She sings at home too."]
    theirs = checks.read_check(nursery.deps, other_parent, ada)
    assert theirs.parent_comments == {}  # one parent never reads another's comment
    checks.comment_on_check(nursery.deps, other_parent, ada, "Agreed.", theirs.etag)
    staff_view = checks.read_check(nursery.deps, nursery.manager, ada)
    assert sorted(c.text for c in staff_view.parent_comments.values()) == [
        "Agreed.",
        "She sings at home too.",
    ]
    with pytest.raises(Forbidden):
        checks.comment_on_check(nursery.deps, nursery.manager, ada, "Staff cannot.", staff_view.etag)
    with pytest.raises(Forbidden):
        checks.record_check(nursery.deps, parent, ada, None, "Parents cannot.", staff_view.etag)


def test_sharing_records_a_progress_event_and_a_failing_event_store_never_fails_it(
    nursery: Nursery, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, ollie = two_year_old(nursery), two_year_old(nursery, "Ollie")
    since = nursery.deps.clock.now() - timedelta(seconds=1)
    shared_check(nursery, ada)
    events = nursery.deps.notifications.events(nursery.setting.setting_id, since)
    assert [(e.kind, e.child_ids) for e in events] == [(EventKind.PROGRESS, (ada,))]

    def broken(*_: object) -> None:
        raise OSError("the event table is down")

    monkeypatch.setattr(nursery.deps.notifications, "record", broken)
    assert shared_check(nursery, ollie).shared_with_parents


def test_s24_a_key_children_only_practitioner_reaches_only_their_key_childrens_checks(
    nursery: Nursery,
) -> None:
    _, practitioner = nursery.principal(Role.PRACTITIONER)
    theirs = two_year_old(nursery, key_person=practitioner.user_id)
    someone_elses = two_year_old(nursery, "Ollie")
    set_policy(nursery.deps, nursery.setting.setting_id, key_children_only=True)
    write(nursery.deps, practitioner, theirs)
    with pytest.raises(NotFound):
        write(nursery.deps, practitioner, someone_elses)
    assert [r.child_id for r in checks.tracker(nursery.deps, practitioner)] == [theirs]


def test_the_tracker_says_due_from_24_months_overdue_past_36_and_done(nursery: Nursery) -> None:
    today = nursery.deps.clock.now().date()
    place = nursery.place
    young = place.child("Bea", "Young", born=add_months(today, -23), by=nursery.manager)
    due = place.child("Cal", "Due", born=add_months(today, -24), by=nursery.manager)
    late = place.child("Dot", "Late", born=add_months(today, -36) - timedelta(days=1), by=nursery.manager)
    done = place.child("Eve", "Done", born=add_months(today, -30), by=nursery.manager)
    shared_check(nursery, done.child_id)
    rows = {r.first_name: r for r in checks.tracker(nursery.deps, nursery.manager)}
    assert rows["Bea"].standing is Standing.NOT_YET and rows["Bea"].months == 23
    assert rows["Cal"].standing is Standing.DUE and rows["Cal"].due_from == today
    assert rows["Dot"].standing is Standing.OVERDUE and rows["Dot"].months == 36
    assert rows["Eve"].standing is Standing.DONE and rows["Eve"].shared
    assert young.child_id and due.child_id and late.child_id
    room = place.room("Toddlers", by=nursery.manager)
    place.move(due, room, by=nursery.manager)
    assert [r.first_name for r in checks.tracker(nursery.deps, nursery.manager, room.room_id)] == ["Cal"]


def test_ages_are_whole_months_and_an_unknown_date_of_birth_reads_unknown() -> None:
    assert months_old(date(2024, 1, 31), date(2024, 2, 29)) == 1
    assert months_old(date(2024, 5, 10), date(2026, 5, 9)) == 23
    assert add_months(date(2024, 2, 29), 24) == date(2026, 2, 28)
    assert standing(None, date(2026, 1, 1), None) is Standing.UNKNOWN


def test_today_is_the_date_on_the_settings_clock_in_its_own_time_zone() -> None:
    late = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)  # already 1 June in London (BST)
    assert setting_today(late, "Europe/London") == date(2026, 6, 1)
    assert setting_today(late, "UTC") == date(2026, 5, 31)
    born = date(2024, 6, 1)
    assert standing(born, setting_today(late, "Europe/London"), None) is Standing.DUE
    assert standing(born, setting_today(late, "UTC"), None) is Standing.NOT_YET


def test_the_pdf_shows_the_check_in_every_script_and_a_parent_gets_it_only_once_shared(
    nursery: Nursery,
) -> None:
    born = add_months(nursery.deps.clock.now().date(), -25)
    ada = nursery.place.child("Łukasz", "Nguyễn", born=born, by=nursery.manager).child_id
    _, parent = nursery.principal(Role.PARENT)
    link(nursery.deps, parent, nursery.deps.children.get(nursery.setting.setting_id, ada))  # type: ignore[arg-type]
    cl, psed, pd = "Says Дарья, محمد and 小明 by name.", "বন্ধুদের সাথে খেলে", "ਦੌੜਦਾ ਹੈ, दौड़ता है, દોડે છે"
    areas = {CL: {"strengths": cl}, PSED: {"strengths": psed}, PD: {"strengths": pd}}
    written = checks.record_check(nursery.deps, nursery.manager, ada, areas, None, None)
    draft = checks.check_pdf(nursery.deps, nursery.manager, ada)
    assert "DRAFT" in extracted(draft)
    assert all(shows(draft, t) for t in ("Łukasz Nguyễn", cl, psed, pd))
    with pytest.raises(NotFound):
        checks.check_pdf(nursery.deps, parent, ada)
    final = checks.finalise_check(nursery.deps, nursery.manager, ada, written.etag)
    shared = checks.share_check(nursery.deps, nursery.manager, ada, True, final.etag)
    checks.comment_on_check(nursery.deps, parent, ada, "Thank you — شكرا", shared.etag)
    family = checks.check_pdf(nursery.deps, parent, ada)
    assert "DRAFT" not in extracted(family) and shows(family, "Thank you — شكرا")
    assert shows(family, "health visitor")
    assert "twoyearcheck.pdf" in [e.action for e in read_audit(nursery.deps, nursery.manager).events]
