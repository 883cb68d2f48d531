"""A pytest plugin for `make test-fast`: a test that asks for Azurite fails instead of starting it.

tests/service/conftest.py guards its own tests; this covers every directory of the run (the unit
tests too), so the fast tier can never quietly come to depend on the emulator.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> None:
    if fixturedef.argname == "azurite":
        pytest.fail("this test asks for Azurite, which `make test-fast` never starts")
