"""Signed photo links (S28): user delegation keys cached at our port, and what each link allows.

The delegation key source is a fake at our own port (DelegationKeySource); the SAS itself is made
by the real SDK, and its fields and signature are read back from the URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from azure.storage.blob import UserDelegationKey

from shared.clock import FrozenClock
from shared.storage.sas import (
    KEY_BACKDATE,
    KEY_LIFETIME,
    KEY_REFRESH_BEFORE,
    SAS_LIFETIME,
    BlobReadLinks,
    CachedDelegationKey,
)

START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
ACCOUNT = "journalstore"
CONTAINER_URL = f"https://{ACCOUNT}.blob.core.windows.net/photos"
BLOB = "s1234/pabcdef/display.jpg"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeKeySource:
    """Hands out distinct delegation keys and remembers what it was asked for."""

    def __init__(self, delay: float = 0) -> None:
        self.requests: list[tuple[datetime, datetime]] = []
        self.delay = delay
        self._lock = threading.Lock()

    def user_delegation_key(self, start: datetime, expiry: datetime) -> UserDelegationKey:
        with self._lock:
            self.requests.append((start, expiry))
            number = len(self.requests)
        if self.delay:
            time.sleep(self.delay)  # widens the window in which an unguarded cache would fetch twice
        key = UserDelegationKey()  # type: ignore[no-untyped-call]
        key.signed_oid = "11111111-2222-3333-4444-555555555555"
        key.signed_tid = "66666666-7777-8888-9999-000000000000"
        key.signed_start = iso(start)
        key.signed_expiry = iso(expiry)
        key.signed_service = "b"
        key.signed_version = "2025-01-05"
        key.value = base64.b64encode(hashlib.sha256(f"key-{number}".encode()).digest()).decode()
        return key


class Signed:
    """One link and the exact text its signature covers."""

    def __init__(self) -> None:
        self.clock = FrozenClock(START)
        self.source = FakeKeySource()
        self.keys = CachedDelegationKey(self.source, self.clock)
        self.signed: list[str] = []
        self.links = BlobReadLinks(
            account_name=ACCOUNT,
            container="photos",
            container_url=CONTAINER_URL,
            clock=self.clock,
            https_only=True,
            delegation_key=self.keys,
            inspect_string_to_sign=self.signed.append,
        )


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


# -- the key cache ----------------------------------------------------------------------------


def test_s28_one_delegation_key_serves_many_links() -> None:
    signed = Signed()
    for _ in range(5):
        signed.links.read_url(BLOB, "image/jpeg")
        signed.clock.advance(minutes=30)
    assert len(signed.source.requests) == 1
    start, expiry = signed.source.requests[0]
    assert start == START - KEY_BACKDATE
    assert expiry == START + KEY_LIFETIME


def test_s28_the_key_is_replaced_well_before_it_expires() -> None:
    clock = FrozenClock(START)
    source = FakeKeySource()
    keys = CachedDelegationKey(source, clock)
    first, first_end = keys.current()
    clock.advance(seconds=(KEY_LIFETIME - KEY_REFRESH_BEFORE).total_seconds() - 1)
    assert keys.current()[0] is first
    clock.advance(seconds=1)
    second, second_end = keys.current()
    assert second is not first and len(source.requests) == 2
    assert first_end - clock.now() == KEY_REFRESH_BEFORE  # an hour of life was left unused
    assert second_end == clock.now() + KEY_LIFETIME


def test_s28_no_link_outlives_the_key_that_signed_it() -> None:
    signed = Signed()
    for _ in range(24 * 60 // 7):  # a day, a link every 7 minutes
        url = signed.links.read_url(BLOB, "image/jpeg")
        fields = query(url)
        assert fields["se"] <= fields["ske"]
        signed.clock.advance(minutes=7)
    assert len(signed.source.requests) == 5  # one key per 5 hours


def test_s28_parallel_first_requests_fetch_one_key() -> None:
    clock = FrozenClock(START)
    source = FakeKeySource(delay=0.05)
    keys = CachedDelegationKey(source, clock)
    with ThreadPoolExecutor(max_workers=16) as pool:
        got = list(pool.map(lambda _: keys.current()[0], range(16)))
    assert len(source.requests) == 1
    assert all(key is got[0] for key in got)


def test_s28_a_cache_that_could_hand_out_a_key_shorter_lived_than_a_link_is_refused() -> None:
    with pytest.raises(ValueError):
        CachedDelegationKey(FakeKeySource(), FrozenClock(START), refresh_before=timedelta(minutes=5))


# -- the link -------------------------------------------------------------------------------


def test_s28_a_link_reads_one_blob_for_ten_minutes_over_https_only() -> None:
    signed = Signed()
    url = signed.links.read_url(BLOB, "image/jpeg")
    parts = urlsplit(url)
    fields = query(url)
    assert parts.scheme == "https"
    assert parts.path == f"/photos/{BLOB}"
    assert fields["sp"] == "r"  # read, nothing else
    assert fields["sr"] == "b"  # one blob, not the container
    assert fields["se"] == iso(START + timedelta(minutes=10))
    assert fields["spr"] == "https"
    assert fields["rsct"] == "image/jpeg"
    assert fields["skoid"] == "11111111-2222-3333-4444-555555555555"  # a user delegation SAS
    assert "sig" in fields and "st" not in fields


def test_s28_the_signature_covers_exactly_this_blob_path() -> None:
    signed = Signed()
    url = signed.links.read_url(BLOB, "image/jpeg")
    string_to_sign = signed.signed[-1]
    assert f"/blob/{ACCOUNT}/photos/{BLOB}" in string_to_sign.split("\n")
    key, _ = signed.keys.current()
    assert key.value is not None
    expected = hmac.new(base64.b64decode(key.value), string_to_sign.encode(), hashlib.sha256).digest()
    assert base64.b64decode(query(url)["sig"]) == expected


def test_s28_links_to_two_sizes_are_signed_differently() -> None:
    signed = Signed()
    display = query(signed.links.read_url(BLOB, "image/jpeg"))["sig"]
    thumb = query(signed.links.read_url(BLOB.replace("display", "thumb"), "image/jpeg"))["sig"]
    assert display != thumb


def test_s28_a_link_cannot_be_made_to_live_longer_than_ten_minutes() -> None:
    with pytest.raises(ValueError, match="10 minutes"):
        BlobReadLinks(
            account_name=ACCOUNT,
            container="photos",
            container_url=CONTAINER_URL,
            clock=FrozenClock(START),
            https_only=True,
            account_key=base64.b64encode(b"k" * 32).decode(),
            lifetime=SAS_LIFETIME + timedelta(seconds=1),
        )


def test_s28_a_signer_takes_exactly_one_kind_of_key() -> None:
    clock = FrozenClock(START)
    with pytest.raises(ValueError):
        BlobReadLinks(
            account_name=ACCOUNT,
            container="photos",
            container_url=CONTAINER_URL,
            clock=clock,
            https_only=True,
        )
    with pytest.raises(ValueError):
        BlobReadLinks(
            account_name=ACCOUNT,
            container="photos",
            container_url=CONTAINER_URL,
            clock=clock,
            https_only=True,
            account_key=base64.b64encode(b"k" * 32).decode(),
            delegation_key=CachedDelegationKey(FakeKeySource(), clock),
        )


def test_s28_account_key_links_for_the_emulator_are_read_only_and_short_too() -> None:
    links = BlobReadLinks(
        account_name="devstoreaccount1",
        container="photos",
        container_url="http://127.0.0.1:10000/devstoreaccount1/photos",
        clock=FrozenClock(START),
        https_only=False,
        account_key=base64.b64encode(b"k" * 32).decode(),
    )
    fields = query(links.read_url(BLOB, "image/jpeg"))
    assert (fields["sp"], fields["sr"], fields["se"]) == ("r", "b", iso(START + SAS_LIFETIME))
    assert "spr" not in fields and "skoid" not in fields
