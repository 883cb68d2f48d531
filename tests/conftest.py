"""Fixtures shared by every test layer: one in-memory Azurite for the whole run, on free ports."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from devhost.azurite import Azurite, start_azurite


@pytest.fixture(scope="session")
def azurite() -> Iterator[Azurite]:
    """A real Azurite, started by the tests themselves so they can run beside `make run`."""
    emulator = start_azurite()
    yield emulator
    emulator.stop()


@pytest.fixture
def local_env(azurite: Azurite, tmp_path: Path) -> dict[str, str]:
    """The environment of a local deployment pointed at the test Azurite, with keys under tmp_path."""
    return {
        "JOURNAL_ENVIRONMENT": "local",
        "JOURNAL_VAR_DIR": str(tmp_path / "var"),
        "JournalStorage": azurite.connection_string,
        "JOURNAL_ARGON2_PROFILE": "test",
        "JOURNAL_PUBLIC_BASE_URL": "http://127.0.0.1:7071",
        "PATH": os.environ.get("PATH", ""),
    }
