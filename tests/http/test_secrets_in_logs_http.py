"""No secret reaches any log (S29): whole journeys over HTTP with every logger at DEBUG,
the app's, the local host's request log and the Azure SDK's included.

(The local mail transport echoes mailed links to the developer's terminal with print(); that is
local running's way of delivering mail, not a log, and is not configured outside local.)
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import photos
from tests.conftest import PASSWORD, PIN
from tests.http.conftest import Api
from tests.http.test_photos_http import Nursery, open_nursery, upload

NEW_PASSWORD = "juniper kettle orbit marigold"
NEW_PIN = "917364"
PARENT_PIN = "205846"


def sig_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["sig"][0]


def cookie_of(browser: Api) -> str:
    values = [c.value for c in browser.http.cookies if c.value]
    assert values, "the browser holds no session cookie"
    return str(values[0])


def test_s29_no_password_pin_token_cookie_or_sas_signature_reaches_any_log(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("azure", "devhost", "journal", "urllib3", "werkzeug"):
        caplog.set_level(logging.DEBUG, logger=name)
    found: dict[str, str] = {}

    # Activation and sign-in of a manager, then of a parent, each step's token kept.
    nursery: Nursery = open_nursery(api)
    found["manager activation token"] = api.link(f"manager@{nursery.slug}.example", "activate")
    found["manager session cookie"] = cookie_of(api)
    email = f"parent-{secrets.token_hex(4)}@family.example"
    invited = api.post("/api/parents", {"name": "Pat Parent", "email": email, "childIds": [nursery.child_id]})
    assert invited.status_code == 201, invited.text
    parent = api.fresh()
    found["parent activation token"] = parent.link(email, "activate")
    activated = parent.post(
        "/api/auth/activate",
        {"token": found["parent activation token"], "password": PASSWORD, "pin": PARENT_PIN},
    )
    assert activated.status_code == 200, activated.text
    login = {"setting": nursery.slug, "email": email, "password": PASSWORD}
    first = parent.post("/api/auth/login", login)
    assert first.status_code == 200, first.text
    found["challenge token"] = first.json()["challenge"]
    second = parent.post("/api/auth/pin", {"challenge": found["challenge token"], "pin": PARENT_PIN})
    assert second.status_code == 200, second.text
    found["parent session cookie"] = cookie_of(parent)

    # A wrong password and a wrong PIN are logged (audited) as failures, never as values.
    wrong = parent.fresh().post("/api/auth/login", {**login, "password": "wrong " + NEW_PASSWORD})
    assert wrong.status_code in (400, 401), wrong.text

    # Upload, publish, view: the photo link's SAS signature.
    uploaded = upload(api, nursery.observation_id, photos.jpeg_with_exif(120, 80))
    assert uploaded.status_code == 201, uploaded.text
    nursery.publish()
    viewed = parent.get(f"/api/photos/{uploaded.json()['id']}?size=display", allow_redirects=False)
    assert viewed.status_code == 302, viewed.text
    found["photo link signature"] = sig_of(viewed.headers["Location"])

    # Export: requested by the parent after confirming it is them (S35), built by the host's queue
    # worker, links signed.
    parent.step_up(login)
    asked = parent.post(f"/api/children/{nursery.child_id}/exports")
    assert asked.status_code == 202, asked.text
    deadline = time.monotonic() + 60
    while True:
        done = parent.get(f"/api/exports/{asked.json()['id']}").json()
        if done["status"] in ("ready", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert done["status"] == "ready", done
    found["export zip signature"] = sig_of(done["download"]["zip"])
    found["export pdf signature"] = sig_of(done["download"]["pdf"])

    # Reset: asked for, mailed by the host's reset worker, confirmed with a new password and PIN.
    assert (
        parent.fresh().post("/api/auth/reset", {"setting": nursery.slug, "email": email}).status_code == 202
    )
    found["reset token"] = parent.link(email, "reset", count=2)
    confirmed = parent.fresh().post(
        "/api/auth/reset/confirm", {"token": found["reset token"], "password": NEW_PASSWORD, "pin": NEW_PIN}
    )
    assert confirmed.status_code == 200, confirmed.text
    again = parent.fresh()
    assert again.sign_in({**login, "password": NEW_PASSWORD, "pin": NEW_PIN}).status_code == 200
    found["session cookie after reset"] = cookie_of(again)

    found = {what: value for what, value in found.items() if value}
    found["password"] = PASSWORD
    found["new password"] = NEW_PASSWORD
    logged = "\n".join(record.getMessage() for record in caplog.records) + caplog.text
    assert "/api/auth/activate" in logged and "/api/exports/" in logged, "the request log was not captured"
    leaked = [what for what, value in found.items() if value in logged]
    # PINs are short digit runs that random ids could contain by chance: whole words only.
    leaked += [f"PIN {pin}" for pin in (PIN, PARENT_PIN, NEW_PIN) if re.search(rf"\b{pin}\b", logged)]
    assert leaked == [], f"secrets in the log: {leaked}"
