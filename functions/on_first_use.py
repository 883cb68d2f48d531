"""Modules a function needs only when it runs, imported on their first use rather than at indexing.

On every cold start the host imports function_app and every function module, and serves nothing
until all of them are indexed. The services, the domain they stand on and the storage adapters
behind them are most of our code, and a request needs only its own few, so a function module
binds them with `OnFirstUse` and the host indexes every route without importing them.

Each module names them twice: a real import under TYPE_CHECKING, which mypy checks and
import-linter holds to the layers, and `OnFirstUse` with the same path for the running app.
"""

from __future__ import annotations

import importlib
from typing import Any


class OnFirstUse:
    """Stands for a module: reading an attribute imports it (once) and returns the module's."""

    __slots__ = ("_path",)

    def __init__(self, path: str) -> None:
        self._path = path

    def __getattr__(self, name: str) -> Any:
        # After the first import this is a lookup in sys.modules. Python's import lock makes
        # requests arriving together on a cold instance wait for one import, not race it.
        return getattr(importlib.import_module(self._path), name)

    def __repr__(self) -> str:
        return f"<{self._path}, imported on first use>"
