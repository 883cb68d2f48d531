"""Real Chromium (Debian's, driven by Playwright) against the app served by the local host.

The host serves a second FunctionApp built from function_app.py, because Azure's get_functions()
runs only once per app and the HTTP tests' host may already have indexed the first one.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared import bootstrap
from shared.clock import FrozenClock
from tests.http.conftest import Api, Served, serving

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 375, "height": 812}
# As root in a container: no sandbox. No network beyond loopback, no background services.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _fresh_app() -> Any:
    spec = importlib.util.spec_from_file_location("function_app_for_browser", ROOT / "function_app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(_fresh_app(), tmp_path_factory.mktemp("browser-var")) as running:
        yield running


@pytest.fixture
def api(served: Served, clock: FrozenClock) -> Api:
    bootstrap.use(bootstrap.build(served.config, served.clients, clock), served.clients)
    return Api(served)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        # CI installs Chromium (.ci/run), so there a missing browser is a failure, never a skip.
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run should have installed it")
        pytest.skip("Chromium is not installed (make install installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


class Page:
    """A phone-sized page of the app that records dialogs and console errors."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        # Chromium logs every 4xx fetch as a console error; those are answers, not script errors.
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def browser_page(chromium: Any, served: Served, tmp_path: Path) -> Iterator[Page]:
    # Each page is its own browser, and so its own client address behind the front end (S10's
    # per-client budget of Argon2 verifies applies per browser, as it would in Azure).
    address = "10." + ".".join(str(secrets.randbelow(256)) for _ in range(3))
    context = chromium.new_context(
        viewport=PHONE,
        locale="en-GB",
        service_workers="block",
        extra_http_headers={"X-Forwarded-For": address},
    )
    context.set_default_timeout(10_000)
    page = Page(context.new_page(), served.base)
    yield page
    context.close()
