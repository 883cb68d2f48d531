"""Assessment plans and judgements over Azure Table Storage (keys.py, "assessments").

A child's record at a point and its judgement rows share the point's partition and are written
in one entity-group transaction, the record's row guarded by the ETag the caller read: two staff
saving the same child never interleave, and nothing is ever half-written. Each judgement row
repeats the record's status and framework, so a cohort report can read the judgement rows alone.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from typing import Any

from shared.domain.assessments import (
    AssessmentPlan,
    AssessmentPoint,
    ChildAssessment,
    Judgement,
    RecordStatus,
    Scale,
)
from shared.storage import keys
from shared.storage.tables import Entity, Operation, Table

_RANGE = "PartitionKey eq @pk and RowKey ge @from and RowKey lt @to"
_READERS = 8


class TableAssessments:
    """The AssessmentStore port over one table."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def plan(self, setting_id: str) -> AssessmentPlan | None:
        row = self._table.get(setting_id, keys.ASSESSMENT_PLAN_ROW)
        return _to_plan(row) if row else None

    def save_plan(self, plan: AssessmentPlan) -> AssessmentPlan:
        entity = _plan_entity(plan)
        if plan.etag is None:
            etag = self._table.create(entity)
        else:
            etag = self._table.update(entity, etag=plan.etag, replace=True)
        return replace(plan, etag=etag)

    def record(self, setting_id: str, point_id: str, child_id: str) -> ChildAssessment | None:
        low, high = keys.assessment_rows(child_id)
        partition = keys.point_partition(setting_id, point_id)
        rows = self._table.query(_RANGE, {"pk": partition, "from": low, "to": high})
        found = _records(setting_id, point_id, rows)
        return found[0] if found else None

    def save_record(self, record: ChildAssessment, cleared: Collection[str] = ()) -> ChildAssessment:
        head = record_entity(record)
        first = (Operation("create", head) if record.etag is None
                 else Operation("replace", head, etag=record.etag))  # fmt: skip
        steps = [first]
        steps += [Operation("upsert", judgement_entity(record, j)) for j in record.judgements.values()]
        partition = head["PartitionKey"]
        steps += [Operation("delete", {"PartitionKey": partition,
                                       "RowKey": keys.judgement_row(record.child_id, a)})
                  for a in sorted(cleared)]  # fmt: skip
        etags = self._table.transact(steps)
        return replace(record, etag=etags[0])

    def records(self, setting_id: str, point_id: str) -> Sequence[ChildAssessment]:
        partition = keys.point_partition(setting_id, point_id)
        return _records(setting_id, point_id, self._table.query("PartitionKey eq @pk", {"pk": partition}))

    def records_of(
        self, setting_id: str, point_id: str, child_ids: Sequence[str]
    ) -> Sequence[ChildAssessment]:
        # A few ranges at once: a room is tens of children, and its ranges are independent reads.
        with ThreadPoolExecutor(max_workers=_READERS) as pool:
            found = pool.map(lambda child: self.record(setting_id, point_id, child), sorted(set(child_ids)))
            return [r for r in found if r is not None]

    def point_used(self, setting_id: str, point_id: str) -> bool:
        partition = keys.point_partition(setting_id, point_id)
        rows, _ = self._table.page("PartitionKey eq @pk", {"pk": partition}, size=1)
        return bool(rows)

    def erase_child(self, setting_id: str, child_id: str, point_ids: Collection[str]) -> int:
        low, high = keys.assessment_rows(child_id)
        gone = 0
        for point_id in point_ids:
            partition = keys.point_partition(setting_id, point_id)
            rows = list(self._table.query(_RANGE, {"pk": partition, "from": low, "to": high},
                                          select=["PartitionKey", "RowKey"]))  # fmt: skip
            if rows:
                self._table.transact(Operation("delete", r) for r in rows)
                gone += len(rows)
        return gone


def _plan_entity(plan: AssessmentPlan) -> Entity:
    points = [{"id": p.point_id, "name": p.name, "opens": p.opens.isoformat(), "closes": p.closes.isoformat()}
              for p in plan.points]  # fmt: skip
    return {
        "PartitionKey": plan.setting_id,
        "RowKey": keys.ASSESSMENT_PLAN_ROW,
        "Points": json.dumps(points, ensure_ascii=False),
        "Scale": plan.scale.value,
        "UnapprovedEvidence": plan.unapproved_evidence,
        "ParentsSeeFinal": plan.parents_see_final,
        "UpdatedBy": plan.updated_by,
        "UpdatedAt": plan.updated_at,
    }


def _to_plan(row: Entity) -> AssessmentPlan:
    points = tuple(
        AssessmentPoint(p["id"], p["name"], date.fromisoformat(p["opens"]), date.fromisoformat(p["closes"]))
        for p in json.loads(row.get("Points") or "[]")
    )
    return AssessmentPlan(
        setting_id=row["PartitionKey"],
        points=points,
        scale=Scale(row.get("Scale", Scale.ON_TRACK.value)),
        unapproved_evidence=bool(row.get("UnapprovedEvidence", False)),
        parents_see_final=bool(row.get("ParentsSeeFinal", False)),
        updated_by=row.get("UpdatedBy") or "",
        updated_at=row.get("UpdatedAt"),
        etag=row["_etag"],
    )


def record_entity(record: ChildAssessment) -> Entity:
    """The record's row (public: the bench seeds a cohort's rows with it in bulk)."""
    return {
        "PartitionKey": keys.point_partition(record.setting_id, record.point_id),
        "RowKey": keys.assessment_row(record.child_id),
        "Framework": record.framework,
        "FrameworkVersion": record.framework_version,
        "Scale": record.scale.value,
        "Status": record.status.value,
        "UpdatedBy": record.updated_by,
        "UpdatedAt": record.updated_at,
        "ApprovedBy": record.approved_by,
        "ApprovedAt": record.approved_at,
    }


def judgement_entity(record: ChildAssessment, judgement: Judgement) -> Entity:
    return {
        "PartitionKey": keys.point_partition(record.setting_id, record.point_id),
        "RowKey": keys.judgement_row(record.child_id, judgement.aspect_id),
        "Value": judgement.value,
        "Band": judgement.band or "",
        "Note": judgement.note,
        "Evidence": json.dumps(list(judgement.evidence)),
        "Status": record.status.value,
        "Framework": record.framework,
        "Scale": record.scale.value,
    }


def _records(setting_id: str, point_id: str, rows: Iterable[Entity]) -> list[ChildAssessment]:
    """Records from rows in key order: each record row, then its judgement rows."""
    found: list[ChildAssessment] = []
    for row in rows:
        child_id = row["RowKey"].partition(keys.SEP)[0]
        aspect = keys.aspect_of(row["RowKey"])
        if aspect is None:
            found.append(_to_record(setting_id, point_id, child_id, row))
        elif found and found[-1].child_id == child_id:
            found[-1].judgements[aspect] = _to_judgement(aspect, row)
    return found


def _to_record(setting_id: str, point_id: str, child_id: str, row: dict[str, Any]) -> ChildAssessment:
    return ChildAssessment(
        setting_id=setting_id,
        point_id=point_id,
        child_id=child_id,
        framework=row.get("Framework") or "",
        framework_version=row.get("FrameworkVersion") or "",
        scale=Scale(row.get("Scale", Scale.ON_TRACK.value)),
        status=RecordStatus(row.get("Status", RecordStatus.DRAFT.value)),
        updated_by=row.get("UpdatedBy") or "",
        updated_at=row.get("UpdatedAt"),
        approved_by=row.get("ApprovedBy") or "",
        approved_at=row.get("ApprovedAt"),
        etag=row["_etag"],
    )


def _to_judgement(aspect_id: str, row: Entity) -> Judgement:
    return Judgement(
        aspect_id=aspect_id,
        value=row.get("Value") or "",
        band=row.get("Band") or None,
        note=row.get("Note") or "",
        evidence=tuple(json.loads(row.get("Evidence") or "[]")),
    )
