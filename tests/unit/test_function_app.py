"""The app indexes as Azure would, and openapi.yaml describes exactly the routes it serves."""

from __future__ import annotations

import ast
import importlib
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


def test_a_cold_start_indexes_every_route_before_importing_a_service_or_storage() -> None:
    """The host serves nothing until every function is indexed: indexing imports the edge, the
    error types and the queue names, and a function imports its services, their domain and the
    storage adapters when it first runs."""
    code = (
        "import sys, function_app; function_app.app.get_functions();"
        " print(' '.join(sorted(m for m in sys.modules if m.startswith('shared.'))))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert found.stdout.split() == ["shared.domain", "shared.domain.errors", "shared.storage",
                                    "shared.storage.queue_names"]  # fmt: skip


def _first_use_bindings(tree: ast.Module) -> tuple[dict[str, str], dict[str, str]]:
    """A function module's `if TYPE_CHECKING:` imports of modules, and its OnFirstUse bindings."""
    checked: dict[str, str] = {}
    running: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for imported in node.body:
                if isinstance(imported, ast.ImportFrom):
                    for alias in imported.names:
                        checked[alias.asname or alias.name] = f"{imported.module}.{alias.name}"
            for bound in node.orelse:
                if isinstance(bound, ast.Assign) and isinstance(bound.value, ast.Call):
                    argument = bound.value.args[0]
                    assert isinstance(argument, ast.Constant)
                    running[ast.unparse(bound.targets[0])] = str(argument.value)
    return checked, running


@pytest.mark.parametrize("module", sorted(p.stem for p in (ROOT / "functions").glob("*.py")))
def test_each_module_a_function_uses_on_first_use_is_the_one_mypy_checked(module: str) -> None:
    """mypy and import-linter read the TYPE_CHECKING imports and the app runs the OnFirstUse
    paths: the two must name the same modules, and each must import."""
    checked, running = _first_use_bindings(ast.parse((ROOT / "functions" / f"{module}.py").read_text()))
    for name, path in running.items():
        assert checked.get(name) == path, f"{module}.{name}"
        importlib.import_module(path)


_TOGETHER = """
import sys, threading, function_app
from functions.on_first_use import OnFirstUse
import functions
modules = [getattr(functions, name) for name in dir(functions) if not name.startswith("_")]
bound = [value for module in modules for value in vars(module).values() if isinstance(value, OnFirstUse)]
start, failures = threading.Barrier(8), []
def first_requests(offset):
    start.wait()
    for value in bound[offset:] + bound[:offset]:
        try:
            if value.__name__ != value._path:  # the first read of any attribute imports the module
                failures.append(value._path)
        except Exception as error:
            failures.append(repr(error))
threads = [threading.Thread(target=first_requests, args=(i * len(bound) // 8,)) for i in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
print(len(bound), sum(m.startswith("shared.services.") for m in sys.modules), failures)
"""


def test_requests_arriving_together_on_a_cold_instance_all_find_their_modules() -> None:
    """Eight threads first use every module the functions defer, at once and in different
    orders, as the first requests on a new instance would."""
    found = subprocess.run(
        [sys.executable, "-c", _TOGETHER], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    bound, services, failures = found.stdout.split(" ", 2)
    assert int(bound) > 60
    assert int(services) > 40  # the services were imported by these first reads, not before
    assert failures.strip() == "[]"
