"""The audit archive (S41): every chained audit entry also lands, as one JSON line, in an append
blob of the `audit-archive` container, one blob per setting and month:

    {setting}/{YYYY-MM}/{part, 3 digits}.jsonl

In Azure the container has a time-based retention policy with protected append writes: blocks
can be added, nothing written can be changed or deleted before the period ends, by the app
identity or anyone else (infra/modules/photostorage.bicep), and the identity's role there has no
delete right at all (infra/modules/roles.bicep). Each line is one append-block call, so a line is
never split or interleaved; appends from several processes may land out of order, and readers
sort by sequence number. An append blob takes at most 50,000 blocks: when a month's part is full
the next part begins. Nothing serves this container to a browser: no SAS is ever signed for it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime, timedelta

from azure.core import MatchConditions
from azure.core.exceptions import (
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
)
from azure.storage.blob import BlobClient, ContainerClient

from shared.domain.audit_chain import ChainLink, month_of
from shared.storage.clients import StorageClients
from shared.storage.errors import translated

AUDIT_ARCHIVE_CONTAINER = "audit-archive"
_FULL = "BlockCountExceedsLimit"
_KNOWN_BLOBS = 10_000  # names of a few dozen bytes; cleared rather than grown without bound
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def archive_prefix(setting_id: str, month: str) -> str:
    """Where a setting's month lives in the archive; every name starts with the setting id (S25)."""
    return f"{setting_id}/{month}/"


def archive_blob(setting_id: str, month: str, part: int) -> str:
    return f"{archive_prefix(setting_id, month)}{part:03d}.jsonl"


def to_line(link: ChainLink) -> bytes:
    """One entry as the archive keeps it: every field the hash covers, time in milliseconds."""
    millis = (link.at.astimezone(UTC) - _EPOCH) // timedelta(milliseconds=1)
    fields = {"v": 1, "seq": link.seq, "prev": link.prev, "hash": link.hash, "at": millis,
              "setting": link.setting_id, "actor": link.actor, "action": link.action,
              "target": link.target, "outcome": link.outcome, "detail": link.detail}  # fmt: skip
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def from_line(line: bytes) -> ChainLink:
    f = json.loads(line)
    at = _EPOCH + timedelta(milliseconds=int(f["at"]))
    return ChainLink(int(f["seq"]), str(f["prev"]), str(f["hash"]), at, str(f["setting"]), str(f["actor"]),
                     str(f["action"]), str(f["target"]), str(f["outcome"]), str(f["detail"]))  # fmt: skip


class BlobAuditArchive:
    """The AuditArchive port over append blobs."""

    def __init__(self, clients: StorageClients, *, create_container: bool) -> None:
        """`create_container`: only against the emulator; in Azure the container is declared in
        Bicep and the identity holds no right to create containers."""
        self._clients = clients
        self._create = create_container
        self._lock = threading.Lock()
        self._parts: dict[str, int] = {}  # the part this process appends to, per setting and month
        self._known: set[str] = set()  # blobs this process has appended to (they exist)

    def _container(self) -> ContainerClient:
        if self._create:
            return self._clients.container(AUDIT_ARCHIVE_CONTAINER)
        return self._clients.blob_service.get_container_client(AUDIT_ARCHIVE_CONTAINER)

    def append(self, link: ChainLink) -> None:
        container = self._container()
        key = f"{link.setting_id}/{month_of(link.at)}"
        line = to_line(link)
        with self._lock:
            part = self._parts.get(key, 0)
        while True:
            name = archive_blob(link.setting_id, month_of(link.at), part)
            blob = container.get_blob_client(name)
            try:
                with translated():
                    self._append(blob, line, known=name in self._known)
                with self._lock:
                    if len(self._known) > _KNOWN_BLOBS:
                        self._known.clear()
                    self._known.add(name)
                break
            except HttpResponseError as error:
                if getattr(error, "error_code", None) != _FULL:
                    raise
                part += 1
        with self._lock:
            self._parts[key] = max(part, self._parts.get(key, 0))

    @staticmethod
    def _append(blob: BlobClient, line: bytes, *, known: bool) -> None:
        """One append; a blob this process has not yet written is created first (if missing: never
        over one another writer made), so its first line costs two requests and later ones one."""
        if not known:
            with suppress(ResourceExistsError, ResourceModifiedError):  # 409 or 412: it exists already
                blob.create_append_blob(match_condition=MatchConditions.IfMissing)
        try:
            blob.append_block(line)
        except ResourceNotFoundError:
            if not known:
                raise
            blob.create_append_blob(match_condition=MatchConditions.IfMissing)
            blob.append_block(line)

    def links(self, setting_id: str, since: datetime) -> Sequence[ChainLink]:
        container = self._container()
        first = month_of(since)
        found: list[ChainLink] = []
        with translated():
            for item in container.list_blobs(name_starts_with=f"{setting_id}/"):
                month = str(item.name).split("/")[1]
                if month < first:
                    continue
                data = container.download_blob(item.name).readall()
                found.extend(from_line(line) for line in data.splitlines() if line.strip())
        return found
