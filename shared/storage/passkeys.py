"""Passkeys, spent challenges and fresh verifications in the setting's partition of `passkeys`.

The rows and why they are keyed so are in the key-design table (shared.storage.keys). Only public
material is stored: a credential's id, public key and counter, and digests of challenges.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from shared.domain.errors import Conflict
from shared.domain.passkeys import FRESH_SECONDS, Passkey
from shared.storage import keys
from shared.storage.tables import Entity, Operation, Table


class TablePasskeys:
    """The PasskeyStore port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def add(self, passkey: Passkey) -> None:
        try:
            passkey.etag = self._table.create(_to_entity(passkey))
        except Conflict:
            raise Conflict("That passkey is already registered.") from None

    def get(self, setting_id: str, user_id: str, digest: str) -> Passkey | None:
        row = self._table.get(setting_id, keys.passkey_row(user_id, digest))
        return _to_passkey(row) if row else None

    def of_user(self, setting_id: str, user_id: str) -> Sequence[Passkey]:
        rows = self._table.query(*keys.rows_under(setting_id, keys.passkeys_of(user_id)))
        return sorted((_to_passkey(r) for r in rows), key=lambda p: (p.created_at, p.digest))

    def save(self, passkey: Passkey) -> None:
        passkey.etag = self._table.update(_to_entity(passkey), etag=passkey.etag, replace=True)

    def remove(self, setting_id: str, user_id: str, digest: str) -> None:
        self._table.delete(setting_id, keys.passkey_row(user_id, digest))

    def spend(self, setting_id: str, challenge_digest: str, expires_at: datetime) -> None:
        entity = {"PartitionKey": setting_id, "RowKey": keys.spent_row(challenge_digest),
                  "Kind": "spent", "ExpiresAt": expires_at}  # fmt: skip
        try:
            self._table.create(entity)
        except Conflict:
            raise Conflict("That challenge has already been used.") from None

    def mark_fresh(self, setting_id: str, user_id: str, session_digest: str, at: datetime) -> None:
        self._table.upsert(
            {"PartitionKey": setting_id, "RowKey": keys.fresh_row(user_id, session_digest),
             "Kind": "fresh", "VerifiedAt": at, "ExpiresAt": at + timedelta(seconds=FRESH_SECONDS)}
        )  # fmt: skip

    def fresh_at(self, setting_id: str, user_id: str, session_digest: str) -> datetime | None:
        row = self._table.get(setting_id, keys.fresh_row(user_id, session_digest))
        at = row.get("VerifiedAt") if row else None
        return at if isinstance(at, datetime) else None

    def sweep_expired(self, setting_id: str, now: datetime) -> int:
        # A scan of the setting's partition: a few rows per person, run once a night.
        rows = self._table.query(
            "PartitionKey eq @pk and ExpiresAt lt @now", {"pk": setting_id, "now": now}, select=["RowKey"]
        )
        gone = [Operation("delete", {"PartitionKey": setting_id, "RowKey": r["RowKey"]}) for r in rows]
        self._table.transact(gone)
        return len(gone)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii"))


def _to_entity(passkey: Passkey) -> Entity:
    return {
        "PartitionKey": passkey.setting_id,
        "RowKey": keys.passkey_row(passkey.user_id, passkey.digest),
        "Kind": "passkey",
        "UserId": passkey.user_id,
        "CredentialId": _b64(passkey.credential_id),
        "PublicKey": _b64(passkey.public_key),
        # Int64: the counter is 32 bits unsigned, beyond what a table's Int32 holds.
        "SignCount": str(passkey.sign_count),
        "Name": passkey.name,
        "CreatedAt": passkey.created_at,
        "LastUsedAt": passkey.last_used_at,
        "Transports": json.dumps(passkey.transports),
        "Spent": json.dumps({d: until.isoformat() for d, until in passkey.spent.items()}),
    }


def _to_passkey(row: Entity) -> Passkey:
    spent: dict[str, Any] = json.loads(row.get("Spent") or "{}")
    return Passkey(
        setting_id=row["PartitionKey"],
        user_id=row["UserId"],
        credential_id=_unb64(row["CredentialId"]),
        public_key=_unb64(row["PublicKey"]),
        sign_count=int(row.get("SignCount") or 0),
        name=row.get("Name") or "",
        created_at=row["CreatedAt"],
        last_used_at=row.get("LastUsedAt"),
        transports=list(json.loads(row.get("Transports") or "[]")),
        spent={d: datetime.fromisoformat(until) for d, until in spent.items()},
        etag=row["_etag"],
    )
