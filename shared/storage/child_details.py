"""Children's tracker details and the setting's tracker policy: their own table, one partition per
setting (shared.storage.keys), so that no read made for a parent can ever include them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from shared.domain.child_details import Sex, TrackerDetails, TrackerPolicy
from shared.storage import keys
from shared.storage.tables import Entity, Table


class TableChildDetails:
    """The ChildDetailsRepository port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, setting_id: str, child_id: str) -> TrackerDetails | None:
        row = self._table.get(setting_id, keys.details_row(child_id))
        return _to_details(row) if row else None

    def save(self, details: TrackerDetails) -> TrackerDetails:
        entity = _details_entity(details)
        if details.etag is None:
            return replace(details, etag=self._table.create(entity))
        return replace(details, etag=self._table.update(entity, etag=details.etag, replace=True))

    def of_setting(self, setting_id: str) -> Sequence[TrackerDetails]:
        filter, parameters = keys.rows_under(setting_id, keys.DETAILS_ROWS)
        return [_to_details(r) for r in self._table.query(filter, parameters)]

    def erase(self, setting_id: str, child_id: str) -> int:
        if self._table.get(setting_id, keys.details_row(child_id)) is None:
            return 0
        self._table.delete(setting_id, keys.details_row(child_id))
        return 1

    def policy(self, setting_id: str) -> TrackerPolicy:
        row = self._table.get(setting_id, keys.TRACKER_POLICY_ROW)
        if row is None:
            return TrackerPolicy(setting_id)
        return TrackerPolicy(setting_id, record_sex=bool(row.get("RecordSex")), etag=row["_etag"])

    def save_policy(self, policy: TrackerPolicy) -> TrackerPolicy:
        entity = {"PartitionKey": policy.setting_id, "RowKey": keys.TRACKER_POLICY_ROW,
                  "RecordSex": policy.record_sex}  # fmt: skip
        if policy.etag is None:
            return replace(policy, etag=self._table.create(entity))
        return replace(policy, etag=self._table.update(entity, etag=policy.etag, replace=True))


def _details_entity(details: TrackerDetails) -> Entity:
    return {
        "PartitionKey": details.setting_id,
        "RowKey": keys.details_row(details.child_id),
        "ChildId": details.child_id,
        "DateStarted": details.date_started.isoformat() if details.date_started else "",
        "Eal": details.eal,
        "SendSupport": details.send_support,
        "Eypp": details.eypp,
        "FundedTwo": details.funded_two,
        "Sex": details.sex.value if details.sex else "",
    }


def _to_details(row: Entity) -> TrackerDetails:
    return TrackerDetails(
        setting_id=row["PartitionKey"],
        child_id=row["ChildId"],
        date_started=date.fromisoformat(row["DateStarted"]) if row.get("DateStarted") else None,
        eal=bool(row.get("Eal")),
        send_support=bool(row.get("SendSupport")),
        eypp=bool(row.get("Eypp")),
        funded_two=bool(row.get("FundedTwo")),
        sex=Sex(row["Sex"]) if row.get("Sex") else None,
        etag=row["_etag"],
    )
