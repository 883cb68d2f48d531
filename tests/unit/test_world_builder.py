"""The world builder may ask only the use cases and the ports, so one world builds on the fakes
and on Azurite alike."""

from __future__ import annotations

import ast
from pathlib import Path

import devhost.world

ALLOWED = ("shared.domain", "shared.services", "__future__", "collections", "dataclasses", "datetime",
           "secrets", "typing")  # fmt: skip


def test_the_world_builder_imports_only_the_domain_and_the_services() -> None:
    tree = ast.parse(Path(devhost.world.__file__).read_text())
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    outside = [name for name in imported if not (name or "").startswith(ALLOWED)]
    assert imported and not outside, f"the world builder reaches past the ports: {outside}"
