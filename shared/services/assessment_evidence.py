"""The observations that may support a child's judgements at an assessment point: the child's
observations made within the point's period, by aspect, as the asking member of staff may see
them; and the check that what a judgement cites is such an observation.

Published observations come from the child's journal, newest first, read page by page only back
to the period's first day; the journal rows carry no aspects, so each one in the period is then
read by id. Observations awaiting approval count only when the setting says so, and only those
the caller may see (their own, or any for a manager): they are not in the journal, so they come
from the setting's approvals list, which is a scan of the observations partition until that has
an index row per child.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from shared.domain.access import staff_may_see_observation
from shared.domain.assessments import AssessmentPlan, AssessmentPoint
from shared.domain.children import Child
from shared.domain.errors import InvalidInput
from shared.domain.frameworks import Framework
from shared.domain.observations import Observation, ObservationStatus
from shared.domain.people import Principal
from shared.domain.settings import Setting
from shared.services.deps import Deps

PAGE = 50
MAX_PAGES = 20  # 1,000 journal entries back: far more than one child's term
EXCERPT = 140
NOT_EVIDENCE = "Cite observations of this child that you can see and that count as evidence here."


@dataclass(frozen=True, repr=False)
class Evidence:
    """One observation as the judging screen lists it."""

    observation_id: str
    observed_on: date
    status: ObservationStatus
    excerpt: str
    aspects: tuple[str, ...]


def suggested(
    deps: Deps, principal: Principal, child: Child, setting: Setting, plan: AssessmentPlan,
    point: AssessmentPoint, framework: Framework,
) -> dict[str, list[Evidence]]:  # fmt: skip
    """Aspect id -> the child's observations for it within the point's period, newest first."""
    found: dict[str, list[Evidence]] = {a.aspect_id: [] for a in framework.aspects}
    for observation in _in_period(deps, principal, child, setting, plan, point):
        item = _evidence(observation)
        for aspect in item.aspects:
            if aspect in found and _same_framework(observation, framework):
                found[aspect].append(item)
    for items in found.values():
        items.sort(key=lambda e: (e.observed_on, e.observation_id), reverse=True)
    return found


def check_cited(
    deps: Deps, principal: Principal, child: Child, setting: Setting, plan: AssessmentPlan,
    cited: Collection[str],
) -> Mapping[str, Observation]:  # fmt: skip
    """The cited observations, each one of this child's that the caller may see and that counts
    as evidence (published, or awaiting approval when the setting says so); a 400 otherwise, the
    same for an id that names nothing, so a citation learns nothing of other children."""
    found = {}
    for observation_id in sorted(cited):
        observation = deps.observations.get(principal.setting_id, observation_id)
        if observation is None or not _counts(principal, observation, child, setting, plan):
            raise InvalidInput(NOT_EVIDENCE, field="judgements")
        found[observation_id] = observation
    return found


def _in_period(
    deps: Deps, principal: Principal, child: Child, setting: Setting, plan: AssessmentPlan,
    point: AssessmentPoint,
) -> list[Observation]:  # fmt: skip
    ids: list[str] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        entries, cursor = deps.journal.page(principal.setting_id, child.child_id, area=None, size=PAGE,
                                            cursor=cursor)  # fmt: skip
        ids += [e.observation_id for e in entries if point.opens <= e.observed_on <= point.closes]
        if cursor is None or (entries and entries[-1].observed_on < point.opens):
            break  # newest first: everything after this is older than the period
    found = [o for o in (deps.observations.get(principal.setting_id, i) for i in ids) if o is not None]
    if plan.unapproved_evidence:
        waiting = deps.observations.list(principal.setting_id, ObservationStatus.SUBMITTED, None)
        found += [
            o
            for o in waiting
            if child.child_id in o.child_ids and point.opens <= o.observed_on <= point.closes
        ]
    return [o for o in found if _counts(principal, o, child, setting, plan)]


def _counts(principal: Principal, observation: Observation, child: Child, setting: Setting,
            plan: AssessmentPlan) -> bool:  # fmt: skip
    if child.child_id not in observation.child_ids:
        return False
    allowed = {ObservationStatus.PUBLISHED} | (
        {ObservationStatus.SUBMITTED} if plan.unapproved_evidence else set()
    )
    return observation.status in allowed and staff_may_see_observation(
        principal, observation, [child], setting
    )


def _same_framework(observation: Observation, framework: Framework) -> bool:
    # An observation linked to aspects before the setting changed framework keeps its old ids;
    # ids shared by both frameworks (the ELGs) would otherwise count for the wrong one.
    return observation.framework in (None, framework.framework_id.value)


def _evidence(observation: Observation) -> Evidence:
    text = " ".join(observation.text.split())
    excerpt = text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"
    return Evidence(observation.observation_id, observation.observed_on, observation.status, excerpt,
                    tuple(observation.aspects))  # fmt: skip
