"""Which file the web client's catch-all serves, and the policy it sends (no host needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from functions.web import HOST_RESERVED, WEB_ROOT, blob_origin, content_security_policy, find_file
from shared.config import StorageConfig
from shared.domain.errors import NotFound


@pytest.fixture
def root(tmp_path: Path) -> Path:
    web = tmp_path / "web"
    (web / "js").mkdir(parents=True)
    (web / "index.html").write_text("<!doctype html>")
    (web / "js" / "app.js").write_text("export {};")
    (web / ".env").write_text("SECRET=1")
    (web / "notes.py").write_text("print(1)")
    (tmp_path / "secret.css").write_text("outside")
    (web / "escape.css").symlink_to(tmp_path / "secret.css")
    return web


@pytest.mark.parametrize("path", ["", "/", "activate", "reset/", "children/abc-123", "js"])
def test_page_like_paths_get_the_app_so_deep_links_work(root: Path, path: str) -> None:
    assert find_file(root, path) == root / "index.html"


def client_routes() -> list[str]:
    """Every route the client registers in web/app.js, with a sample value for each parameter."""
    patterns = re.findall(r"^route\('([^']+)'", (WEB_ROOT / "app.js").read_text(), flags=re.MULTILINE)
    return [re.sub(r":\w+", "x_Y-9", pattern) for pattern in patterns]


def test_the_client_registers_its_routes_where_this_test_reads_them() -> None:
    routes = client_routes()
    assert {"/signin", "/children/x_Y-9", "/manage/staff", "/manage/children/x_Y-9"} <= set(routes)
    assert len(routes) > 15


@pytest.mark.parametrize("route", client_routes())
def test_every_client_route_is_the_app_and_none_lies_where_the_host_answers_first(route: str) -> None:
    assert find_file(WEB_ROOT, route.lstrip("/")) == WEB_ROOT / "index.html"
    first = route.strip("/").split("/", 1)[0]
    assert first not in HOST_RESERVED and first != "api", route


def test_no_link_in_the_client_points_under_a_prefix_the_host_keeps() -> None:
    scripts = [WEB_ROOT / "app.js", *sorted((WEB_ROOT / "js").rglob("*.js"))]
    for script in scripts:
        found = re.search(r"['`\"]/(admin|runtime)(/|['`\"])", script.read_text())
        assert found is None, f"{script.name}: {found and found.group()}"


def test_a_known_asset_is_served_from_its_folder(root: Path) -> None:
    assert find_file(root, "js/app.js") == (root / "js" / "app.js").resolve()


@pytest.mark.parametrize(
    "path",
    ["../secret.css", "js/../../secret.css", ".env", "js/.hidden.js", "notes.py", "escape.css",
     "js\\app.js", "missing.js", "js/app.js\x00.css"],
)  # fmt: skip
def test_traversal_dotfiles_unknown_types_and_links_out_of_the_folder_are_not_found(
    root: Path, path: str
) -> None:
    with pytest.raises(NotFound):
        find_file(root, path)


def test_the_real_client_has_no_inline_script_or_style_for_the_policy_to_block() -> None:
    html = (WEB_ROOT / "index.html").read_text()
    assert '<script type="module" src="/app.js"></script>' in html
    assert re.search(r"<script>|<style|\sstyle=|\son[a-z]+=", html) is None


def test_the_client_never_parses_strings_as_markup_or_code() -> None:
    scripts = [WEB_ROOT / "app.js", *sorted((WEB_ROOT / "js").rglob("*.js"))]
    assert len(scripts) > 5
    for script in scripts:
        code = script.read_text()
        found = re.search(
            r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function", code
        )
        assert found is None, f"{script.name}: {found and found.group()}"


def test_the_policy_allows_only_this_origin_and_the_photo_store() -> None:
    policy = content_security_policy("https://journal.blob.core.windows.net")
    assert "default-src 'none'" in policy and "script-src 'self';" in policy
    assert "img-src 'self' https://journal.blob.core.windows.net blob:;" in policy
    assert "frame-ancestors 'none'" in policy and "base-uri 'none'" in policy
    assert "unsafe" not in policy


@pytest.mark.parametrize(
    ("storage", "origin"),
    [
        (StorageConfig(None, "t", "https://acct.blob.core.windows.net/", "q"), "https://acct.blob.core.windows.net"),
        (StorageConfig("UseDevelopmentStorage=true"), "http://127.0.0.1:10000"),
        (StorageConfig("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=k;"
                       "BlobEndpoint=http://127.0.0.1:41234/devstoreaccount1;"), "http://127.0.0.1:41234"),
        (StorageConfig("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=k;EndpointSuffix=core.windows.net"),
         "https://acct.blob.core.windows.net"),
        (StorageConfig(""), None),
    ],
)  # fmt: skip
def test_the_photo_origin_comes_from_configuration(storage: StorageConfig, origin: str | None) -> None:
    assert blob_origin(storage) == origin


def test_the_deployment_package_keeps_the_client() -> None:
    ignored = (WEB_ROOT.parent / ".funcignore").read_text().splitlines()
    patterns = [line.strip() for line in ignored if line.strip() and not line.startswith("#")]
    assert not any(p.rstrip("/") in {"web", "web/*", "*.js", "*.css", "*.html"} for p in patterns)
