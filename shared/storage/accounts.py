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
from shared.storage.factor_rows import factors_json, factors_of
from shared.storage.links import to_link
from shared.storage.names_book import families_book, with_parent
from shared.storage.tables import Entity, Operation, Table


class TableAccounts:
    """The AccountRepository port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table
        self._book = families_book(table)

    def add(self, account: Account) -> None:
        index = {
            "PartitionKey": account.setting_id,
            "RowKey": keys.email_row(account.email),
            "UserId": account.user_id,
        }
        try:
            self._write(account, [Operation("create", index), Operation("create", _to_entity(account))])
        except Conflict:
            raise Conflict("Someone in this setting already uses that e-mail address.") from None
        account.stored_name = account.name

    def _write(self, account: Account, steps: list[Operation]) -> list[str]:
        """Write `steps` for the account; a parent's new or changed name goes into the families'
        names book in the same transaction (S37)."""
        if account.role is not Role.PARENT or account.name == account.stored_name:
            return self._table.transact(steps)
        return self._book.change(
            account.setting_id, lambda book: with_parent(book, account.user_id, account.name), lambda: steps
        )

    def get(self, setting_id: str, user_id: str) -> Account | None:
        found = self._table.get(setting_id, keys.account_row(user_id))
        return _to_account(found) if found else None

    def find_by_email(self, setting_id: str, email: str) -> Account | None:
        return self.find_for_sign_in(setting_id, email, "")[0]

    def find_for_sign_in(
        self, setting_id: str, email: str, probe_digest: str
    ) -> tuple[Account | None, SignInProbe | None]:
        """The account owning `email` in this setting, or else the probe row of the address's
        keyed hash (S10), if there is one: two point reads either way.

        The index row decides who owns the address (it is what keeps addresses unique) and names
        the account, read next by its key. Point reads cost the same in a setting of five people
        as in one of thousands; a query on the stored e-mail would scan the partition.
        """
        index = self._table.get(setting_id, keys.email_row(email))
        account = self.get(setting_id, index["UserId"]) if index is not None else None
        if account is not None or not probe_digest:
            return account, None
        return None, self.get_probe(setting_id, probe_digest)

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
        account.etag = self._write(account, steps)[0]
        account.stored_name = account.name

    def get_with_session(
        self, setting_id: str, user_id: str, digest: str
    ) -> tuple[Account | None, Session | None, list[ParentLink]]:
        """A point read of the session, then one range: the account row and a parent's links,
        which sort right after it. Neither grows with the setting's people or sessions; an
        unknown session costs the one read."""
        found = self._table.get(setting_id, keys.session_row(user_id, digest))
        if found is None:
            return None, None, []
        account_row, links_from = keys.account_row(user_id), keys.children_of(user_id)
        account: Account | None = None
        links: list[ParentLink] = []
        for row in self._table.query(*keys.account_and_links_range(setting_id, user_id)):
            if row["RowKey"] == account_row:
                account = _to_account(row)
            elif row["RowKey"].startswith(links_from):
                links.append(to_link(row))
        return account, _to_session(found), links

    def touch_session(self, session: Session, at: datetime) -> None:
        key = {
            "PartitionKey": session.setting_id,
            "RowKey": keys.session_row(session.user_id, session.digest),
        }
        # A merge on a deleted row fails with NotFound rather than bringing the session back.
        self._table.update({**key, "LastSeenAt": at}, etag=None)

    def record_step_up(self, setting_id: str, user_id: str, digest: str, at: datetime) -> None:
        """S35: mark a fresh verification on the session; NotFound when it has ended meanwhile."""
        key = {"PartitionKey": setting_id, "RowKey": keys.session_row(user_id, digest)}
        # A merge: the session's other columns stay; on a deleted row it fails with NotFound.
        self._table.update({**key, "SteppedUpAt": at}, etag=None)

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
        """Every account of the setting: one range of account rows and parents' links (never a
        session), filtered to the accounts."""
        low, high = keys.prefix_bounds(keys.every_account())
        rows = self._table.query(
            "PartitionKey eq @setting and RowKey gt @from and RowKey lt @to and Kind eq @kind",
            {"setting": setting_id, "from": low, "to": high, "kind": "account"},
        )
        return sorted((_to_account(r) for r in rows), key=lambda a: (a.name.lower(), a.user_id))

    def families(self, setting_id: str) -> Sequence[NamedParent]:
        """The families' names book: one point read, whatever the number of families."""
        entries = self._book.read(setting_id).entries
        return [
            NamedParent(user_id, name, frozenset(children))
            for user_id, (name, children) in sorted(entries.items())
            if name is not None
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
            self._write(account, steps)
        except Conflict:
            taken = "Someone in this setting already uses that e-mail address."
            raise Conflict(taken, field="email") from None
        account.stored_name = account.name

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
        self._write(account, steps)
        account.stored_name = account.name

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
        "Factors": factors_json(account.factors),
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
        stored_name=row["Name"],
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
        factors=factors_of(row.get("Factors") or ""),
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
        stepped_up_at=row.get("SteppedUpAt"),
    )
