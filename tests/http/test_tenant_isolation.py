"""Tenant isolation over real HTTP (S24): every documented route, called by five outsiders.

The routes come from openapi.yaml, so a route added there is covered here without touching this
file, or the test fails and says what it needs (a target object for a new path parameter, say).
Each route is called with the real ids of a target nursery's child, observation, photo, parent,
member of staff, moment and session, and with minimal bodies made from the requestBody schemas
(overrides below), as:

    other-setting-manager  a signed-in manager of another setting
    other-family-parent    a parent of another family in the target's own setting
    not-key-practitioner   a practitioner of the target setting, which has keyChildrenOnly on,
                           who is not key person for the target child
    deactivated            a manager of the target setting, deactivated after signing in (old cookie)
    nobody                 no cookie at all

Expected (S24): nobody and the deactivated get 401 everywhere. A route naming target ids answers
404, exactly as it answers for ids that exist nowhere (same status, same body), so existence never
leaks; a caller whose role cannot use the route at all may get 403 instead. Routes without ids act
on the caller's own setting. No response ever carries the target's data, and nothing answers 5xx.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from shared import bootstrap
from shared.clock import FrozenClock
from shared.services.deps import Deps
from tests import photos
from tests.conftest import PASSWORD, PIN
from tests.http.conftest import Api, Served
from tests.passkey_authenticator import SoftAuthenticator

ROOT = Path(__file__).resolve().parents[2]
SPEC: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
METHODS = ("get", "post", "put", "patch", "delete")

# Documented routes that are not called here, each with its reason. Anything else in openapi.yaml is.
SKIPPED: Mapping[tuple[str, str], str] = {
    ("GET", "/api/health"): "the platform's liveness check: anonymous by design, answers no tenant data",
    ("POST", "/api/platform/settings"): "the platform operator's route: the host's master key, no session",
    ("GET", "/{path}"): "the web client's catch-all: static files, no tenant data",
    ("POST", "/api/auth/activate"): "anonymous by design: consumes an activation link",
    ("POST", "/api/auth/login"): "anonymous by design: the password step of sign-in",
    ("POST", "/api/auth/pin"): "anonymous by design: the PIN step of sign-in",
    ("POST", "/api/auth/reset"): "anonymous by design: asks for a reset link (same 202 for everyone, S12)",
    ("POST", "/api/auth/reset/confirm"): "anonymous by design: consumes a reset link",
    (
        "POST",
        "/api/auth/email/confirm",
    ): "anonymous by design: consumes an e-mail confirm link (and the password)",
    ("POST", "/api/auth/email/object"): "anonymous by design: consumes the old address's object link",
    ("GET", "/api/notifications/unsubscribe"): "anonymous by design: a signed token names the person (S40)",
    ("POST", "/api/notifications/unsubscribe"): "anonymous by design: a signed token names the person (S40)",
    ("POST", "/api/auth/code"): "anonymous by design: the code step of sign-in, on a code challenge",
    ("POST", "/api/auth/enrol/authenticator"): "anonymous by design: enrolment in a sign-in",
    ("POST", "/api/auth/enrol/authenticator/confirm"): "anonymous by design: enrolment code in a sign-in",
    ("POST", "/api/auth/enrol/skip"): "anonymous by design: 'later' to enrolment, on its challenge",
    ("POST", "/api/auth/passkey/options"): "anonymous by design: a sign-in challenge, bound to nobody yet",
    ("POST", "/api/auth/passkey"): "anonymous by design: passkey sign-in (tests/http/test_passkeys_http.py "
    "proves another setting's passkey never signs in here)",
    ("POST", "/api/auth/not-me"): "anonymous by design: consumes a new-device notice's link",
}

MANAGER, PRACTITIONER, PARENT = "manager", "practitioner", "parent"
MANAGERS = frozenset({MANAGER})
STAFF = frozenset({MANAGER, PRACTITIONER})
PARENTS = frozenset({PARENT})
EVERYONE = frozenset({MANAGER, PRACTITIONER, PARENT})

# Routes a role cannot use at all; there a 403 is fine (S24). A route not named here is taken to
# be open to every role, the strictest expectation: only 404 for the target's ids.
ROLES: Mapping[tuple[str, str], frozenset[str]] = {
    ("GET", "/api/staff"): MANAGERS,
    ("POST", "/api/staff"): MANAGERS,
    ("PATCH", "/api/staff/{id}"): MANAGERS,
    ("POST", "/api/staff/{id}/deactivate"): MANAGERS,
    ("POST", "/api/staff/{id}/reactivate"): MANAGERS,
    ("POST", "/api/staff/{id}/invitation"): MANAGERS,
    ("GET", "/api/parents"): MANAGERS,
    ("POST", "/api/parents"): MANAGERS,
    ("PATCH", "/api/parents/{id}"): MANAGERS,
    ("POST", "/api/parents/{id}/children/{childId}"): MANAGERS,
    ("DELETE", "/api/parents/{id}/children/{childId}"): MANAGERS,
    ("POST", "/api/parents/{id}/deactivate"): MANAGERS,
    ("POST", "/api/people/{id}/sign-in-reset"): MANAGERS,
    ("DELETE", "/api/people/{id}/sign-in-reset"): MANAGERS,
    ("GET", "/api/children"): STAFF,
    ("POST", "/api/children"): MANAGERS,
    ("GET", "/api/children/{id}"): STAFF,
    ("PATCH", "/api/children/{id}"): MANAGERS,
    ("PATCH", "/api/setting"): MANAGERS,
    ("GET", "/api/audit"): MANAGERS,
    ("GET", "/api/audit/verify"): MANAGERS,
    ("POST", "/api/observations"): STAFF,
    ("GET", "/api/observations"): STAFF,
    ("PATCH", "/api/observations/{id}"): STAFF,
    ("DELETE", "/api/observations/{id}"): STAFF,
    ("POST", "/api/observations/{id}/submit"): STAFF,
    ("POST", "/api/observations/{id}/publish"): STAFF,
    ("POST", "/api/observations/{id}/return"): MANAGERS,
    ("POST", "/api/observations/{id}/photos"): STAFF,
    ("DELETE", "/api/photos/{id}"): STAFF,
    ("POST", "/api/children/{id}/moments"): PARENTS,
    ("POST", "/api/children/{childId}/moments/{momentId}/photos"): PARENTS,
    ("POST", "/api/moments/{childId}/{momentId}/accept"): STAFF,
    ("POST", "/api/children/{id}/archive"): MANAGERS,
    ("POST", "/api/children/{id}/restore"): MANAGERS,
    ("POST", "/api/children/{id}/hold"): MANAGERS,
    ("DELETE", "/api/children/{id}/hold"): MANAGERS,
    ("POST", "/api/children/{id}/exports"): frozenset({MANAGER, PARENT}),
    ("GET", "/api/rooms"): STAFF,
    ("POST", "/api/rooms"): MANAGERS,
    ("PATCH", "/api/rooms/{id}"): MANAGERS,
    ("POST", "/api/rooms/{id}/retire"): MANAGERS,
    ("GET", "/api/children/{id}/room"): STAFF,
    ("PUT", "/api/children/{id}/room"): MANAGERS,
    ("PUT", "/api/staff/{id}/rooms"): MANAGERS,
    ("GET", "/api/children/{id}/details"): STAFF,
    ("PATCH", "/api/children/{id}/details"): MANAGERS,
    ("GET", "/api/setting/tracker"): STAFF,
    ("PATCH", "/api/setting/tracker"): MANAGERS,
    ("GET", "/api/framework"): STAFF,
    ("PUT", "/api/children/{id}/profile"): STAFF,
    ("POST", "/api/children/{id}/profile/finalise"): MANAGERS,
    ("POST", "/api/children/{id}/profile/share"): MANAGERS,
    ("GET", "/api/profiles/csv"): MANAGERS,
    ("PUT", "/api/children/{id}/two-year-check"): STAFF,
    ("POST", "/api/children/{id}/two-year-check/finalise"): MANAGERS,
    ("POST", "/api/children/{id}/two-year-check/share"): MANAGERS,
    ("PUT", "/api/children/{id}/two-year-check/comment"): PARENTS,
    ("GET", "/api/two-year-checks"): STAFF,
    ("GET", "/api/assessment-plan"): STAFF,
    ("GET", "/api/assessments"): STAFF,
    ("PUT", "/api/assessment-plan/points"): MANAGERS,
    ("PATCH", "/api/assessment-plan/options"): MANAGERS,
    ("PUT", "/api/children/{id}/assessments/{pointId}"): STAFF,
    ("POST", "/api/children/{id}/assessments/{pointId}/approve"): MANAGERS,
    ("GET", "/api/reports/cohort"): MANAGERS,
    ("GET", "/api/reports/cohort/csv"): MANAGERS,
    ("GET", "/api/reports/cohort/pdf"): MANAGERS,
}

# What a route without ids answers a caller whose role may use it: it acts on the caller's own
# setting or account. A route not named here may answer anything but 401 and 5xx.
OWN_SCOPE: Mapping[tuple[str, str], int] = {
    ("GET", "/api/auth/session"): 200,
    ("POST", "/api/auth/logout"): 200,
    ("POST", "/api/auth/logout-all"): 200,
    ("POST", "/api/auth/password"): 400,  # the current password sent is wrong, so nothing changes
    ("POST", "/api/auth/pin/change"): 400,  # likewise
    ("GET", "/api/auth/sessions"): 200,
    ("GET", "/api/staff"): 200,
    ("POST", "/api/staff"): 201,
    ("GET", "/api/parents"): 200,
    ("POST", "/api/parents"): 404,  # linked to the target's child, which is unknown to the caller
    ("GET", "/api/children"): 200,
    ("POST", "/api/children"): 201,
    ("GET", "/api/me/children"): 200,
    ("GET", "/api/setting"): 200,
    ("PATCH", "/api/setting"): 412,  # If-Match is the target setting's version, not the caller's
    ("GET", "/api/audit"): 200,
    ("POST", "/api/observations"): 400,  # about the target's child: not on the caller's register
    ("GET", "/api/observations"): 200,
    ("GET", "/api/rooms"): 200,
    ("POST", "/api/rooms"): 201,
    ("GET", "/api/setting/tracker"): 200,
    ("PATCH", "/api/setting/tracker"): 412,  # If-Match is the target setting's version
    ("GET", "/api/account/notifications"): 200,
    ("GET", "/api/framework"): 200,
    ("GET", "/api/profiles/csv"): 200,  # the caller's own setting's profiles, none of the target's
    ("GET", "/api/two-year-checks"): 200,  # the caller's own setting's children, none of the target's
    ("GET", "/api/assessment-plan"): 200,  # the caller's own setting's points
    ("GET", "/api/assessments"): 200,  # today's point of the caller's own setting, its own children
    ("PUT", "/api/assessment-plan/points"): 412,  # If-Match is the target setting's plan's version
    ("PATCH", "/api/assessment-plan/options"): 412,  # likewise
    # today's point of the caller's own setting: its own children, none of the target's
    ("GET", "/api/reports/cohort"): 200,
    ("GET", "/api/reports/cohort/csv"): 200,
    ("GET", "/api/reports/cohort/pdf"): 200,
    # Strong sign-in acts on the caller's own account only; there is no id to name another's (S34).
    ("GET", "/api/account/factors"): 200,
    ("POST", "/api/account/step-up"): 400,  # "passkey": not the strongest method the caller has
    ("DELETE", "/api/account/sign-in-reset"): 409,  # the caller's own: no reset is waiting
    ("POST", "/api/account/authenticator"): 200,  # the caller's own new secret, nobody else's
    ("POST", "/api/account/recovery-codes"): 409,  # the caller has no strong factor
    ("GET", "/api/account/passkeys"): 200,
    ("GET", "/api/account/devices"): 200,
    ("POST", "/api/account/passkeys/options"): 200,
    ("POST", "/api/account/passkeys"): 400,  # the attempt sent is not one of the caller's
    ("POST", "/api/account/passkeys/step-up"): 400,  # likewise
}

# Routes that end the caller's own session(s): the caller signs in again afterwards.
ENDS_SESSIONS = {("POST", "/api/auth/logout"), ("POST", "/api/auth/logout-all")}

# Which target object a path parameter names: by its own name, else by the segment before it.
PARAMETER_KINDS: Mapping[str, str] = {"childId": "child", "momentId": "moment", "pointId": "point"}
SEGMENT_KINDS: Mapping[str, str] = {
    "children": "child",
    "observations": "observation",
    "photos": "photo",
    "staff": "staff",
    "parents": "parent",
    "people": "parent",  # anyone of the setting: the target family's parent
    "sessions": "session",
    "moments": "moment",
    "exports": "export",
    "rooms": "room",
    "passkeys": "passkey",
    "devices": "device",
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: Mapping[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def parameters(self) -> list[str]:
        return re.findall(r"{([^}]+)}", self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def documented_operations() -> list[Operation]:
    found = []
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            if method in item:
                # Path-level parameters apply to every operation of the path.
                spec = {
                    **item[method],
                    "parameters": [*item.get("parameters", []), *item[method].get("parameters", [])],
                }
                found.append(Operation(method.upper(), path, spec))
    return found


OPERATIONS = [op for op in documented_operations() if op.key not in SKIPPED]


# -- the target world ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    name: str
    role: str | None  # None: not signed in (or no longer may be)
    same_setting: bool  # may legitimately see the target setting's own id and name


CALLERS = [
    Caller("other-setting-manager", MANAGER, same_setting=False),
    Caller("other-family-parent", PARENT, same_setting=True),
    Caller("not-key-practitioner", PRACTITIONER, same_setting=True),
    Caller("deactivated", None, same_setting=False),
    Caller("nobody", None, same_setting=False),
]


@dataclass
class World:
    """The target nursery, the outsiders' browsers and the strings that must never reach them."""

    served: Served
    wired: Deps
    manager: Api
    ids: dict[str, str]
    etags: dict[str, str]
    missing: dict[str, str]  # kinds of target object that could not be made, and why
    browsers: dict[str, Api]
    logins: dict[str, dict[str, str]]
    family_markers: list[str] = field(default_factory=list)  # the target family's data
    setting_markers: list[str] = field(default_factory=list)  # the target setting's own id and name

    def ids_for(self, variant: str | None) -> dict[str, str]:
        """The target's ids; for the "moment photo" variant, /api/photos/{id} names a moment's photo."""
        return self.ids if variant is None else {**self.ids, "photo": self.ids[variant]}

    def markers_for(self, caller: Caller) -> list[str]:
        return self.family_markers + ([] if caller.same_setting else self.setting_markers)


def join(manager: Api, slug: str, path: str, body: dict[str, Any], name: str) -> tuple[Api, str, str]:
    """Invite someone, then activate and sign them in in their own browser: (browser, id, e-mail)."""
    email = f"{name.split()[0].lower()}-{secrets.token_hex(4)}@isolation.example"
    invited = manager.post(path, {"name": name, "email": email, **body})
    assert invited.status_code == 201, invited.text
    browser = manager.fresh()
    token = browser.link(email, "activate")
    activated = browser.post("/api/auth/activate", {"token": token, "password": PASSWORD, "pin": PIN})
    assert activated.status_code == 200, activated.text
    login = {"setting": slug, "email": email, "password": PASSWORD, "pin": PIN}
    assert browser.sign_in(login).status_code == 200
    return browser, str(invited.json()["id"]), email


def add_child(manager: Api, first: str, last: str, **extra: object) -> str:
    body = {
        "firstName": first,
        "lastName": last,
        "dateOfBirth": "2023-05-17",
        "photosInOwnJournal": True,
        "photosInOthersJournals": True,
        **extra,
    }
    added = manager.post("/api/children", body)
    assert added.status_code == 201, added.text
    return str(added.json()["id"])


def build_world(served: Served, wired: Deps) -> World:
    manager = Api(served)
    login = manager.activate_manager()
    assert manager.sign_in(login).status_code == 200
    slug = login["setting"]
    setting_id = manager.get("/api/auth/session").json()["user"]["setting"]
    token = secrets.token_hex(3)

    # Staff: a key practitioner for the other family's child, a practitioner still invited
    # (the target of /api/staff/{id}), and a second manager who is deactivated once signed in.
    practitioner, practitioner_id, practitioner_email = join(
        manager, slug, "/api/staff", {"role": PRACTITIONER}, "Kit Keyworker"
    )
    invited = manager.post(
        "/api/staff", {"name": "Ivy Invited", "email": f"ivy-{token}@isolation.example", "role": PRACTITIONER}
    )
    assert invited.status_code == 201, invited.text
    gone, gone_id, _ = join(manager, slug, "/api/staff", {"role": MANAGER}, "Dora Departed")

    child = add_child(manager, "Zephyrine", f"Quillfeather{token}")
    other_child = add_child(manager, "Bramwell", "Ashdown", keyPersonId=practitioner_id)
    parent, parent_id, parent_email = join(
        manager, slug, "/api/parents", {"childIds": [child]}, f"Ottoline Marchbanks{token}"
    )
    other_parent, _, other_email = join(
        manager, slug, "/api/parents", {"childIds": [other_child]}, "Hal Ashdown"
    )

    text = f"Zephyrine stacked eleven teal cups into a wobbly tower {token}"
    created = manager.post(
        "/api/observations",
        {
            "childIds": [child],
            "text": text,
            "nextSteps": f"Offer heavier blocks {token}",
            "areas": ["mathematics"],
            "observedOn": date.today().isoformat(),
        },
    )
    assert created.status_code == 201, created.text
    observation = str(created.json()["observation"]["id"])
    uploaded = manager.post(
        f"/api/observations/{observation}/photos",
        data=photos.plain_jpeg(64, 48),
        headers={"Content-Type": "image/jpeg"},
    )
    assert uploaded.status_code == 201, uploaded.text
    photo = str(uploaded.json()["id"])
    version = {"If-Match": manager.get(f"/api/observations/{observation}").headers["ETag"]}
    assert manager.post(f"/api/observations/{observation}/publish", headers=version).status_code == 200
    comment = f"So proud of her marmalade grin {token}"
    assert parent.post(f"/api/observations/{observation}/comments", {"text": comment}).status_code == 201
    moment_text = f"At home Zephyrine planted sunflower seeds {token}"
    shared = parent.post(f"/api/children/{child}/moments", {"text": moment_text})
    assert shared.status_code == 201, shared.text
    moment = str(shared.json()["moment"]["id"])
    moment_photo = parent.post(
        f"/api/children/{child}/moments/{moment}/photos",
        data=photos.plain_jpeg(48, 64),
        headers={"Content-Type": "image/jpeg"},
    )
    assert moment_photo.status_code == 201, moment_photo.text
    session = next(s["id"] for s in parent.get("/api/auth/sessions").json()["sessions"] if s["current"])
    key = SoftAuthenticator(served.base)
    ceremony = parent.post("/api/account/passkeys/options").json()
    credential = key.create(ceremony["options"])
    added = parent.post("/api/account/passkeys", {"attempt": ceremony["attempt"], "credential": credential})
    assert added.status_code == 201, added.text
    passkey = str(added.json()["passkey"]["id"])
    device = str(parent.get("/api/account/devices").json()["devices"][0]["id"])
    missing: dict[str, str] = {}
    export = ""
    if "/api/children/{id}/exports" in SPEC["paths"]:
        requested = parent.post(f"/api/children/{child}/exports")
        if requested.status_code == 202:
            export = str(requested.json()["id"])
        else:
            missing["export"] = f"the target parent's export request answered {requested.status_code}"

    # The target child's room and tracker details (staff only, SEND support is special category).
    room_name = f"Kingfishers{token}"
    made_room = manager.post("/api/rooms", {"name": room_name})
    assert made_room.status_code == 201, made_room.text
    room = str(made_room.json()["room"]["id"])
    placed = manager.call("PUT", f"/api/children/{child}/room", {"roomId": room}, headers={"If-Match": "new"})
    assert placed.status_code == 200, placed.text
    tracker = manager.call("PATCH", "/api/setting/tracker", {"recordSex": True}, headers={"If-Match": "new"})
    assert tracker.status_code == 200, tracker.text
    details = manager.call("PATCH", f"/api/children/{child}/details", {"sendSupport": True, "sex": "female"},
                           headers={"If-Match": "new"})  # fmt: skip
    assert details.status_code == 200, details.text
    elgs = [e["id"] for e in manager.get(f"/api/children/{child}/profile").json()["profile"]["elgs"]]
    profile_comment = f"Zephyrine persists with hard puzzles {token}"
    recorded = manager.call(
        "PUT", f"/api/children/{child}/profile",
        {"judgements": dict.fromkeys(elgs, "expected"), "comment": profile_comment},
    )  # fmt: skip
    assert recorded.status_code == 200, recorded.text
    # The target child's judgements at a point, with a note only staff read.
    point = str(manager.get("/api/assessment-plan").json()["plan"]["points"][1]["id"])
    judgement_note = f"Zephyrine counts teal cups past twenty {token}"
    judged = manager.call(
        "PUT", f"/api/children/{child}/assessments/{point}",
        {"judgements": {"number": {"judgement": "working-beyond", "note": judgement_note}}},
    )  # fmt: skip
    assert judged.status_code == 200, judged.text

    read = manager.get("/api/setting")
    policy = manager.call(
        "PATCH", "/api/setting", {"keyChildrenOnly": True}, headers={"If-Match": read.headers["ETag"]}
    )
    assert policy.status_code == 200, policy.text
    assert manager.post(f"/api/staff/{gone_id}/deactivate").status_code == 200

    elsewhere = Api(served)
    elsewhere_login = elsewhere.activate_manager()
    assert elsewhere.sign_in(elsewhere_login).status_code == 200

    etags = {
        "child": manager.get(f"/api/children/{child}").headers["ETag"],
        "observation": manager.get(f"/api/observations/{observation}").headers["ETag"],
        "setting": manager.get("/api/setting").headers["ETag"],
        "room": next(r["etag"] for r in manager.get("/api/rooms").json()["rooms"] if r["id"] == room),
        "placement": manager.get(f"/api/children/{child}/room").headers["ETag"],
        "details": manager.get(f"/api/children/{child}/details").headers["ETag"],
        "tracker": manager.get("/api/setting/tracker").headers["ETag"],
        "assessment plan": manager.get("/api/assessment-plan").headers["ETag"],
        "assessment": manager.get(f"/api/children/{child}/assessments/{point}").headers["ETag"],
    }
    ids = {
        "child": child,
        "observation": observation,
        "photo": photo,
        "parent": parent_id,
        "staff": str(invited.json()["id"]),
        "moment": moment,
        "session": session,
        "moment photo": str(moment_photo.json()["id"]),
        "room": room,
        "passkey": passkey,
        "device": device,
        "point": point,
    }
    if export:
        ids["export"] = export
    world = World(
        served,
        wired,
        manager,
        ids,
        etags,
        missing,
        browsers={
            "other-setting-manager": elsewhere,
            "other-family-parent": other_parent,
            "not-key-practitioner": practitioner,
            "deactivated": gone,
            "nobody": Api(served),
        },
        logins={
            "other-setting-manager": elsewhere_login,
            "other-family-parent": {**login, "email": other_email},
            "not-key-practitioner": {**login, "email": practitioner_email},
        },
    )
    world.family_markers = [
        "Zephyrine",
        f"Quillfeather{token}",
        parent_email,
        f"Ottoline Marchbanks{token}",
        text,
        f"Offer heavier blocks {token}",
        comment,
        profile_comment,
        judgement_note,
        moment_text,
        photo,
        child,
        observation,
        moment,
        parent_id,
        session,
        ids["moment photo"],
        passkey,
        device,
        *([export] if export else []),
    ]
    world.setting_markers = [setting_id, slug, room, room_name]
    return world


# -- requests made from the specification ---------------------------------------------------------


def kind_of(path: str, parameter: str) -> str:
    """The target object a path parameter names; fails for one this world does not know yet."""
    if parameter in PARAMETER_KINDS:
        return PARAMETER_KINDS[parameter]
    segments = path.split("/")
    before = segments[segments.index("{" + parameter + "}") - 1]
    if before not in SEGMENT_KINDS:
        pytest.fail(f"no target object for {{{parameter}}} in {path}: add one to the world and SEGMENT_KINDS")
    return SEGMENT_KINDS[before]


def phantom_ids(real: Mapping[str, str]) -> dict[str, str]:
    """Well-formed ids of the same shape that exist nowhere."""
    return {kind: value[0] + secrets.token_hex(len(value))[: len(value) - 1] for kind, value in real.items()}


def _schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A schema with $ref and allOf resolved into one object schema."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return _schema(SPEC["components"]["schemas"][name])
    if "allOf" in schema:
        merged: dict[str, Any] = {"properties": {}, "required": list(schema.get("required", []))}
        for part in schema["allOf"]:
            resolved = _schema(part)
            merged["properties"].update(resolved.get("properties", {}))
            merged["required"] += resolved.get("required", [])
        return merged
    return dict(schema)


def _example(name: str, schema: Mapping[str, Any], ids: Mapping[str, str]) -> Any:
    """A minimal valid value; ids in a body name the target's objects like ids in the path."""
    if name == "childIds":
        return [ids["child"]]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "array":
        return [_example(name, schema.get("items", {}), ids)]
    if kind == "integer":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return date.today().isoformat()
    if schema.get("format") == "email":
        return f"probe-{secrets.token_hex(4)}@outsider.example"
    return "Isolation probe"


# Bodies the schema alone does not make valid (or that must not change the caller's own account).
BODY_OVERRIDES: Mapping[tuple[str, str], Callable[[Mapping[str, str]], dict[str, Any]]] = {
    ("POST", "/api/children"): lambda ids: {
        "firstName": "Probe",
        "lastName": "Child",
        "dateOfBirth": "2023-01-01",
        "photosInOwnJournal": False,
        "photosInOthersJournals": False,
    },
    ("PATCH", "/api/children/{id}"): lambda ids: {"lastName": "Renamed"},
    ("PATCH", "/api/observations/{id}"): lambda ids: {"text": "Rewritten by an outsider"},
    ("PATCH", "/api/staff/{id}"): lambda ids: {"role": MANAGER},
    ("PATCH", "/api/parents/{id}"): lambda ids: {"email": f"probe-{secrets.token_hex(4)}@outsider.example"},
    ("PATCH", "/api/setting"): lambda ids: {"otherChildren": "initials"},
    ("POST", "/api/auth/password"): lambda ids: {
        "currentPassword": "not my password at all",
        "newPassword": "quartz heron bramble sonnet",
    },
    ("POST", "/api/auth/pin/change"): lambda ids: {"password": "not my password at all", "newPin": "730519"},
    ("PUT", "/api/children/{id}/room"): lambda ids: {"roomId": ids["room"]},
    ("PUT", "/api/staff/{id}/rooms"): lambda ids: {"roomIds": [ids["room"]]},
    ("PATCH", "/api/children/{id}/details"): lambda ids: {"sendSupport": False},
    ("PUT", "/api/assessment-plan/points"): lambda ids: {
        "points": [
            {
                "name": "Renamed by an outsider",
                "opens": "2026-09-01",
                "closes": "2026-12-19",
            }
        ]
    },
    ("PUT", "/api/children/{id}/assessments/{pointId}"): lambda ids: {
        "judgements": {"number": {"judgement": "on-track"}}
    },
}
# If-Match carries the target's real current version, as if the outsider had read it.
IF_MATCH: Mapping[tuple[str, str], str] = {
    ("PATCH", "/api/children/{id}"): "child",
    ("PATCH", "/api/observations/{id}"): "observation",
    ("PATCH", "/api/setting"): "setting",
    ("PATCH", "/api/rooms/{id}"): "room",
    ("POST", "/api/rooms/{id}/retire"): "room",
    ("PUT", "/api/children/{id}/room"): "placement",
    ("PATCH", "/api/children/{id}/details"): "details",
    ("PATCH", "/api/setting/tracker"): "tracker",
    ("PUT", "/api/children/{id}/profile"): "profile",
    ("POST", "/api/children/{id}/profile/finalise"): "profile",
    ("POST", "/api/children/{id}/profile/share"): "profile",
    ("PUT", "/api/assessment-plan/points"): "assessment plan",
    ("PATCH", "/api/assessment-plan/options"): "assessment plan",
    ("PUT", "/api/children/{id}/assessments/{pointId}"): "assessment",
    ("POST", "/api/children/{id}/assessments/{pointId}/approve"): "assessment",
}
QUERIES: Mapping[tuple[str, str], dict[str, str]] = {
    ("GET", "/api/observations"): {"status": "published"},
    ("GET", "/api/photos/{id}"): {"size": "thumb"},
}


@dataclass
class Request:
    method: str
    path: str
    kwargs: dict[str, Any]
    names_ids: bool  # whether any target id is in the path or body


def request_for(op: Operation, world: World, ids: Mapping[str, str]) -> Request:
    path = op.path
    for parameter in op.parameters:
        kind = kind_of(op.path, parameter)
        if kind not in ids:
            pytest.fail(f"no target {kind} for {op}: {world.missing.get(kind, 'not made by build_world')}")
        path = path.replace("{" + parameter + "}", ids[kind])
    kwargs: dict[str, Any] = {"allow_redirects": False, "params": QUERIES.get(op.key, {})}
    headers: dict[str, str] = {}
    if op.key in IF_MATCH:
        headers["If-Match"] = (
            current_profile_etag(world) if IF_MATCH[op.key] == "profile" else world.etags[IF_MATCH[op.key]]
        )
    content = op.spec.get("requestBody", {}).get("content", {})
    body: Any = None
    if op.key in BODY_OVERRIDES:
        body = BODY_OVERRIDES[op.key](ids)
    elif "application/json" in content:
        schema = _schema(content["application/json"]["schema"])
        props = schema.get("properties", {})
        body = {name: _example(name, _schema(props[name]), ids) for name in schema.get("required", [])}
    elif any(t.startswith("image/") for t in content):
        kwargs["data"] = photos.plain_jpeg(32, 24)
        headers["Content-Type"] = "image/jpeg"
    if body is not None:
        kwargs["json"] = body
    kwargs["headers"] = headers
    named = bool(op.parameters) or any(i in repr(body) for i in ids.values())
    return Request(op.method, path, kwargs, named)


def current_profile_etag(world: World) -> str:
    """The target child's EYFS profile changes version with each call that records it: read it now."""
    return world.manager.get(f"/api/children/{world.ids['child']}/profile").headers["ETag"]


def send(browser: Api, request: Request) -> requests.Response:
    kwargs = dict(request.kwargs)
    body = kwargs.pop("json", None)
    return browser.call(request.method, request.path, body, **kwargs)


# -- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(served: Served) -> World:
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    wired = bootstrap.build(served.config, served.clients, clock)
    bootstrap.use(wired, served.clients)
    return build_world(served, wired)


@pytest.fixture(autouse=True)
def wired_for_this_module(world: World) -> Iterator[None]:
    # Other modules wire their own clock per test; these tests share the world's.
    bootstrap.use(world.wired, world.served.clients)
    yield


# -- the specification itself ---------------------------------------------------------------------


def served_routes() -> set[tuple[str, str]]:
    """Every HTTP route the functions register, as openapi.yaml would spell it."""
    found = set()
    pattern = re.compile(r'route\(route="([^"]+)",\s*methods=\[([^\]]+)\]')
    for module in sorted((ROOT / "functions").glob("*.py")):
        for route, methods in pattern.findall(module.read_text(encoding="utf-8")):
            path = "/" + route.replace("{*", "{")
            for method in re.findall(r'"([A-Z]+)"', methods):
                found.add((method, path))
    return found


def test_every_served_route_is_documented_and_so_covered_here() -> None:
    documented = {op.key for op in documented_operations()}
    assert served_routes() - documented == set()


def test_every_skipped_route_is_documented() -> None:
    documented = {op.key for op in documented_operations()}
    assert set(SKIPPED) - documented == set()
    assert set(ROLES) - documented == set(), "ROLES names a route that is gone"


def test_every_covered_route_is_protected_by_the_session() -> None:
    unprotected = [str(op) for op in OPERATIONS if {"session": []} not in op.spec.get("security", [])]
    assert unprotected == []


@pytest.mark.parametrize("op", [op for op in OPERATIONS if op.method == "GET" and op.parameters], ids=str)
def test_the_target_manager_reaches_each_target_object(world: World, op: Operation) -> None:
    """The control: the ids and paths used below are real, so the 404s below mean refused."""
    for variant in variants(op):
        answer = send(world.manager, request_for(op, world, world.ids_for(variant)))
        assert answer.status_code in (200, 202, 302), answer.text


# -- the outsiders ----------------------------------------------------------------------------------


def expected_statuses(op: Operation, caller: Caller) -> set[int] | None:
    """The statuses S24 allows; None: any status but 401 and 5xx (a new route acting on the caller's own)."""
    if caller.role is None:
        return {401}
    may_use = caller.role in ROLES.get(op.key, EVERYONE)
    if op.parameters:
        return {404} if may_use else {403, 404}
    if not may_use:
        return {403}
    return {OWN_SCOPE[op.key]} if op.key in OWN_SCOPE else None


KNOWN_GAPS: Mapping[tuple[str, str, str], str] = {}


def variants(op: Operation) -> list[str | None]:
    """A photo route is called for an observation's photo and again for a moment's photo."""
    return [None, "moment photo"] if op.path.startswith("/api/photos/{") else [None]


def _cases() -> list[Any]:
    cases = []
    for op in OPERATIONS:
        for variant in variants(op):
            for caller in CALLERS:
                gap = KNOWN_GAPS.get((op.method, op.path, caller.name))
                marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
                name = f"{op}{f' ({variant})' if variant else ''} as {caller.name}"
                cases.append(pytest.param(op, variant, caller, marks=marks, id=name))
    return cases


def _shown(answer: requests.Response) -> str:
    return f"{answer.request.method} {answer.request.path_url} -> {answer.status_code} {answer.text[:300]}"


@pytest.mark.parametrize(("op", "variant", "caller"), _cases())
def test_s24_an_outsider_gets_nothing_of_the_target(
    world: World, op: Operation, variant: str | None, caller: Caller
) -> None:
    browser = world.browsers[caller.name]
    ids = world.ids_for(variant)
    request = request_for(op, world, ids)
    answer = send(browser, request)
    try:
        assert answer.status_code < 500, _shown(answer)
        wanted = expected_statuses(op, caller)
        if wanted is None:
            assert answer.status_code != 401 and answer.status_code < 500, _shown(answer)
        else:
            assert answer.status_code in wanted, _shown(answer)
        if answer.status_code == 404:  # the route exists: refused, not missing
            assert answer.json()["error"]["code"] != "no_such_api", _shown(answer)
        seen = answer.text + answer.headers.get("Location", "")
        leaked = [m for m in world.markers_for(caller) if m in seen]
        assert leaked == [], f"{leaked} in {_shown(answer)}"
        if request.names_ids and caller.role is not None:
            # Existence must not leak: the target's ids answer exactly as ids that exist nowhere.
            nowhere = send(browser, request_for(op, world, phantom_ids(ids)))
            assert (nowhere.status_code, nowhere.text) == (answer.status_code, answer.text), (
                f"{_shown(answer)}\n  but for unknown ids: {_shown(nowhere)}"
            )
    finally:
        if op.key in ENDS_SESSIONS and caller.name in world.logins:
            assert browser.sign_in(world.logins[caller.name]).status_code == 200
