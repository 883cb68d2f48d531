"""The app indexes as Azure would, and openapi.yaml describes exactly the routes it serves."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


# Indexing runs in a fresh interpreter, as in Azure: get_functions() may run only once per app,
# and other tests' local host indexes this process's copy.
_INDEX = """
import json, function_app
rows = []
for f in function_app.app.get_functions():
    t = f.get_trigger()
    http = t.get_binding_name() == "httpTrigger"
    rows.append({
        "name": f.get_function_name(),
        "type": t.get_binding_name(),
        "route": t.route if http else None,
        "methods": [m.value.lower() for m in t.methods] if http else [],
        "admin": http and t.auth_level == func.AuthLevel.ADMIN,
        "anonymous": http and t.auth_level == func.AuthLevel.ANONYMOUS,
    })
print(json.dumps(rows))
""".replace("json, function_app", "json, function_app\nimport azure.functions as func")


@pytest.fixture(scope="module")
def functions() -> list[dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-c", _INDEX], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    return list(json.loads(result.stdout))


def http_routes(functions: list[dict[str, object]]) -> set[tuple[str, str]]:
    return {(m, "/" + str(f["route"])) for f in functions if f["route"] for m in f["methods"]}  # type: ignore[attr-defined]


def test_importing_the_app_indexes_every_function_with_a_unique_name(
    functions: list[dict[str, object]],
) -> None:
    names = [f["name"] for f in functions]
    assert len(names) == len(set(names))
    assert {"health", "login", "pin", "send_mail", "process_password_reset"} <= set(names)


def test_openapi_names_every_route_and_no_other(functions: list[dict[str, object]]) -> None:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    documented = {
        (method, path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    served = {(m, re.sub(r"\{\*?(\w+)(:[^}]*)?\}", r"{\1}", p)) for m, p in http_routes(functions)}
    assert served - documented == set(), "routes missing from openapi.yaml"
    assert documented - served == set(), "openapi.yaml names routes that do not exist"


def test_only_the_platform_routes_need_the_master_key(functions: list[dict[str, object]]) -> None:
    for function in functions:
        if function["type"] != "httpTrigger":
            continue
        platform = str(function["route"]).startswith("api/platform/")
        assert function["admin"] == platform, function["name"]
        assert function["anonymous"] == (not platform), function["name"]


def test_a_cold_start_leaves_the_passkey_stack_for_the_first_ceremony() -> None:
    """py_webauthn, with its ASN.1 and OpenSSL stack, is some 70 ms of every cold start: an
    instance loads it when it first verifies or offers a passkey (the passkey tests use it), and
    segno when it first draws an authenticator's QR code."""
    stack = ("webauthn", "pyasn1", "OpenSSL", "segno")
    code = f"import sys, function_app; print(sorted(m for m in {stack!r} if m in sys.modules))"
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert found.stdout.strip() == "[]"
