"""Schemathesis against the running local host: generated requests from openapi.yaml, sent
unauthenticated and as a signed-in manager, practitioner and parent, each answer checked against the
specification (status documented, content type, response schema) and for 5xx (S30).

Used by tests/http/test_fuzz_smoke.py (a few examples per operation, in `make test`) and by
tests/http/fuzz_full.py (`make fuzz`, at least 1,000 cases). Requests go to 127.0.0.1 only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared import bootstrap
from shared.clock import FrozenClock
from shared.services.deps import Deps
from tests.http.conftest import Api, Served

ROOT = Path(__file__).resolve().parents[2]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = ("manager", "practitioner", "parent")
# Routes that end the caller's own sessions: the fuzzer signs in again after each.
ENDS_SESSIONS = {("POST", "/api/auth/logout"), ("POST", "/api/auth/logout-all")}
# Not generated: the web client's static catch-all (no API, no tenant data; answers files or 404).
NOT_FUZZED = {("GET", "/{path}")}


@dataclass
class Callers:
    """One browser per role, signed in to one setting, and how to sign each in again."""

    browsers: dict[str, Api]
    logins: dict[str, dict[str, str]]
    wired: Deps


@dataclass
class Findings:
    cases: int = 0
    failures: list[str] = field(default_factory=list)


def callers(served: Served) -> Callers:
    """A fresh setting with a manager, a practitioner and a parent of one child, each signed in."""
    from tests.http.test_tenant_isolation import add_child, join

    wired = bootstrap.build(
        served.config, served.clients, FrozenClock(datetime.now(UTC).replace(microsecond=0))
    )
    bootstrap.use(wired, served.clients)
    manager = Api(served)
    login = manager.activate_manager()
    assert manager.sign_in(login).status_code == 200
    slug = login["setting"]
    practitioner, _, practitioner_email = join(
        manager, slug, "/api/staff", {"role": "practitioner"}, "Pat Practitioner"
    )
    child = add_child(manager, "Fenella", "Fuzz")
    parent, _, parent_email = join(manager, slug, "/api/parents", {"childIds": [child]}, "Paz Parent")
    return Callers(
        {"manager": manager, "practitioner": practitioner, "parent": parent, "anonymous": Api(served)},
        {
            "manager": login,
            "practitioner": {**login, "email": practitioner_email},
            "parent": {**login, "email": parent_email},
        },
        wired,
    )


def load_schema(base: str) -> Any:
    assert urlsplit(base).hostname == "127.0.0.1", "the fuzzer only ever talks to loopback"
    return schemathesis.openapi.from_path(ROOT / "openapi.yaml")


def operations(schema: Any) -> list[Any]:
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) not in NOT_FUZZED:
            found.append(operation)
    return sorted(found, key=lambda op: (op.path, op.method))


def fuzz(
    served: Served, who: Callers, role: str, examples: int, findings: Findings, *, negative: bool = False
) -> None:
    """Send `examples` generated requests per operation as `role`; record what fails a check.

    `negative` adds as many requests that break the schema on purpose (wrong types, missing fields).
    """
    bootstrap.use(who.wired, served.clients)
    schema = load_schema(served.base)
    browser = who.browsers[role]
    for operation in operations(schema):
        key = (operation.method.upper(), operation.path)
        send = _send(served, who, role, browser, key, findings)
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if negative else [])
        for mode in modes:
            try:
                _run_operation(operation.as_strategy(generation_mode=mode), examples, send)
            except Unsatisfiable:  # nothing to break in an operation without parameters or body
                assert mode is GenerationMode.NEGATIVE, f"no valid request for {key}"


def _send(
    served: Served, who: Callers, role: str, browser: Api, key: tuple[str, str], findings: Findings
) -> Callable[[Any], None]:
    def send(case: Any) -> None:
        findings.cases += 1
        # The session's own cookie, never a generated one: a role's fuzzing stays that role's.
        case.cookies = {}
        response = case.call(base_url=served.base, session=browser.http, timeout=30, allow_redirects=False)
        assert urlsplit(response.request.url).hostname == "127.0.0.1"
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as failure:  # every failure is kept; the run goes on
            text = str(failure).strip().splitlines()
            findings.failures.append(f"[{role}] {key[0]} {key[1]} -> {response.status_code}: {text[0]} "
                                     f"| {' '.join(text[1:4])[:300]}")  # fmt: skip
        if key in ENDS_SESSIONS and role in who.logins:
            browser.http.cookies.clear()
            assert browser.sign_in(who.logins[role]).status_code == 200

    return send


def _run_operation(strategy: Any, examples: int, send: Callable[[Any], None]) -> None:
    @given(case=strategy)
    @settings(
        max_examples=examples,
        derandomize=True,  # the same cases every run: a smoke failure is reproducible
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        send(case)

    run()


def summary(findings: Findings) -> str:
    unique = sorted(set(findings.failures))
    return f"{len(unique)} failing checks in {findings.cases} cases:\n  " + "\n  ".join(unique[:60])
