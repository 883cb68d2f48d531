"""The app indexes as Azure would, and openapi.yaml describes exactly the routes it serves."""

from __future__ import annotations

import re
from pathlib import Path

import azure.functions as func
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def functions() -> list[func.Function]:
    # A fresh FunctionApp instance: get_functions() may run only once per instance.
    import importlib

    import function_app

    module = importlib.reload(function_app)
    return list(module.app.get_functions())


def http_routes(functions: list[func.Function]) -> set[tuple[str, str]]:
    routes = set()
    for function in functions:
        trigger = function.get_trigger()
        if trigger.get_binding_name() == "httpTrigger":
            for method in trigger.methods:
                routes.add((method.value.lower(), "/" + trigger.route))
    return routes


def test_importing_the_app_indexes_every_function_with_a_unique_name(functions: list[func.Function]) -> None:
    names = [f.get_function_name() for f in functions]
    assert len(names) == len(set(names))
    assert {"health", "login", "pin", "send_mail", "process_password_reset"} <= set(names)


def test_openapi_names_every_route_and_no_other(functions: list[func.Function]) -> None:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    documented = {
        (method, path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    served = {(m, re.sub(r"\{(\w+)(:[^}]*)?\}", r"{\1}", p)) for m, p in http_routes(functions)}
    assert served - documented == set(), "routes missing from openapi.yaml"
    assert documented - served == set(), "openapi.yaml names routes that do not exist"


def test_only_the_platform_routes_need_the_master_key(functions: list[func.Function]) -> None:
    for function in functions:
        trigger = function.get_trigger()
        if trigger.get_binding_name() != "httpTrigger":
            continue
        expected = func.AuthLevel.ADMIN if trigger.route.startswith("api/platform/") else func.AuthLevel.ANONYMOUS
        assert trigger.auth_level == expected, function.get_function_name()
