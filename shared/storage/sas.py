"""Read-only links to single blobs (S28): one function, two ways of signing.

In Azure no account key exists (allowSharedKeyAccess is false), so links are user delegation SAS:
signed with a key the managed identity fetches from the Blob service. That key is cached and
replaced well before it ends. Against the local emulator, which cannot issue delegation keys over
plain http, links are signed with the emulator's well-known account key: the only place an account
key exists at all.

Every link: read permission only, one blob (sr=b), at most 10 minutes, the content type fixed in
the signature, and https only outside local development.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import quote

from azure.storage.blob import BlobSasPermissions, BlobServiceClient, UserDelegationKey, generate_blob_sas

from shared.clock import Clock
from shared.domain.links import SIGNED_LINK_LIFETIME
from shared.storage.errors import translated

# S28: a link lives at most 10 minutes. It is used at once by <img src> after a 302.
SAS_LIFETIME = SIGNED_LINK_LIFETIME
# What the browser may do with the photo it fetched: not keep it (S20, children's photos on shared devices).
BLOB_CACHE_CONTROL = "private, no-store"

# Delegation keys may live up to 7 days; a few hours keeps a leaked key short-lived while the
# managed identity is asked rarely. A key is replaced an hour before it ends, far more than the
# longest link signed with it (a SAS stops working when its key does). Its start is backdated a
# little so a storage clock slightly behind ours still accepts it.
KEY_LIFETIME = timedelta(hours=6)
KEY_REFRESH_BEFORE = timedelta(hours=1)
KEY_BACKDATE = timedelta(minutes=5)
# A file name fixed in a link's Content-Disposition: letters, digits, ".", "-", "_" only.
_DOWNLOAD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class DelegationKeySource(Protocol):
    """Where user delegation keys come from (the Blob service, through the managed identity)."""

    def user_delegation_key(self, start: datetime, expiry: datetime) -> UserDelegationKey: ...


class ServiceDelegationKeys:
    """The DelegationKeySource of a real Blob service client signed in with a token credential."""

    def __init__(self, service: BlobServiceClient) -> None:
        self._service = service

    def user_delegation_key(self, start: datetime, expiry: datetime) -> UserDelegationKey:
        with translated():
            return self._service.get_user_delegation_key(key_start_time=start, key_expiry_time=expiry)


class CachedDelegationKey:
    """One delegation key at a time, shared by every request thread and renewed before it ends."""

    def __init__(
        self,
        source: DelegationKeySource,
        clock: Clock,
        *,
        lifetime: timedelta = KEY_LIFETIME,
        refresh_before: timedelta = KEY_REFRESH_BEFORE,
    ) -> None:
        if refresh_before <= SAS_LIFETIME or refresh_before >= lifetime:
            raise ValueError("renew a key after it starts and before its last link could outlive it")
        self._source = source
        self._clock = clock
        self._lifetime = lifetime
        self._refresh_before = refresh_before
        self._lock = threading.Lock()
        self._key: UserDelegationKey | None = None
        self._expires: datetime | None = None

    def current(self) -> tuple[UserDelegationKey, datetime]:
        """A key valid for at least `refresh_before` from now, and when it ends."""
        with self._lock:  # one fetch at a time: parallel first requests share one key
            now = self._clock.now()
            if self._key is None or self._expires is None or now >= self._expires - self._refresh_before:
                expires = now + self._lifetime
                self._key = self._source.user_delegation_key(now - KEY_BACKDATE, expires)
                self._expires = expires
            return self._key, self._expires


class BlobReadLinks:
    """Signs read-only, single-blob links into one container, with whichever key this place has."""

    def __init__(
        self,
        *,
        account_name: str,
        container: str,
        container_url: str,
        clock: Clock,
        https_only: bool,
        account_key: str | None = None,
        delegation_key: CachedDelegationKey | None = None,
        lifetime: timedelta = SAS_LIFETIME,
        inspect_string_to_sign: Callable[[str], None] | None = None,
    ) -> None:
        if (account_key is None) == (delegation_key is None):
            raise ValueError("sign with exactly one of an account key or a delegation key")
        if lifetime > SAS_LIFETIME:
            raise ValueError("S28: a photo link lives at most 10 minutes")
        self._account = account_name
        self._container = container
        self._container_url = container_url.rstrip("/")
        self._clock = clock
        self._https_only = https_only
        self._account_key = account_key
        self._delegation_key = delegation_key
        self._lifetime = lifetime
        self._inspect = inspect_string_to_sign  # tests read what was signed; never logged

    def read_url(self, name: str, content_type: str, *, download_name: str | None = None) -> str:
        """A link that lets its holder read this one blob, as `content_type`, for 10 minutes.

        With `download_name`, the signature also fixes Content-Disposition to an attachment of that
        name (a server-made ASCII name only: it reaches a response header).
        """
        disposition = None
        if download_name is not None:
            if not _DOWNLOAD_NAME.fullmatch(download_name):
                raise ValueError("a download name is a short ASCII file name made by the server")
            disposition = f'attachment; filename="{download_name}"'
        expiry = self._clock.now().astimezone(UTC) + self._lifetime
        delegation = None
        if self._delegation_key is not None:
            delegation, _ = self._delegation_key.current()
        token = generate_blob_sas(
            self._account,
            self._container,
            name,
            account_key=self._account_key,
            user_delegation_key=delegation,
            permission=BlobSasPermissions(read=True),
            expiry=expiry,
            protocol="https" if self._https_only else None,
            content_type=content_type,
            cache_control=BLOB_CACHE_CONTROL,
            content_disposition=disposition,
            sts_hook=self._inspect,
        )
        return f"{self._container_url}/{quote(name, safe='/')}?{token}"


def read_links_for(
    service: BlobServiceClient, container: str, clock: Clock, *, uses_account_key: bool, https_only: bool
) -> BlobReadLinks:
    """The signer this deployment can use: account key against the emulator, delegation key in Azure."""
    container_url = service.get_container_client(container).url
    if uses_account_key:
        key = getattr(service.credential, "account_key", None)
        if not key:
            raise ValueError("the storage connection string holds no account key")
        return BlobReadLinks(
            account_name=str(service.account_name),
            container=container,
            container_url=container_url,
            clock=clock,
            https_only=https_only,
            account_key=str(key),
        )
    return BlobReadLinks(
        account_name=str(service.account_name),
        container=container,
        container_url=container_url,
        clock=clock,
        https_only=https_only,
        delegation_key=CachedDelegationKey(ServiceDelegationKeys(service), clock),
    )
