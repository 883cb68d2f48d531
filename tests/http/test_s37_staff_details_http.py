"""S37 for staff: a parent reads a member of staff's professional display name on what they wrote,
and nothing else about them (no e-mail address, no staff list)."""

from __future__ import annotations

from tests.http.test_s37_names_http import Tower, tower  # noqa: F401  (the fixture)


def test_s37_a_parent_sees_a_staff_comments_display_name_but_never_a_staff_email(tower: Tower) -> None:  # noqa: F811
    manager = tower.nursery.manager
    me = manager.get("/api/auth/session")
    assert me.status_code == 200, me.text
    staff_email = f"manager@{tower.nursery.setting_id}.example"  # as the platform created it
    staff_name = me.json()["user"]["name"]
    said = manager.post(f"/api/observations/{tower.observation_id}/comments", {"text": "Thank you!"})
    assert said.status_code == 201, said.text

    read = tower.priya.get(f"/api/observations/{tower.observation_id}")
    comments = read.json()["observation"]["comments"]
    assert [c["author"] for c in comments if c["byStaff"]] == [staff_name]
    journal = tower.priya.get(f"/api/children/{tower.mia.child_id}/journal")
    children = tower.priya.get("/api/me/children")
    for answer in (read, journal, children):
        assert answer.status_code == 200, answer.text
        assert staff_email.lower() not in answer.text.lower()
    for listing in ("/api/staff", "/api/parents"):
        assert tower.priya.get(listing).status_code in (403, 404)
