"""A bounded schemathesis run in `make test` (S30): a few deterministic examples of every
documented operation, unauthenticated and as each role; `make fuzz` runs the full set."""

from __future__ import annotations

import pytest

from tests.http.conftest import Served
from tests.http.fuzzing import Callers, Findings, callers, fuzz, summary

EXAMPLES = 3


@pytest.fixture(scope="module")
def who(served: Served) -> Callers:
    return callers(served)


@pytest.mark.parametrize("role", ["anonymous", "manager", "practitioner", "parent"])
def test_s30_generated_requests_get_documented_answers_and_never_a_5xx(
    served: Served, who: Callers, role: str
) -> None:
    findings = Findings()
    fuzz(served, who, role, EXAMPLES, findings)
    assert findings.cases > 0
    assert findings.failures == [], summary(findings)
