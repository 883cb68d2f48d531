"""The demo that `make run` seeds: people who can sign in, and a journal worth looking at."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from devhost.demo import DEMO_SETTING, seed_demo
from shared.services import journal, sessions
from shared.services.deps import Deps
from shared.services.signin import complete_sign_in, start_sign_in


def test_a_demo_parent_signs_in_and_sees_the_group_photo_with_the_other_child_redacted(
    deps: Deps, tmp_path: Path
) -> None:
    accounts = seed_demo(deps, tmp_path / "demo-accounts.json")
    ella = next(a for a in accounts if a.email.startswith("ella"))
    challenge = start_sign_in(deps, setting=DEMO_SETTING, email=ella.email, password=ella.password)
    token = complete_sign_in(deps, challenge=challenge.token, pin=ella.pin, device="demo").token
    parent = sessions.authenticate(deps, token)
    poppy = deps.links.children_of(DEMO_SETTING, parent.user_id)[0].child_id
    entries = journal.list_journal(deps, parent, poppy, cursor=None, area=None).entries
    group = next(e for e in entries if e.photo_ids)
    assert "Arlo" not in group.text and "Wilson" not in group.text
    assert "A. W." in group.text  # the setting's default policy: initials
    assert {a.role for a in accounts} == {"manager", "practitioner", "parent"}


def test_seeding_twice_keeps_one_demo(deps: Deps, tmp_path: Path) -> None:
    first = seed_demo(deps, tmp_path / "demo-accounts.json")
    again = seed_demo(deps, tmp_path / "demo-accounts.json")
    assert first == again
    assert len(deps.children.list(DEMO_SETTING)) == 6
    assert len(deps.rooms.list(DEMO_SETTING)) == 3


def test_the_demo_has_rooms_with_children_spread_across_them_and_staff_assigned(
    deps: Deps, tmp_path: Path
) -> None:
    seed_demo(deps, tmp_path / "demo-accounts.json")
    rooms = {r.name: r for r in deps.rooms.list(DEMO_SETTING)}
    assert {name: r.children for name, r in rooms.items()} == {"Babies": 1, "Pre-school": 3, "Toddlers": 2}
    assert len(deps.rooms.placements(DEMO_SETTING)) == len(deps.children.list(DEMO_SETTING))
    staffed = {room for room, _ in deps.rooms.assignments(DEMO_SETTING)}
    assert staffed == {r.room_id for r in rooms.values()}


def test_s32_the_demo_member_with_an_authenticator_signs_in_with_the_printed_secret(
    deps: Deps, tmp_path: Path
) -> None:
    import pyotp

    from shared.services import sign_in_steps

    accounts = seed_demo(deps, tmp_path / "demo-accounts.json")
    priya = next(a for a in accounts if a.authenticator_secret)
    challenge = start_sign_in(deps, setting=DEMO_SETTING, email=priya.email, password=priya.password)
    step = sign_in_steps.after_pin(deps, challenge=challenge.token, pin=priya.pin, device="demo")
    assert isinstance(step, sign_in_steps.NextStep) and step.kind == "code"
    code = pyotp.TOTP(priya.authenticator_secret).at(deps.clock.now() + timedelta(seconds=30))
    deps.clock.advance(seconds=30)  # type: ignore[attr-defined]
    done = sign_in_steps.complete_with_code(deps, challenge=step.token, code=code, recovery_code=None)
    assert sessions.authenticate(deps, done.token).email == priya.email
    # Every other demo account still signs in with a password and PIN (managers within their grace).
    assert sum(1 for a in accounts if not a.authenticator_secret) == 6


def test_the_demo_has_a_child_due_a_two_year_check_and_one_shared_that_his_mother_reads(
    deps: Deps, tmp_path: Path
) -> None:
    from shared.domain.two_year_check import Standing
    from shared.services import two_year_check
    from tests.nurseries import Member, signed_in

    accounts = seed_demo(deps, tmp_path / "demo-accounts.json")
    manager = next(a for a in accounts if a.role == "manager")
    staff = signed_in(
        deps, Member(DEMO_SETTING, _user(deps, manager.email), manager.email, manager.password, manager.pin)
    )
    standing = {r.first_name: r.standing for r in two_year_check.tracker(deps, staff)}
    assert standing["Omar"] is Standing.DUE and standing["Leo"] is Standing.DONE
    sofia = next(a for a in accounts if a.email.startswith("sofia"))
    challenge = start_sign_in(deps, setting=DEMO_SETTING, email=sofia.email, password=sofia.password)
    token = complete_sign_in(deps, challenge=challenge.token, pin=sofia.pin, device="demo").token
    parent = sessions.authenticate(deps, token)
    leo = next(c for c in deps.children.list(DEMO_SETTING) if c.first_name == "Leo")
    check = two_year_check.read_check(deps, parent, leo.child_id)
    assert check.areas["physical-development"].strengths.startswith("Leo climbs")


def _user(deps: Deps, email: str) -> str:
    account = deps.accounts.find_by_email(DEMO_SETTING, email)
    assert account is not None
    return account.user_id


def test_the_demo_has_judgements_approved_for_isla_and_arlo_and_a_draft_for_poppy_waiting_for_the_manager(
    deps: Deps, tmp_path: Path
) -> None:
    from shared.domain.assessments import RecordStatus
    from shared.services import assessments
    from tests.nurseries import Member, signed_in

    accounts = seed_demo(deps, tmp_path / "demo-accounts.json")
    manager = next(a for a in accounts if a.role == "manager")
    staff = signed_in(
        deps, Member(DEMO_SETTING, _user(deps, manager.email), manager.email, manager.password, manager.pin)
    )
    children = {c.first_name: c for c in deps.children.list(DEMO_SETTING)}
    judged = {
        name: [r for _, r in assessments.child_points(deps, staff, children[name].child_id) if r is not None]
        for name in ("Isla", "Poppy", "Arlo")
    }
    assert [r.status for r in judged["Isla"]] == [RecordStatus.FINAL] * 2  # this term and the point before
    assert [r.status for r in judged["Arlo"]] == [RecordStatus.FINAL] * 2
    assert [r.status for r in judged["Poppy"]] == [RecordStatus.DRAFT]
    assert judged["Poppy"][0].judgements["number"].value == "not-yet-on-track"


def test_the_demo_cohort_report_shows_this_terms_shares_and_the_change_since_the_point_before(
    deps: Deps, tmp_path: Path
) -> None:
    from shared.services.cohort_report import cohort_report
    from tests.nurseries import Member, signed_in

    accounts = seed_demo(deps, tmp_path / "demo-accounts.json")
    manager = next(a for a in accounts if a.role == "manager")
    boss = signed_in(
        deps, Member(DEMO_SETTING, _user(deps, manager.email), manager.email, manager.password, manager.pin)
    )
    report = cohort_report(deps, boss, None)  # today's point, as the screen opens it
    areas = {a.area_id: a for a in report.areas}
    talk, literacy = areas["communication-and-language"], areas["literacy"]
    assert (talk.counted, talk.share, talk.change) == (2, 100.0, 50.0)  # Poppy's draft is not counted
    assert (literacy.share, [c.first_name for c in literacy.behind]) == (50.0, ["Arlo"])
