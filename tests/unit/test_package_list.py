"""The deployment package holds what the running app needs and nothing else.

azd (and Core Tools) zip the project folder minus what .funcignore names, and with a .funcignore
present they add no default exclusions of their own. These tests apply its rules, with git's
ignore-file semantics, to every tracked file plus the files a working copy gathers (virtual
environments, caches, local keys and mail, test output), and check the resulting upload list.
"""

from __future__ import annotations

import ast
import subprocess
from functools import cache
from pathlib import Path

import pathspec

ROOT = Path(__file__).resolve().parents[2]

# Files that exist in a developer's or a build machine's tree but are not tracked by git.
WORKING_COPY_FILES = [
    ".venv/bin/python",
    ".venv/lib/python3.11/site-packages/azure/functions/__init__.py",
    "venv/lib/python3.11/site-packages/six.py",
    ".python_packages/lib/site-packages/argon2/__init__.py",
    "shared/__pycache__/config.cpython-311.pyc",
    "functions/__pycache__/health.cpython-311.pyc",
    ".mypy_cache/3.11/shared/config.meta.json",
    ".pytest_cache/v/cache/nodeids",
    ".ruff_cache/0.17.6/123",
    ".hypothesis/examples/abc/def",
    "node_modules/azurite/package.json",
    "var/local-secrets.json",
    "var/mail/20260101T000000Z-abcd.eml",
    "var/azurite/__azurite_db_table__.json",
    "test-artifacts/screenshots/journal.png",
    "local.settings.json",
    ".env",
    ".azure/journal-prod/.env",
    ".vscode/settings.json",
    ".git/HEAD",
    "bench/results.json",
    "__blobstorage__/devstoreaccount1/x",
    "__azurite_db_blob__.json",
    ".coverage",
    "htmlcov/index.html",
]

MUST_SHIP = [
    "function_app.py",
    "host.json",
    "requirements.txt",
    "functions/health.py",
    "shared/config.py",
    "shared/domain/data/common-passwords.txt.gz",
    "web/index.html",
    "web/app.js",
    "web/styles.css",
]

# Top-level folders and files that must never be uploaded, whatever they hold.
MUST_NOT_SHIP = (
    "tests/", "bench/", "devhost/", "infra/", "node_modules/", "var/", ".venv/", "venv/",
    ".python_packages/", "test-artifacts/", ".git/", ".azure/", ".vscode/", ".ci/",
    "azure.yaml", "Makefile", "pyproject.toml", "requirements-dev.txt", "package.json",
    "package-lock.json", "local.settings.json", ".env", ".gitignore", ".funcignore", "openapi.yaml",
)  # fmt: skip


@cache
def rules() -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines((ROOT / ".funcignore").read_text().splitlines())


def tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return [name for name in listed.split("\0") if name]


def upload_list(candidates: list[str]) -> set[str]:
    """The files the deployment would upload out of `candidates` (paths relative to the root)."""
    return {name for name in candidates if not rules().match_file(name)}


@cache
def package() -> frozenset[str]:
    return frozenset(upload_list(tracked_files() + WORKING_COPY_FILES))


def test_the_package_holds_the_app_its_code_its_data_files_and_the_web_client() -> None:
    shipped = package()
    missing = [name for name in MUST_SHIP if name not in shipped]
    assert not missing, f"the deployment would lack {missing}"
    for folder in ("functions/", "shared/", "web/"):
        tracked = {name for name in tracked_files() if name.startswith(folder) and not name.endswith(".md")}
        assert tracked <= shipped, f"{folder} files left out: {sorted(tracked - shipped)}"


def test_the_package_leaves_out_tests_tools_environments_local_data_and_docs() -> None:
    shipped = package()
    unwanted = sorted(name for name in shipped if name.startswith(MUST_NOT_SHIP) or name in MUST_NOT_SHIP)
    assert not unwanted, f"the deployment would carry {unwanted}"
    assert not [name for name in shipped if name.endswith((".pyc", ".md")) or "__pycache__/" in name]
    assert not [name for name in shipped if name.startswith(("__blobstorage__", "__azurite_db"))]


def test_the_package_is_only_the_runtime_files_at_the_top_level() -> None:
    top = {name.split("/", 1)[0] for name in package()}
    assert top == {"function_app.py", "host.json", "requirements.txt", "functions", "shared", "web"}


def test_every_file_in_the_working_copy_is_either_shipped_or_ignored_on_purpose() -> None:
    """A new top-level file or folder must be placed deliberately: in the package or in .funcignore."""
    tree = [p.relative_to(ROOT).as_posix() + ("/" if p.is_dir() else "") for p in ROOT.iterdir()]
    shipped_top = {"function_app.py", "host.json", "requirements.txt", "functions/", "shared/", "web/"}
    strays = [name for name in tree if name not in shipped_top and not rules().match_file(name)]
    assert not strays, f"neither shipped nor in .funcignore: {strays}"


def test_shipped_code_imports_nothing_that_is_left_out_of_the_package() -> None:
    left_out = {"tests", "bench", "devhost", "infra"}
    for name in sorted(package()):
        if not name.endswith(".py"):
            continue
        tree = ast.parse((ROOT / name).read_text(), filename=name)
        for node in ast.walk(tree):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            for module in modules:
                assert module.split(".")[0] not in left_out, f"{name} imports {module}, which is not deployed"


def test_requirements_txt_holds_no_test_or_lint_tool() -> None:
    names = {
        line.split("==")[0].split(">=")[0].strip().lower()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith(("#", "-"))
    }
    assert not names & {"pytest", "ruff", "mypy", "pycep-parser", "playwright", "azure-functions-worker"}
