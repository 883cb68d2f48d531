"""The operator's command line creates a setting exactly as the admin route does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import Mailbox

ROOT = Path(__file__).resolve().parents[2]


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shared.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_create_setting_invites_the_first_manager(local_env: dict[str, str], mailbox: Mailbox) -> None:
    done = run_cli(
        local_env, "create-setting", "--name", "Bluebell Pre-school", "--slug", "bluebell-cli",
        "--retention-days", "400", "--manager-name", "Bea Manager", "--manager-email", "bea@bluebell.example",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[0])["setting"] == "bluebell-cli"
    assert mailbox.link("bea@bluebell.example", "activate")


def test_bad_input_is_a_clear_error_and_creates_nothing(local_env: dict[str, str]) -> None:
    done = run_cli(
        local_env, "create-setting", "--name", "X", "--slug", "Not A Slug!", "--retention-days", "400",
        "--manager-name", "Bea", "--manager-email", "bea@bluebell.example",
    )  # fmt: skip
    assert done.returncode == 2
    assert "slug" in done.stderr
    again = run_cli(
        local_env, "create-setting", "--name", "X", "--slug", "good-slug-cli", "--retention-days", "5",
        "--manager-name", "Bea", "--manager-email", "bea2@bluebell.example",
    )  # fmt: skip
    assert again.returncode == 2 and "(--retention-days)" in again.stderr
