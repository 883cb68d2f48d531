"""The service tier cannot start the emulator, even by accident."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("fixture", ["azurite", "local_env", "clients"])
def test_asking_for_azurite_or_its_clients_fails_the_test(
    request: pytest.FixtureRequest, fixture: str
) -> None:
    with pytest.raises(pytest.fail.Exception, match="Azurite"):
        request.getfixturevalue(fixture)
