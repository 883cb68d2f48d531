"""Accounts, their e-mail index and their sessions, in the setting's partition of `accounts`.

The rows and why they share the partition are in the key-design table (shared.storage.keys).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import asdict
from datetime import datetime
from typing import Any

from shared.domain.children import ParentLink
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.people import (
    Account,
    EmailChange,
    KnownDevice,
    LinkKind,
    Role,
    Session,
    SignInProbe,
    Status,
)
from shared.domain.redaction import NamedParent
from shared.storage import keys
from shared.storage.links import to_link
from shared.storage.tables import Entity, Operation, Table


class TableAccounts:
    """The AccountRepository port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def add(self, account: Account) -> None:
        index = {
            "PartitionKey": account.setting_id,
            "RowKey": keys.email_row(account.email),
            "UserId": account.user_id,
        }
        try:
            self._table.transact([Operation("create", index), Operation("create", _to_entity(account))])
        except Conflict:
            raise Conflict("Someone in this setting already uses that e-mail address.") from None

    def get(self, setting_id: str, user_id: str) -> Account | None:
        found = self._table.get(setting_id, keys.account_row(user_id))
        return _to_account(found) if found else None

    def find_by_email(self, setting_id: str, email: str) -> Account | None:
        return self.find_for_sign_in(setting_id, email, "")[0]

    def find_for_sign_in(
        self, setting_id: str, email: str, probe_digest: str
    ) -> tuple[Account | None, SignInProbe | None]:
        """The account owning `email` in this setting: the index row and the account in one query,
        which also brings the probe row of the address's keyed hash (S10), if there is one.

        The index row decides who owns the address (it is what keeps addresses unique); the account
        row is matched by its stored e-mail in the same round trip, and read on its own only when
        the two disagree (an address stored before it was normalised).
        """
        probe_key = keys.probe_row(probe_digest) if probe_digest else keys.email_row(email)
        rows = list(
            self._table.query(
                "PartitionKey eq @setting and ( RowKey eq @index or RowKey eq @probe"
                " or ( Kind eq @kind and Email eq @email ) )",
                {"setting": setting_id, "index": keys.email_row(email), "probe": probe_key,
                 "kind": "account", "email": email},
            )
        )  # fmt: skip
        probe = next((_to_probe(r) for r in rows if probe_digest and r["RowKey"] == probe_key), None)
        index = next((r for r in rows if keys.is_email_row(r["RowKey"])), None)
        if index is None:
            return None, probe
        for row in rows:
            if row["RowKey"] == keys.account_row(index["UserId"]):
                return _to_account(row), probe
        return self.get(setting_id, index["UserId"]), probe

    def get_probe(self, setting_id: str, digest: str) -> SignInProbe | None:
        found = self._table.get(setting_id, keys.probe_row(digest))
        return _to_probe(found) if found else None

    def save_probe(self, probe: SignInProbe) -> None:
        entity = {
            "PartitionKey": probe.setting_id,
            "RowKey": keys.probe_row(probe.digest),
            "Kind": "probe",
            "FailedLogins": probe.failures,
            "ThrottledUntil": probe.until,
            "ExpiresAt": probe.expires_at,
        }
        if probe.etag is None:
            try:
                probe.etag = self._table.create(entity)
            except Conflict:
                raise ConcurrencyConflict("another attempt created the row first") from None
        else:
            probe.etag = self._table.update(entity, etag=probe.etag, replace=True)

    def save(
        self, account: Account, *, end_sessions: bool = False, new_session: Session | None = None
    ) -> None:
        steps = self._account_steps(account, end_sessions)
        if new_session is not None:
            steps.append(Operation("create", _session_entity(new_session)))
        # The saved account carries its new ETag, so a use case can write it again (S10 reserves
        # an attempt, then the change that follows a right password is saved on top of it).
        account.etag = self._table.transact(steps)[0]

    def get_with_session(
        self, setting_id: str, user_id: str, digest: str
    ) -> tuple[Account | None, Session | None, list[ParentLink]]:
        links_from, links_to = keys.prefix_bounds(keys.children_of(user_id))
        rows = self._table.query(
            "PartitionKey eq @setting and ( RowKey eq @user or RowKey eq @session"
            " or ( RowKey gt @from and RowKey lt @to ) )",
            {"setting": setting_id, "user": keys.account_row(user_id),
             "session": keys.session_row(user_id, digest), "from": links_from, "to": links_to},
        )  # fmt: skip
        account: Account | None = None
        session: Session | None = None
        links: list[ParentLink] = []
        for row in rows:
            if row["RowKey"] == keys.account_row(user_id):
                account = _to_account(row)
            elif row["RowKey"].startswith(links_from):
                links.append(to_link(row))
            elif keys.is_session_row(row["RowKey"]):
                session = _to_session(row)
        return account, session, links

    def touch_session(self, session: Session, at: datetime) -> None:
        key = {
            "PartitionKey": session.setting_id,
            "RowKey": keys.session_row(session.user_id, session.digest),
        }
        # A merge on a deleted row fails with NotFound rather than bringing the session back.
        self._table.update({**key, "LastSeenAt": at}, etag=None)

    def sessions(self, setting_id: str, user_id: str) -> Sequence[Session]:
        rows = self._table.query(*keys.rows_under(setting_id, keys.sessions_of(user_id)))
        return [_to_session(row) for row in rows]

    def end_session(self, setting_id: str, user_id: str, digest: str) -> None:
        with suppress(NotFound):
            self._table.delete(setting_id, keys.session_row(user_id, digest))

    def end_sessions(self, setting_id: str, user_id: str, *, keep: str | None = None) -> int:
        ending = [s for s in self.sessions(setting_id, user_id) if s.digest != keep]
        self._table.transact(
            Operation("delete", {"PartitionKey": setting_id, "RowKey": keys.session_row(user_id, s.digest)})
            for s in ending
        )
        return len(ending)

    def in_setting(self, setting_id: str) -> Sequence[Account]:
        """Every account of the setting (its sessions, links and index rows are left out)."""
        rows = self._table.query(
            "PartitionKey eq @setting and Kind eq @kind", {"setting": setting_id, "kind": "account"}
        )
        return sorted((_to_account(r) for r in rows), key=lambda a: (a.name.lower(), a.user_id))

    def families(self, setting_id: str) -> Sequence[NamedParent]:
        """Parents' account rows and each link once (the child's side), only the columns a name
        needs: about two rows per family, so a setting of 300 children is two pages."""
        low, high = keys.prefix_bounds(keys.every_child_link())
        rows = self._table.query(
            "PartitionKey eq @setting and ( ( Kind eq @account and Role eq @parent )"
            " or ( RowKey gt @from and RowKey lt @to ) )",
            {"setting": setting_id, "account": "account", "parent": Role.PARENT.value,
             "from": low, "to": high},
            select=["RowKey", "Kind", "UserId", "Name", "ParentId", "ChildId"],
        )  # fmt: skip
        names: dict[str, str] = {}
        children: dict[str, set[str]] = {}
        for row in rows:
            if row.get("Kind") == "account":
                names[row["UserId"]] = row.get("Name") or ""
            else:
                children.setdefault(row["ParentId"], set()).add(row["ChildId"])
        return [
            NamedParent(user_id, name, frozenset(children.get(user_id, ())))
            for user_id, name in names.items()
        ]

    def change_email(self, account: Account, old_email: str, *, end_sessions: bool = False) -> None:
        """Save `account` under its new e-mail and move the index row, in one transaction (and end
        every session of the account in it, if asked).

        Conflict when someone in the setting already uses the new address; ConcurrencyConflict when
        the account or the old index row changed since they were read. Nothing is written then.
        """
        old_key = keys.email_row(old_email)
        old_index = self._table.get(account.setting_id, old_key)
        index = {"PartitionKey": account.setting_id, "RowKey": keys.email_row(account.email),
                 "UserId": account.user_id}  # fmt: skip
        steps = [Operation("create", index), *self._account_steps(account, end_sessions)]
        if old_index is not None and old_index["UserId"] == account.user_id:
            steps.insert(0, Operation("delete", old_index, etag=old_index["_etag"]))
        try:
            self._table.transact(steps)
        except Conflict:
            taken = "Someone in this setting already uses that e-mail address."
            raise Conflict(taken, field="email") from None

    def manager_guard(self, setting_id: str) -> str:
        """The ETag of the setting's manager guard row, created on first use.

        Every write that can take away an active manager also rewrites this row under the ETag
        read before the managers were counted, so of two racing demotions only one commits and
        the other is counted again: a setting can never lose its last manager to a race.
        """
        row = self._table.get(setting_id, keys.MANAGER_GUARD_ROW)
        if row is not None:
            return str(row["_etag"])
        with suppress(Conflict):
            self._table.create(
                {"PartitionKey": setting_id, "RowKey": keys.MANAGER_GUARD_ROW, "Kind": "guard", "Version": 0}
            )
        created = self._table.get(setting_id, keys.MANAGER_GUARD_ROW)
        if created is None:  # removed between the two calls: let the caller retry
            raise ConcurrencyConflict("the manager guard changed while it was being read")
        return str(created["_etag"])

    def save_guarded(self, account: Account, guard_etag: str, *, end_sessions: bool = False) -> None:
        """`save`, in the same transaction as a rewrite of the manager guard under `guard_etag`."""
        guard = {
            "PartitionKey": account.setting_id,
            "RowKey": keys.MANAGER_GUARD_ROW,
            "Changed": account.user_id,
        }
        steps = [*self._account_steps(account, end_sessions), Operation("update", guard, etag=guard_etag)]
        self._table.transact(steps)

    def _account_steps(self, account: Account, end_sessions: bool) -> list[Operation]:
        """Write the account under its ETag and, if asked, end all its sessions: one transaction."""
        # Replace, not merge: a field set back to None must really be cleared in storage.
        steps = [Operation("replace", _to_entity(account), etag=account.etag)]
        if end_sessions:
            steps += [
                Operation(
                    "delete",
                    {"PartitionKey": account.setting_id, "RowKey": keys.session_row(s.user_id, s.digest)},
                )
                for s in self.sessions(account.setting_id, account.user_id)
            ]
        return steps


def _to_entity(account: Account) -> Entity:
    return {
        "PartitionKey": account.setting_id,
        "RowKey": keys.account_row(account.user_id),
        "Kind": "account",
        "UserId": account.user_id,
        "Email": account.email,
        "Name": account.name,
        "Role": account.role.value,
        "Status": account.status.value,
        "CreatedAt": account.created_at,
        "PasswordHash": account.password_hash or "",
        "PinHash": account.pin_hash or "",
        "FailedLogins": account.failed_logins,
        "ThrottledUntil": account.throttled_until,
        "FailedPins": account.failed_pins,
        "PinLocked": account.pin_locked,
        "ChallengeEpoch": account.challenge_epoch,
        "ChallengeFailures": account.challenge_failures,
        "LinkKind": account.link_kind.value if account.link_kind else "",
        "LinkDigest": account.link_digest or "",
        "LinkExpires": account.link_expires,
        "LinkEpoch": account.link_epoch,
        "LinkArmed": account.link_armed,
        "EmailChange": _change_json(account.email_change),
        "ResetMails": json.dumps([t.isoformat() for t in account.reset_mails]),
        "DeactivatedAt": account.deactivated_at,
        "Devices": json.dumps([_device_json(d) for d in account.devices]),
    }


def _device_json(device: KnownDevice) -> dict[str, object]:
    return {
        "id": device.device_id,
        "failures": device.failures,
        "until": device.until.isoformat() if device.until else None,
        "seen": device.seen_at.isoformat() if device.seen_at else None,
        "label": device.label,
        "first": device.first_seen_at.isoformat() if device.first_seen_at else None,
    }


def _to_device(raw: dict[str, Any]) -> KnownDevice:
    def when(value: object) -> datetime | None:
        return datetime.fromisoformat(value) if isinstance(value, str) else None

    return KnownDevice(
        str(raw["id"]), int(raw.get("failures", 0)), when(raw.get("until")), when(raw.get("seen")),
        str(raw.get("label") or ""), when(raw.get("first")),
    )  # fmt: skip


def _to_probe(row: Entity) -> SignInProbe:
    return SignInProbe(
        setting_id=row["PartitionKey"],
        digest=keys.probe_digest_of(row["RowKey"]),
        failures=int(row.get("FailedLogins", 0)),
        until=row.get("ThrottledUntil"),
        expires_at=row.get("ExpiresAt"),
        etag=row["_etag"],
    )


def _to_account(row: Entity) -> Account:
    return Account(
        setting_id=row["PartitionKey"],
        user_id=row["UserId"],
        email=row["Email"],
        name=row["Name"],
        role=Role(row["Role"]),
        status=Status(row["Status"]),
        created_at=row["CreatedAt"],
        password_hash=row.get("PasswordHash") or None,
        pin_hash=row.get("PinHash") or None,
        failed_logins=int(row.get("FailedLogins", 0)),
        throttled_until=row.get("ThrottledUntil"),
        failed_pins=int(row.get("FailedPins", 0)),
        pin_locked=bool(row.get("PinLocked", False)),
        challenge_epoch=int(row.get("ChallengeEpoch", 0)),
        challenge_failures=int(row.get("ChallengeFailures", 0)),
        link_kind=LinkKind(row["LinkKind"]) if row.get("LinkKind") else None,
        link_digest=row.get("LinkDigest") or None,
        link_expires=row.get("LinkExpires"),
        link_epoch=int(row.get("LinkEpoch", 0)),
        link_armed=int(row.get("LinkArmed", 0)),
        email_change=_change_of(row.get("EmailChange") or ""),
        reset_mails=[datetime.fromisoformat(t) for t in json.loads(row.get("ResetMails") or "[]")],
        deactivated_at=row.get("DeactivatedAt"),
        devices=[_to_device(d) for d in json.loads(row.get("Devices") or "[]")],
        etag=row["_etag"],
    )


def _change_json(change: EmailChange | None) -> str:
    if change is None:
        return ""
    data = asdict(change)
    for name in ("requested_at", "confirm_expires", "object_expires"):
        data[name] = data[name].isoformat() if data[name] else None
    return json.dumps(data)


def _change_of(raw: str) -> EmailChange | None:
    if not raw:
        return None
    data = json.loads(raw)
    for name in ("requested_at", "confirm_expires", "object_expires"):
        data[name] = datetime.fromisoformat(data[name]) if data[name] else None
    return EmailChange(**data)


def _session_entity(session: Session) -> dict[str, Any]:
    return {
        "PartitionKey": session.setting_id,
        "RowKey": keys.session_row(session.user_id, session.digest),
        "Kind": "session",
        "UserId": session.user_id,
        "StartedAt": session.started_at,
        "LastSeenAt": session.last_seen_at,
        "ExpiresAt": session.expires_at,
        "Device": session.device,
    }


def _to_session(row: Entity) -> Session:
    return Session(
        setting_id=row["PartitionKey"],
        user_id=row["UserId"],
        digest=keys.session_digest_of(row["RowKey"]),
        started_at=row["StartedAt"],
        last_seen_at=row["LastSeenAt"],
        expires_at=row["ExpiresAt"],
        device=row.get("Device", ""),
    )
