"""Notifications: table `notifications`, one partition per setting (key design in keys.py).

Preferences, events and the digest outbox share the setting's partition, so a digest run reads
the whole setting in three range queries and claims 50 mails before sending them in one
transaction: each mail's outbox row and its person's watermark. Watermarks sit in a column per
mode and are merged alone, so a person changing their choices while a run is under way loses
nothing.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime

from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.notifications import Event, EventKind, Mode, Preferences
from shared.domain.settings import Setting
from shared.services.ports import MailKey, SentMail
from shared.storage import keys
from shared.storage.settings import to_setting
from shared.storage.tables import MAX_BATCH, Entity, Operation, Table

_KINDS = frozenset(kind.value for kind in EventKind)
_MODES = frozenset(mode.value for mode in Mode)
_MARK = {Mode.IMMEDIATE: "MarkImmediate", Mode.DAILY: "MarkDaily", Mode.WEEKLY: "MarkWeekly"}


class TableNotifications:
    """The NotificationStore port over Azure Table Storage."""

    def __init__(self, table: Table, settings: Table) -> None:
        self._table = table
        self._settings = settings

    def record(self, event: Event) -> None:
        self._table.create(
            {
                "PartitionKey": event.setting_id,
                "RowKey": keys.event_row(event.at, secrets.token_hex(4)),
                "Kind": event.kind.value,
                "At": event.at,
                "Actor": event.actor,
                "Subject": event.subject,
                "Children": ",".join(event.child_ids),
                "User": event.user_id or "",
                "ByParent": event.by_parent,
            }
        )

    def preferences(self, setting_id: str, user_id: str) -> Preferences:
        row = self._table.get(setting_id, keys.preference_row(user_id))
        return _to_prefs(row) if row else Preferences(setting_id, user_id)

    def all_preferences(self, setting_id: str) -> Mapping[str, Preferences]:
        rows = self._range(setting_id, *keys.prefix_bounds(keys.PREFERENCE_ROWS))
        return {p.user_id: p for p in map(_to_prefs, rows)}

    def save_preferences(self, prefs: Preferences) -> Preferences:
        entity = {
            "PartitionKey": prefs.setting_id,
            "RowKey": keys.preference_row(prefs.user_id),
            "Modes": json.dumps({k.value: v.value for k, v in prefs.modes.items()}),
            "Epoch": prefs.epoch,
        }
        if prefs.etag is None:
            try:
                etag = self._table.create(entity)
            except Conflict:
                raise ConcurrencyConflict("the preferences changed meanwhile") from None
        else:
            etag = self._table.update(entity, etag=prefs.etag)
        return Preferences(prefs.setting_id, prefs.user_id, dict(prefs.modes), dict(prefs.watermarks),
                           prefs.epoch, prefs.undeliverable, etag)  # fmt: skip

    def mark_undeliverable(self, setting_id: str, user_id: str, address_digest: str) -> None:
        self._table.upsert(
            {
                "PartitionKey": setting_id,
                "RowKey": keys.preference_row(user_id),
                "Undeliverable": address_digest,
            }
        )

    def events(self, setting_id: str, since: datetime) -> Sequence[Event]:
        low, high = keys.events_from(since), keys.EVENT_ROWS + keys.SEP
        return [_to_event(r) for r in self._range(setting_id, low, high)]

    def mails(self, setting_id: str, round_key: str) -> Mapping[str, str]:
        prefix = keys.mails_of(round_key)
        rows = self._range(setting_id, *keys.prefix_bounds(prefix))
        return {r["RowKey"][len(prefix) :]: str(r["State"]) for r in rows}

    def claim_mails(self, setting_id: str, claims: Sequence[SentMail], at: datetime) -> set[MailKey]:
        """Create the outbox rows and move the watermarks: 50 mails (100 rows) a transaction."""
        claimed: set[MailKey] = set()
        for start in range(0, len(claims), MAX_BATCH // 2):
            chunk = claims[start : start + MAX_BATCH // 2]
            try:
                self._table.transact(op for mail in chunk for op in self._claim(setting_id, mail, at))
                claimed.update((mail.round_key, mail.user_id) for mail in chunk)
                continue
            except Conflict:
                pass  # another run holds one of them (the transaction wrote nothing): one at a time
            for mail in chunk:
                outbox, mark = self._claim(setting_id, mail, at)
                try:
                    self._table.create(outbox.entity)
                except Conflict:
                    continue
                self._table.upsert(mark.entity)
                claimed.add((mail.round_key, mail.user_id))
        return claimed

    def release_mails(self, setting_id: str, claims: Sequence[SentMail]) -> None:
        operations = []
        for mail in claims:
            row = {"PartitionKey": setting_id, "RowKey": keys.mail_row(mail.round_key, mail.user_id)}
            operations += [Operation("delete", row), self._mark(setting_id, mail)]
        try:
            self._table.transact(operations)
        except NotFound:  # one row was gone already (the transaction wrote nothing): one at a time
            for outbox, mark in zip(operations[::2], operations[1::2], strict=True):
                self._table.delete(setting_id, outbox.entity["RowKey"])
                self._table.upsert(mark.entity)

    def _claim(self, setting_id: str, mail: SentMail, at: datetime) -> tuple[Operation, Operation]:
        outbox = {"PartitionKey": setting_id, "RowKey": keys.mail_row(mail.round_key, mail.user_id),
                  "State": "claimed", "At": at}  # fmt: skip
        return Operation("create", outbox), self._mark(setting_id, mail)

    def _mark(self, setting_id: str, mail: SentMail) -> Operation:
        # A merging upsert of the watermark's column alone: the person's choices stay as they are.
        return Operation("upsert", {"PartitionKey": setting_id, "RowKey": keys.preference_row(mail.user_id),
                                    _MARK[mail.mode]: mail.watermark})  # fmt: skip

    def mails_sent(self, setting_id: str, sent: Sequence[SentMail]) -> None:
        operations = []
        for mail in sent:
            outbox = {"PartitionKey": setting_id, "RowKey": keys.mail_row(mail.round_key, mail.user_id),
                      "State": "sent"}  # fmt: skip
            mark = {"PartitionKey": setting_id, "RowKey": keys.preference_row(mail.user_id),
                    _MARK[mail.mode]: mail.watermark}  # fmt: skip
            # Merging upserts: the outbox row keeps its time, the person's row its choices.
            operations += [Operation("upsert", outbox), Operation("upsert", mark)]
        self._table.transact(operations)

    def forget_before(self, setting_id: str, before: datetime) -> int:
        old_events = self._range(setting_id, keys.EVENT_ROWS, keys.events_from(before))
        low, high = keys.prefix_bounds(keys.MAIL_ROWS)
        old_mails = self._table.query(
            "PartitionKey eq @pk and RowKey ge @low and RowKey lt @high and At lt @before",
            {"pk": setting_id, "low": low, "high": high, "before": before},
        )
        doomed = [{"PartitionKey": setting_id, "RowKey": r["RowKey"]} for r in [*old_events, *old_mails]]
        self._table.transact(Operation("delete", row) for row in doomed)
        return len(doomed)

    def all_settings(self) -> Sequence[Setting]:
        rows = self._settings.query("RowKey eq @row", {"row": keys.SETTING_ROW})
        return [to_setting(r) for r in rows]

    def _range(self, setting_id: str, low: str, high: str) -> list[Entity]:
        return list(
            self._table.query(
                "PartitionKey eq @pk and RowKey ge @low and RowKey lt @high",
                {"pk": setting_id, "low": low, "high": high},
            )
        )


def _to_prefs(row: Entity) -> Preferences:
    modes_raw = json.loads(row.get("Modes") or "{}")
    modes = {EventKind(k): Mode(v) for k, v in modes_raw.items() if k in _KINDS and v in _MODES}
    marks = {mode: str(row[column]) for mode, column in _MARK.items() if row.get(column)}
    user_id = row["RowKey"][len(keys.PREFERENCE_ROWS) :]
    return Preferences(
        row["PartitionKey"],
        user_id,
        modes,
        marks,
        int(row.get("Epoch") or 0),
        row.get("Undeliverable") or None,
        row.get("_etag"),
    )


def _to_event(row: Entity) -> Event:
    return Event(
        setting_id=row["PartitionKey"],
        kind=EventKind(row["Kind"]),
        at=row["At"],
        actor=row["Actor"],
        subject=row["Subject"],
        child_ids=tuple(c for c in str(row.get("Children") or "").split(",") if c),
        user_id=row.get("User") or None,
        by_parent=bool(row.get("ByParent")),
        key=row["RowKey"][len(keys.EVENT_ROWS) :],
    )
