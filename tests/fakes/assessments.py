"""The AssessmentStore port in memory: plans by setting, records by (setting, point, child)."""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import replace

from shared.domain.assessments import AssessmentPlan, ChildAssessment
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from tests.fakes.rows import copied, new_etag


class MemoryAssessments:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._plans: dict[str, AssessmentPlan] = {}
        self._records: dict[tuple[str, str, str], ChildAssessment] = {}

    def plan(self, setting_id: str) -> AssessmentPlan | None:
        with self._lock:
            found = self._plans.get(setting_id)
            return copied(found) if found else None

    def save_plan(self, plan: AssessmentPlan) -> AssessmentPlan:
        with self._lock:
            _check(self._plans.get(plan.setting_id), plan.etag)
            stored = replace(copied(plan), etag=new_etag())
            self._plans[plan.setting_id] = stored
            return copied(stored)

    def record(self, setting_id: str, point_id: str, child_id: str) -> ChildAssessment | None:
        with self._lock:
            found = self._records.get((setting_id, point_id, child_id))
            return copied(found) if found else None

    def save_record(self, record: ChildAssessment, cleared: Collection[str] = ()) -> ChildAssessment:
        key = (record.setting_id, record.point_id, record.child_id)
        with self._lock:
            current = self._records.get(key)
            _check(current, record.etag)
            if current is not None and any(a not in current.judgements for a in cleared):
                raise NotFound("not found")  # as the Table service refuses a batch deleting a missing row
            stored = replace(copied(record), etag=new_etag())
            for aspect in cleared:
                stored.judgements.pop(aspect, None)
            self._records[key] = stored
            return copied(stored)

    def records(self, setting_id: str, point_id: str) -> Sequence[ChildAssessment]:
        with self._lock:
            found = [r for (s, p, _), r in self._records.items() if s == setting_id and p == point_id]
            return [copied(r) for r in sorted(found, key=lambda r: r.child_id)]

    def records_of(
        self, setting_id: str, point_id: str, child_ids: Sequence[str]
    ) -> Sequence[ChildAssessment]:
        wanted = set(child_ids)
        return [r for r in self.records(setting_id, point_id) if r.child_id in wanted]

    def point_used(self, setting_id: str, point_id: str) -> bool:
        with self._lock:
            return any(s == setting_id and p == point_id for s, p, _ in self._records)

    def erase_child(self, setting_id: str, child_id: str, point_ids: Collection[str]) -> int:
        with self._lock:
            gone = 0
            for point_id in point_ids:
                found = self._records.pop((setting_id, point_id, child_id), None)
                if found is not None:
                    gone += 1 + len(found.judgements)
            return gone


def _check(current: object | None, etag: str | None) -> None:
    if etag is None and current is not None:
        raise Conflict("that already exists")
    if etag is not None:
        if current is None:
            raise NotFound("not found")
        if getattr(current, "etag", None) != etag:
            raise ConcurrencyConflict("the record changed while it was being updated")
