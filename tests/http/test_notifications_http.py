"""Notifications over real HTTP: choices in My account, the timer run through the host's admin
trigger, and one-click unsubscribe without a session (S40)."""

from __future__ import annotations

import email.message
from urllib.parse import parse_qs, urlparse

import requests

from shared import bootstrap
from shared.services import notifications
from tests.http.conftest import Api
from tests.http.test_journal_http import Nursery


def _zone_where_it_is_six_pm(nursery: Nursery) -> str:
    """A fixed-offset zone in which the frozen clock's hour is 18:xx, so the digest is due now."""
    offset = (18 - nursery.deps.clock.now().hour) % 24
    offset = offset - 24 if offset > 12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # Etc/GMT-2 is UTC+2


def _run_timer(api: Api) -> None:
    response = requests.post(api.served.base + "/admin/functions/send_notifications", json={"input": ""},
                             headers={"x-functions-key": api.served.master_key}, timeout=60)  # fmt: skip
    assert response.status_code == 202, response.text


def _digest_for(api: Api, address: str) -> email.message.EmailMessage:
    # The activation mail first, then the digest the timer sends in the background.
    (mail,) = [m for m in api.wait_for_mail(address, 2, timeout=60) if "List-Unsubscribe" in m]
    return mail  # type: ignore[no-any-return]


def test_a_parent_reads_and_changes_their_choices_in_my_account(api: Api) -> None:
    nursery = Nursery(api)
    poppy = nursery.parent(nursery.child("Poppy", "Smith"))
    first = poppy.get("/api/account/notifications")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    assert first.json() == {"choices": {"entry": "daily", "comment": "daily", "moment": "daily",
                                        "progress": "daily", "journal-closing": "immediate"},
                            "undeliverable": False}  # fmt: skip
    changed = poppy.call("PUT", "/api/account/notifications", {"choices": {"entry": "immediate"}})
    assert changed.status_code == 200 and changed.json()["choices"]["entry"] == "immediate"
    assert poppy.get("/api/account/notifications").json()["choices"]["entry"] == "immediate"
    for wrong in ({"awaiting": "daily"}, {"journal-closing": "weekly"}):  # not theirs; sent when it happens
        refused = poppy.call("PUT", "/api/account/notifications", {"choices": wrong})
        assert refused.status_code == 400 and refused.json()["error"]["field"] == "preferences"
    assert poppy.fresh().get("/api/account/notifications").status_code == 401


def test_s40_the_timer_mails_a_digest_and_one_click_unsubscribe_needs_no_session(api: Api) -> None:
    nursery = Nursery(api)
    setting = nursery.deps.settings.get(nursery.setting_id)
    assert setting is not None
    setting.time_zone = _zone_where_it_is_six_pm(nursery)
    nursery.deps.settings.save(setting)
    poppy_child = nursery.child("Poppy", "Smith")
    parent = nursery.parent(poppy_child)
    nursery.publish(poppy_child, text="Poppy Smith fed the hamster a secret carrot.")
    nursery.publish(poppy_child, text="Poppy counted ten buttons.")
    address = parent.get("/api/auth/session").json()["user"].get("email") or _address_of(nursery, parent)
    _run_timer(api)
    mail = _digest_for(api, address)
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "2 new entries in Poppy\u2019s journal" in body and "carrot" not in body and "Smith" not in body
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(mail["List-Unsubscribe"]).strip("<>")
    assert link.startswith(api.served.base + "/api/notifications/unsubscribe?token=")

    scanner = requests.get(link, timeout=30)  # a link scanner, or a person opening it: no change
    assert scanner.status_code == 200 and '<form method="post">' in scanner.text
    assert "script" not in scanner.headers["Content-Security-Policy"].replace("default-src 'none'", "")
    assert parent.get("/api/account/notifications").json()["choices"]["entry"] == "daily"

    one_click = requests.post(link, data={"List-Unsubscribe": "One-Click"}, timeout=30)  # no cookie at all
    assert one_click.status_code == 200 and "no longer" in one_click.text
    assert parent.get("/api/account/notifications").json()["choices"] == {
        "entry": "off", "comment": "daily", "moment": "daily", "progress": "daily",
        "journal-closing": "immediate"}  # fmt: skip
    assert requests.post(link, data={"List-Unsubscribe": "One-Click"}, timeout=30).status_code == 401

    token = parse_qs(urlparse(link).query)["token"][0]
    forged = link.replace(token, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    assert requests.post(forged, timeout=30).status_code == 401
    assert requests.post(api.served.base + "/api/notifications/unsubscribe", timeout=30).status_code == 400


def _address_of(nursery: Nursery, parent: Api) -> str:
    user_id = parent.get("/api/auth/session").json()["user"]["id"]
    account = bootstrap.deps().accounts.get(nursery.setting_id, user_id)
    assert account is not None
    return account.email


def test_an_undeliverable_address_shows_in_the_managers_parents_list_until_it_changes(api: Api) -> None:
    nursery = Nursery(api)
    parent = nursery.parent(nursery.child("Poppy", "Smith"))
    user_id = parent.get("/api/auth/session").json()["user"]["id"]
    account = nursery.deps.accounts.get(nursery.setting_id, user_id)
    assert account is not None
    nursery.deps.notifications.mark_undeliverable(
        nursery.setting_id, user_id, notifications.address_digest(account.email)
    )
    listed = {p["id"]: p for p in api.get("/api/parents").json()["parents"]}
    assert listed[user_id]["undeliverable"] is True
    assert parent.get("/api/account/notifications").json()["undeliverable"] is True
    assert all(s["undeliverable"] is False for s in api.get("/api/staff").json()["staff"])
    old = account.email
    account.email = "poppys.new.address@family.example"
    nursery.deps.accounts.change_email(account, old)
    listed = {p["id"]: p for p in api.get("/api/parents").json()["parents"]}
    assert listed[user_id]["undeliverable"] is False
