"""The Pwned Passwords adapter against a local server that speaks the range API (S2).

The server binds to 127.0.0.1 and answers like the real service: `SUFFIX:COUNT` lines, with padding
entries of count 0 when asked for them. Nothing here reaches the internet.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from shared.config import PWNED_PASSWORDS_API, ConfigError, load_config
from shared.domain.errors import InvalidInput
from shared.domain.passwords import check_password
from shared.security.pwned import NoBreachCheck, PwnedPasswords, breached_passwords

LEAKED = "marble otter kettle"  # accepted by the offline lists, so only the API can refuse it
PADDED_ONLY = "copper lantern whistle"  # listed only as a padding entry, count 0
UNKNOWN = "saffron juniper thistle"


def sha1(password: str) -> str:
    return hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()


@dataclass
class RangeApi:
    """What the fake service knows, how it behaves, and what it was asked."""

    counts: dict[str, int] = field(default_factory=dict)
    behaviour: str = "answer"  # "answer", "slow", "drip", "error", "garbled"
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    url: str = ""

    def answer(self, prefix: str, padded: bool) -> str:
        lines = [
            f"{digest[5:]}:{count}" for digest, count in self.counts.items() if digest.startswith(prefix)
        ]
        if padded:
            lines += [f"{index:035X}:0" for index in range(1, 200)]
        return "\r\n".join(lines)


@pytest.fixture
def api() -> Iterator[RangeApi]:
    state = RangeApi(counts={sha1(LEAKED): 3861, sha1(PADDED_ONLY): 0})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, dict(self.headers.items())))
            if state.behaviour == "slow":
                time.sleep(3)
            if state.behaviour == "error":
                self.send_error(503)
                return
            prefix = self.path.rpartition("/")[2]
            body = state.answer(prefix, self.headers.get("Add-Padding") == "true").encode()
            if state.behaviour == "garbled":
                body = b"<html>maintenance</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if state.behaviour == "drip":
                for offset in range(0, len(body), 64):
                    self.wfile.write(body[offset : offset + 64])
                    self.wfile.flush()
                    time.sleep(0.05)
                return
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def timed(call: Callable[[], bool | None]) -> tuple[bool | None, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_s2_a_password_listed_by_the_api_is_breached(api: RangeApi) -> None:
    assert PwnedPasswords(api.url).is_breached(LEAKED) is True


def test_s2_a_password_the_api_does_not_list_is_not_breached(api: RangeApi) -> None:
    assert PwnedPasswords(api.url).is_breached(UNKNOWN) is False


def test_s2_a_padding_entry_with_count_zero_is_not_a_breach(api: RangeApi) -> None:
    assert PwnedPasswords(api.url).is_breached(PADDED_ONLY) is False


def test_s2_only_the_first_five_hex_digits_of_the_sha1_leave_the_app(api: RangeApi) -> None:
    PwnedPasswords(api.url).is_breached(LEAKED)
    [(path, headers)] = api.requests
    assert path == f"/range/{sha1(LEAKED)[:5]}"
    assert sha1(LEAKED)[5:] not in path and LEAKED not in path
    assert headers["Add-Padding"] == "true"


def test_s2_an_api_that_does_not_answer_in_time_gives_no_answer_quickly(api: RangeApi) -> None:
    api.behaviour = "slow"
    result, seconds = timed(lambda: PwnedPasswords(api.url, timeout=0.5).is_breached(LEAKED))
    assert result is None
    assert seconds < 1.5


def test_s2_an_api_that_drips_its_answer_past_the_deadline_gives_no_answer(api: RangeApi) -> None:
    api.behaviour = "drip"
    result, seconds = timed(lambda: PwnedPasswords(api.url, timeout=0.3).is_breached(LEAKED))
    assert result is None
    assert seconds < 1.0


@pytest.mark.parametrize("behaviour", ["error", "garbled"])
def test_s2_a_5xx_or_garbled_answer_gives_no_answer(api: RangeApi, behaviour: str) -> None:
    api.behaviour = behaviour
    assert PwnedPasswords(api.url).is_breached(LEAKED) is None


def test_s2_a_password_too_long_for_the_policy_is_not_sent(api: RangeApi) -> None:
    assert PwnedPasswords(api.url).is_breached("a" * 100_000) is None
    assert api.requests == []


def test_s2_an_api_nobody_listens_on_gives_no_answer(api: RangeApi) -> None:
    closed = PwnedPasswords("http://127.0.0.1:9", timeout=0.5)
    assert closed.is_breached(LEAKED) is None


def test_s2_the_api_answer_refuses_a_password_the_offline_lists_accept(api: RangeApi) -> None:
    source = PwnedPasswords(api.url)
    check_password(UNKNOWN, breached=source.is_breached(UNKNOWN))
    with pytest.raises(InvalidInput, match="appeared in a data breach"):
        check_password(LEAKED, breached=source.is_breached(LEAKED))
    api.behaviour = "error"
    check_password(LEAKED, breached=source.is_breached(LEAKED))


def test_s2_the_breach_api_is_off_in_local_development(tmp_path: Path) -> None:
    local = load_config({"JOURNAL_ENVIRONMENT": "local", "JOURNAL_VAR_DIR": str(tmp_path)})
    assert local.pwned_passwords_url is None
    assert isinstance(breached_passwords(local.pwned_passwords_url), NoBreachCheck)
    assert NoBreachCheck().is_breached(LEAKED) is None
    assert breached_passwords(PWNED_PASSWORDS_API).__class__ is PwnedPasswords


def production_env(**settings: str) -> dict[str, str]:
    key = json.dumps({"k1": base64.urlsafe_b64encode(bytes(range(32))).decode()})
    return {
        "JOURNAL_ENVIRONMENT": "production",
        "JOURNAL_PUBLIC_BASE_URL": "https://journal.example",
        "JOURNAL_JWT_KEYS": key,
        "JOURNAL_PEPPERS": key,
        "JOURNAL_SEALING_KEYS": key,
        "JournalStorage__tableServiceUri": "https://account.table.example",
        "JournalStorage__blobServiceUri": "https://account.blob.example",
        "JournalStorage__queueServiceUri": "https://account.queue.example",
        "JOURNAL_MAIL_FROM": "Journal <no-reply@journal.example>",
        "JOURNAL_SMTP_HOST": "smtp.example",
        **settings,
    }


def test_s2_production_asks_the_public_api_unless_it_is_turned_off() -> None:
    assert load_config(production_env()).pwned_passwords_url == PWNED_PASSWORDS_API
    off = load_config(production_env(JOURNAL_PWNED_PASSWORDS_URL="off"))
    assert off.pwned_passwords_url is None


def test_s2_outside_local_development_the_breach_api_must_be_https() -> None:
    with pytest.raises(ConfigError, match="JOURNAL_PWNED_PASSWORDS_URL"):
        load_config(production_env(JOURNAL_PWNED_PASSWORDS_URL="http://example.org"))
