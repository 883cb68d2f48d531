"""The storage side of the retention purge: find what has expired and delete it in batches.

Every step is idempotent and each deletion is a transaction within one partition, so a run that
stops anywhere leaves no row half-deleted, and the next run simply finds less to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime

from shared.domain.errors import ConcurrencyConflict, NotFound
from shared.domain.settings import Setting
from shared.services.ports import AccountSweep
from shared.storage import keys
from shared.storage.leavers import TableLeavers
from shared.storage.names_book import families_book, without_links_of, without_parent
from shared.storage.quotas import UPLOADS_KIND
from shared.storage.settings import to_setting
from shared.storage.tables import Entity, Operation, Table


class TableRetention:
    """What the purge needs from the settings, accounts and audit tables."""

    def __init__(self, settings: Table, accounts: Table, audit: Table, leavers: TableLeavers) -> None:
        self._settings = settings
        self._accounts = accounts
        self._audit = audit
        self._leavers = leavers

    @property
    def leavers(self) -> TableLeavers:
        return self._leavers

    def all_settings(self) -> Sequence[Setting]:
        return [to_setting(row) for row in self._settings.query("RowKey eq @row", {"row": keys.SETTING_ROW})]

    def sweep_accounts(self, setting_id: str, now: datetime, idle_seconds: int) -> AccountSweep:
        """One range each of the setting's sessions, accounts and probes: end the expired sessions
        (S17), forget expired link digests (S8: nothing usable lingers), remove expired rows of
        failed sign-ins on unknown addresses (S10) and expired daily upload counters (S26), and list
        the deactivated accounts."""
        sessions = self._rows_under(setting_id, keys.every_session())
        probes = self._rows_under(setting_id, keys.every_probe())
        people = self._rows_under(setting_id, keys.every_account())
        accounts = [row for row in people if row.get("Kind") == "account"]
        uploads = [row for row in people if row.get("Kind") == UPLOADS_KIND]  # under their account
        # A session row still under its account is one stored before sessions got their own
        # prefix: no check finds it any more, so it goes as if expired.
        expired = [row for row in people if row.get("Kind") == "session"] + [
            row
            for row in sessions
            if row["ExpiresAt"] <= now or (now - row["LastSeenAt"]).total_seconds() >= idle_seconds
        ]
        return AccountSweep(
            sessions_ended=self._delete(setting_id, expired),
            probes_removed=self._delete(
                setting_id, [row for row in probes if not row.get("ExpiresAt") or row["ExpiresAt"] <= now]
            ),
            upload_counters_removed=self._delete(
                setting_id, [row for row in uploads if not row.get("ExpiresAt") or row["ExpiresAt"] <= now]
            ),
            links_cleared=sum(self._forget_expired_link(row, now) for row in accounts),
            deactivated=[
                (row["UserId"], row.get("DeactivatedAt"))
                for row in accounts
                if row.get("Status") == "deactivated"
            ],
        )

    def _rows_under(self, setting_id: str, prefix: str) -> list[Entity]:
        return list(self._accounts.query(*keys.rows_under(setting_id, prefix)))

    def _forget_expired_link(self, row: Entity, now: datetime) -> bool:
        if not (row.get("LinkExpires") and row["LinkExpires"] <= now):
            return False
        change: Entity = {"LinkKind": "", "LinkDigest": "", "LinkExpires": None}
        # Replace the whole row under its ETag: a merge cannot remove a property, and a
        # concurrent sign-in must win over the purge.
        updated = {k: v for k, v in {**row, **change}.items() if v is not None}
        try:
            self._accounts.update(updated, etag=row["_etag"], replace=True)
        except (ConcurrencyConflict, NotFound):
            return False
        return True

    def mark_deactivated(self, setting_id: str, user_id: str, now: datetime) -> None:
        """Start the retention clock of an account deactivated without a recorded time."""
        self._accounts.update(
            {"PartitionKey": setting_id, "RowKey": keys.account_row(user_id), "DeactivatedAt": now}, etag=None
        )

    def erase_account(self, setting_id: str, user_id: str) -> int:
        """Delete an account with everything keyed by it: sessions, links both ways, e-mail index,
        its place in the families' names book.

        The account row goes last, so a run that stops half-way is found and finished next time.
        """
        owned = [
            row
            for prefix in (keys.owned_by(user_id), keys.sessions_of(user_id))
            for row in self._accounts.query(
                *keys.rows_under(setting_id, prefix), select=["PartitionKey", "RowKey", "ChildId"]
            )
        ]
        reverse_links = [
            {"PartitionKey": setting_id, "RowKey": keys.child_link_row(row["ChildId"], user_id)}
            for row in owned
            if row.get("ChildId")
        ]
        account = self._accounts.get(setting_id, keys.account_row(user_id))
        index = (
            [{"PartitionKey": setting_id, "RowKey": keys.email_row(account["Email"])}]
            if account and account.get("Email")
            else []
        )
        # The families' names book (S37) first loses the links and, with the account row, the
        # name: a run that stops between the two has only made the book redact more.
        book = families_book(self._accounts)
        book.change(setting_id, lambda entries: without_links_of(entries, user_id))
        erased = self._delete(setting_id, [*reverse_links, *owned, *index])
        if account is not None:
            last = Operation("delete", {"PartitionKey": setting_id, "RowKey": keys.account_row(user_id)})
            with suppress(NotFound):  # erased by a run beside this one
                book.change(setting_id, lambda entries: without_parent(entries, user_id), lambda: [last])
            erased += 1
        return erased

    def erase_audit_before(self, setting_id: str, before: datetime) -> int:
        """Delete audit events older than `before`: whole earlier months, and the start of its month."""
        first, last = keys.audit_months_until(setting_id, before.year, before.month)
        rows = self._audit.query(
            "PartitionKey ge @from and PartitionKey le @to and At lt @before",
            {"from": first, "to": last, "before": before},
            select=["PartitionKey", "RowKey"],
        )
        by_month: dict[str, list[Entity]] = {}
        for row in rows:
            by_month.setdefault(row["PartitionKey"], []).append(row)
        return sum(self._delete_in(self._audit, month, found) for month, found in by_month.items())

    def _delete(self, setting_id: str, rows: Sequence[Entity]) -> int:
        return self._delete_in(self._accounts, setting_id, rows)

    @staticmethod
    def _delete_in(table: Table, partition: str, rows: Sequence[Entity]) -> int:
        if not rows:
            return 0
        try:
            table.transact(
                Operation("delete", {"PartitionKey": partition, "RowKey": r["RowKey"]}) for r in rows
            )
        except NotFound:
            # Someone (another run) deleted one first: delete one by one, ignoring the gone.
            for row in rows:
                table.delete(partition, row["RowKey"])
        return len(rows)
