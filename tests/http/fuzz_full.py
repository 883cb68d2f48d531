"""The full schemathesis run (`make fuzz`): many more examples per operation than the smoke
set in `make test`, valid and deliberately invalid, unauthenticated and as each role; at least
1,000 cases in all. Not collected by `make test` (the file name does not start with test_)."""

from __future__ import annotations

import os

import pytest

from tests.http.conftest import Served
from tests.http.fuzzing import Callers, Findings, callers, fuzz, summary

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
TOTAL: dict[str, int] = {}


@pytest.fixture(scope="module")
def who(served: Served) -> Callers:
    return callers(served)


@pytest.mark.parametrize("role", ["anonymous", "manager", "practitioner", "parent"])
def test_s30_generated_requests_valid_and_invalid_get_documented_answers_and_never_a_5xx(
    served: Served, who: Callers, role: str
) -> None:
    findings = Findings()
    fuzz(served, who, role, EXAMPLES, findings, negative=True)
    TOTAL[role] = findings.cases
    print(f"\n{role}: {findings.cases} generated cases")
    assert findings.failures == [], summary(findings)


def test_the_full_run_sent_at_least_a_thousand_cases() -> None:
    assert sum(TOTAL.values()) >= 1000, TOTAL
