"""Rooms and the tracker's details over real HTTP: versions, filters, and what parents never see."""

from __future__ import annotations

from datetime import date

from tests.http.conftest import Api
from tests.http.test_people_http import add_child, join, signed_in_manager

GROUP_FLAGS = ("sendSupport", "eal", "eypp", "fundedTwo", "dateStarted")


def room(api: Api, name: str) -> dict[str, object]:
    made = api.post("/api/rooms", {"name": name})
    assert made.status_code == 201, made.text
    assert made.headers["ETag"] == made.json()["room"]["etag"]
    return dict(made.json()["room"])


def place(api: Api, child_id: object, room_id: object, **extra: str) -> dict[str, object]:
    version = api.get(f"/api/children/{child_id}/room").headers["ETag"]
    moved = api.call("PUT", f"/api/children/{child_id}/room", {"roomId": room_id, **extra},
                     headers={"If-Match": version})  # fmt: skip
    assert moved.status_code == 200, moved.text
    return dict(moved.json())


def test_a_manager_makes_rooms_moves_a_child_and_staff_filter_the_children_list(api: Api) -> None:
    manager = signed_in_manager(api)
    babies, toddlers = room(api, "Babies"), room(api, "Toddlers")
    ada, bo = add_child(api, firstName="Ada"), add_child(api, firstName="Bo")
    first = api.get(f"/api/children/{ada['id']}/room")
    assert first.json() == {"roomId": None, "since": None, "etag": "new", "history": []}
    place(api, ada["id"], babies["id"])
    place(api, bo["id"], babies["id"])
    moved = place(api, ada["id"], toddlers["id"])
    today = date.today().isoformat()
    assert moved["roomId"] == toddlers["id"]
    assert moved["history"] == [
        {"roomId": babies["id"], "from": today, "to": today},
        {"roomId": toddlers["id"], "from": today, "to": None},
    ]
    practitioner, _ = join(api, manager, "/api/staff", {"role": "practitioner"})
    in_babies = practitioner.get("/api/children", params={"room": babies["id"]}).json()["children"]
    assert [(c["firstName"], c["roomId"]) for c in in_babies] == [("Bo", babies["id"])]
    everyone = {c["firstName"]: c["roomId"] for c in practitioner.get("/api/children").json()["children"]}
    assert everyone == {"Ada": toddlers["id"], "Bo": babies["id"]}
    listed = {r["name"]: r["children"] for r in practitioner.get("/api/rooms").json()["rooms"]}
    assert listed == {"Babies": 1, "Toddlers": 1}
    assert practitioner.get("/api/children", params={"room": "rnosuchroom"}).status_code == 404


def test_moves_and_renames_need_the_current_version_and_a_full_room_cannot_retire(api: Api) -> None:
    signed_in_manager(api)
    babies, toddlers = room(api, "Babies"), room(api, "Toddlers")
    ada = add_child(api)
    path = f"/api/children/{ada['id']}/room"
    assert api.call("PUT", path, {"roomId": babies["id"]}).status_code == 412  # no If-Match
    placed = api.call("PUT", path, {"roomId": babies["id"]}, headers={"If-Match": "new"})
    assert placed.status_code == 200
    again = api.call("PUT", path, {"roomId": toddlers["id"]}, headers={"If-Match": "new"})
    assert again.status_code == 412 and again.json()["error"]["code"] == "precondition_failed"
    future = api.call("PUT", path, {"roomId": toddlers["id"], "from": "2999-01-01"},
                      headers={"If-Match": placed.headers["ETag"]})  # fmt: skip
    assert future.status_code == 400 and future.json()["error"]["field"] == "from"
    unknown = api.call("PUT", path, {"roomId": toddlers["id"], "to": "x"}, headers={"If-Match": "new"})
    assert unknown.status_code == 400 and unknown.json()["error"]["field"] == "to"
    current = next(r for r in api.get("/api/rooms").json()["rooms"] if r["id"] == babies["id"])
    full = api.post(f"/api/rooms/{babies['id']}/retire", headers={"If-Match": current["etag"]})
    assert full.status_code == 409
    stale = api.call(
        "PATCH", f"/api/rooms/{babies['id']}", {"name": "Nest"}, headers={"If-Match": babies["etag"]}
    )
    assert stale.status_code == 412
    renamed = api.call(
        "PATCH", f"/api/rooms/{babies['id']}", {"name": "Nest"}, headers={"If-Match": current["etag"]}
    )
    assert renamed.status_code == 200 and renamed.json()["room"]["name"] == "Nest"
    retired = api.post(f"/api/rooms/{toddlers['id']}/retire", headers={"If-Match": toddlers["etag"]})
    assert retired.status_code == 200 and retired.json()["room"]["retired"] is True
    into_retired = api.call(
        "PUT", path, {"roomId": toddlers["id"]}, headers={"If-Match": placed.headers["ETag"]}
    )
    assert into_retired.status_code == 409
    assert api.post("/api/rooms", {"name": ""}).json()["error"]["field"] == "name"
    assert api.post("/api/rooms", {"name": "Nest"}).status_code == 409


def test_the_approvals_queue_filters_by_room(api: Api) -> None:
    signed_in_manager(api)
    babies, toddlers = room(api, "Babies"), room(api, "Toddlers")
    ada, bo = add_child(api, firstName="Ada"), add_child(api, firstName="Bo")
    place(api, ada["id"], babies["id"])
    place(api, bo["id"], toddlers["id"])
    made = {}
    for child, text in ((ada, "Ada poured water."), (bo, "Bo climbed.")):
        created = api.post("/api/observations", {"childIds": [child["id"]], "text": text,
                                                 "observedOn": date.today().isoformat()})  # fmt: skip
        assert created.status_code == 201, created.text
        made[text] = created.json()["observation"]["id"]
        assert api.post(f"/api/observations/{made[text]}/submit").status_code == 200
    queue = api.get("/api/observations", params={"status": "submitted", "room": toddlers["id"]})
    assert [o["id"] for o in queue.json()["observations"]] == [made["Bo climbed."]]
    both = api.get("/api/observations", params={"status": "submitted"}).json()["observations"]
    assert len(both) == 2


def test_staff_are_assigned_to_rooms_and_the_list_says_which_are_mine(api: Api) -> None:
    manager = signed_in_manager(api)
    babies, toddlers = room(api, "Babies"), room(api, "Toddlers")
    practitioner, who = join(api, manager, "/api/staff", {"role": "practitioner"})
    set_rooms = api.call("PUT", f"/api/staff/{who['id']}/rooms", {"roomIds": [babies["id"], toddlers["id"]]})
    assert set_rooms.status_code == 200 and sorted(set_rooms.json()["roomIds"]) == sorted(
        [babies["id"], toddlers["id"]]
    )
    listed = practitioner.get("/api/rooms").json()
    assert sorted(listed["mine"]) == sorted([babies["id"], toddlers["id"]])
    assert practitioner.call("PUT", f"/api/staff/{who['id']}/rooms", {"roomIds": []}).status_code == 403
    wrong = api.call("PUT", f"/api/staff/{who['id']}/rooms", {"roomIds": "babies"})
    assert wrong.status_code == 400 and wrong.json()["error"]["field"] == "roomIds"


def test_a_manager_records_tracker_details_from_the_version_read(api: Api) -> None:
    signed_in_manager(api)
    ada = add_child(api)
    path = f"/api/children/{ada['id']}/details"
    read = api.get(path)
    assert read.json() == {"dateStarted": None, "eal": False, "sendSupport": False, "eypp": False,
                           "fundedTwo": False, "etag": "new"}  # fmt: skip
    refused = api.call("PATCH", path, {"sex": "female"}, headers={"If-Match": "new"})
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "sex"
    saved = api.call("PATCH", path, {"dateStarted": "2024-09-02", "eal": True, "sendSupport": True},
                     headers={"If-Match": "new"})  # fmt: skip
    assert saved.status_code == 200 and saved.json()["sendSupport"] is True
    assert api.call("PATCH", path, {"eypp": True}, headers={"If-Match": "new"}).status_code == 412
    bad = api.call("PATCH", path, {"eal": "yes"}, headers={"If-Match": saved.headers["ETag"]})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "eal"
    policy = api.call("PATCH", "/api/setting/tracker", {"recordSex": True}, headers={"If-Match": "new"})
    assert policy.status_code == 200 and policy.json()["recordSex"] is True
    with_sex = api.call("PATCH", path, {"sex": "male"}, headers={"If-Match": saved.headers["ETag"]})
    assert with_sex.status_code == 200 and with_sex.json()["sex"] == "male"
    assert api.get(path).json()["eal"] is True


def test_s24_parents_never_see_group_flags_on_any_parent_surface(api: Api) -> None:
    manager = signed_in_manager(api)
    ada = add_child(api, firstName="Ada")
    babies = room(api, "Kingfisher room")
    place(api, ada["id"], babies["id"])
    api.call("PATCH", "/api/setting/tracker", {"recordSex": True}, headers={"If-Match": "new"})
    flags = {"dateStarted": "2024-09-02", "eal": True, "sendSupport": True, "eypp": True, "fundedTwo": True,
             "sex": "female"}  # fmt: skip
    assert (
        api.call(
            "PATCH", f"/api/children/{ada['id']}/details", flags, headers={"If-Match": "new"}
        ).status_code
        == 200
    )
    created = api.post("/api/observations", {"childIds": [ada["id"]], "text": "Ada sorted shells.",
                                             "observedOn": date.today().isoformat()})  # fmt: skip
    observation = created.json()["observation"]["id"]
    version = api.get(f"/api/observations/{observation}").headers["ETag"]
    assert (
        api.post(f"/api/observations/{observation}/publish", headers={"If-Match": version}).status_code == 200
    )
    parent, _ = join(api, manager, "/api/parents", {"childIds": [ada["id"]]})
    surfaces = [
        parent.get("/api/me/children"),
        parent.get(f"/api/children/{ada['id']}/journal"),
        parent.get(f"/api/observations/{observation}"),
        parent.get("/api/auth/session"),
    ]
    for answer in surfaces:
        assert answer.status_code == 200, answer.text
        for word in (*GROUP_FLAGS, "female", "2024-09-02", "Kingfisher", babies["id"]):
            assert word not in answer.text, f"{word} in {answer.request.path_url}"
    for path in (f"/api/children/{ada['id']}/details", f"/api/children/{ada['id']}/room", "/api/rooms",
                 "/api/setting/tracker"):  # fmt: skip
        refused = parent.get(path)
        assert refused.status_code == 403 and "sendSupport" not in refused.text
