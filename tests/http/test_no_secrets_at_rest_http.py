"""S39: no raw link token, session id or challenge rests in any queue (poison queues included),
table or blob. Every kind of link mail is driven end to end through the local host and its queue
workers, then the whole emulator is searched for what the delivered mails and cookies held."""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from datetime import UTC, datetime, timedelta

from shared.storage.clients import StorageClients
from shared.storage.queue_names import MAIL_QUEUE, POISON_SUFFIX, QUEUES
from shared.storage.queues import sweep_poison
from tests.conftest import PASSWORD
from tests.http.conftest import Api
from tests.http.test_people_http import add_child, join, signed_in_manager

_LINK = re.compile(r"/(?:activate|reset|email-confirm|email-object)#([A-Za-z0-9._-]+)")


def _claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def _secrets_of(token: str) -> set[str]:
    """The token itself and the secret parts inside it (a link's nonce, a session's sid)."""
    claims = _claims(token)
    return {token, *(str(claims[k]) for k in ("nonce", "sid") if k in claims)}


def _everything_stored(clients: StorageClients) -> str:
    found: list[str] = []
    for queue in clients.queue_service.list_queues():
        # Decoded as the host decodes them (base64), so a token inside would show as itself.
        client = clients.queue(queue.name)
        found += [bytes(m.content).decode("utf-8", "replace") for m in client.peek_messages(max_messages=32)]
    for table in clients.table_service.list_tables():
        found += [
            json.dumps(e, default=str)
            for e in clients.table_service.get_table_client(table.name).list_entities()
        ]
    for container in clients.blob_service.list_containers():
        client = clients.blob_service.get_container_client(container.name)
        for blob in client.list_blobs():
            found.append(client.download_blob(blob.name).readall().decode("latin-1"))
    return "\n".join(found)


def test_s39_no_link_token_session_id_or_challenge_rests_in_any_queue_table_or_blob(api: Api) -> None:
    manager = signed_in_manager(api)  # activation of the setting's first manager
    child = add_child(api)
    parent, who = join(api, manager, "/api/parents", {"childIds": [child["id"]]})  # invitation
    staff_email = f"{secrets.token_hex(4)}@staff.example"
    invited = api.post("/api/staff", {"name": "Sam Staff", "email": staff_email, "role": "practitioner"})
    assert invited.status_code == 201
    api.wait_for_mail(staff_email)
    assert api.post(f"/api/staff/{invited.json()['id']}/invitation").status_code == 202  # activation again
    api.wait_for_mail(staff_email, count=2)
    assert (
        parent.post("/api/auth/reset", {"setting": who["setting"], "email": who["email"]}).status_code == 202
    )
    api.wait_for_mail(who["email"], count=2)  # reset
    new = f"{secrets.token_hex(4)}@elsewhere.example"
    assert parent.post("/api/auth/email", {"email": new, "password": PASSWORD}).status_code == 202
    token = parent.link(new, "email-confirm")  # e-mail change: confirm and object
    parent.wait_for_mail(who["email"], count=3)
    assert parent.post("/api/auth/email/confirm", {"token": token, "password": PASSWORD}).status_code == 200
    login = api.fresh().post(
        "/api/auth/login", {"setting": who["setting"], "email": new, "password": PASSWORD}
    )
    challenge = login.json()["challenge"]  # a live PIN challenge, deliberately left unused
    time.sleep(1)  # let the workers finish with whatever is still queued

    raw: set[str] = set()
    addresses = {manager["email"], who["email"], staff_email, new}
    for address in addresses:
        for mail in api.mails(address):
            text = mail.get_body(preferencelist=("plain",)).get_content()
            for link in _LINK.findall(text):
                raw |= _secrets_of(link)
    kinds = {_claims(t)["typ"] for t in raw if t.count(".") == 2}
    assert kinds >= {"activation", "reset", "email-confirm", "email-object"}
    for browser in (api, parent):
        for cookie in browser.http.cookies:
            raw |= _secrets_of(str(cookie.value))
    raw |= _secrets_of(challenge)
    stored = _everything_stored(api.served.clients)
    leaked = sorted(secret[:12] + "..." for secret in raw if secret in stored)
    assert leaked == [], "raw secrets found at rest"


def test_s39_the_sweep_clears_poison_messages_older_than_a_day_and_keeps_newer(api: Api) -> None:
    clients = api.served.clients
    poison = clients.queue(MAIL_QUEUE + POISON_SUFFIX)
    marker = secrets.token_hex(8)
    poison.send_message(marker.encode())
    now = datetime.now(UTC)
    sweep_poison(clients, now, timedelta(days=1))
    time.sleep(6)  # the sweep hid what it kept for a few seconds
    assert any(marker.encode() in m.content for m in poison.peek_messages(max_messages=32))
    assert sweep_poison(clients, now + timedelta(days=1, seconds=5), timedelta(days=1)) >= 1
    for name in QUEUES:
        assert not clients.queue(name + POISON_SUFFIX).peek_messages(max_messages=32)
