"""Progress checks at age two: one row per child in the setting's partition (keys.py,
"twoyearchecks")."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from shared.domain.two_year_check import AreaSummary, CheckStatus, ParentComment, TwoYearCheck
from shared.storage import keys
from shared.storage.tables import Entity, Table


class TableTwoYearChecks:
    """The TwoYearCheckRepository port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, setting_id: str, child_id: str) -> TwoYearCheck | None:
        row = self._table.get(setting_id, keys.two_year_check_row(child_id))
        return _to_check(row) if row else None

    def save(self, check: TwoYearCheck) -> TwoYearCheck:
        if check.etag is None:
            etag = self._table.create(_to_entity(check))
        else:
            etag = self._table.update(_to_entity(check), etag=check.etag, replace=True)
        return replace(check, etag=etag)

    def list(self, setting_id: str) -> Sequence[TwoYearCheck]:
        rows = self._table.query("PartitionKey eq @setting", {"setting": setting_id})
        return [_to_check(r) for r in rows]

    def remove(self, setting_id: str, child_id: str) -> None:
        self._table.delete(setting_id, keys.two_year_check_row(child_id))


def _to_entity(check: TwoYearCheck) -> Entity:
    areas = {
        k: {"strengths": v.strengths, "less": v.less_than_expected} for k, v in sorted(check.areas.items())
    }
    comments = {k: {"text": v.text, "at": v.at.isoformat()} for k, v in sorted(check.parent_comments.items())}
    return {
        "PartitionKey": check.setting_id,
        "RowKey": keys.two_year_check_row(check.child_id),
        "Areas": json.dumps(areas, ensure_ascii=False),
        "Plans": check.plans,
        "Status": check.status.value,
        "SharedWithParents": check.shared_with_parents,
        "ParentComments": json.dumps(comments, ensure_ascii=False),
        "UpdatedBy": check.updated_by,
        "UpdatedAt": check.updated_at,
        "FinalisedBy": check.finalised_by,
        "FinalisedAt": check.finalised_at,
        "SharedAt": check.shared_at,
    }


def _to_check(row: Entity) -> TwoYearCheck:
    areas = json.loads(row.get("Areas") or "{}")
    comments = json.loads(row.get("ParentComments") or "{}")
    return TwoYearCheck(
        setting_id=row["PartitionKey"],
        child_id=row["RowKey"],
        areas={k: AreaSummary(v.get("strengths", ""), v.get("less", "")) for k, v in areas.items()},
        plans=row.get("Plans") or "",
        status=CheckStatus(row.get("Status", CheckStatus.DRAFT.value)),
        shared_with_parents=bool(row.get("SharedWithParents", False)),
        parent_comments={
            k: ParentComment(v["text"], datetime.fromisoformat(v["at"])) for k, v in comments.items()
        },
        updated_by=row.get("UpdatedBy") or "",
        updated_at=row.get("UpdatedAt"),
        finalised_by=row.get("FinalisedBy") or "",
        finalised_at=row.get("FinalisedAt"),
        shared_at=row.get("SharedAt"),
        etag=row["_etag"],
    )
