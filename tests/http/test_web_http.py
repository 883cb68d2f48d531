"""The web client served by the Function App through the local host: literal API routes win over
the catch-all, pages carry a strict policy, and nothing outside web/ is reachable."""

from __future__ import annotations

import pytest
import requests

from tests.http.conftest import Api


def raw(api: Api, path: str) -> requests.Response:
    # requests would normalise dot segments away; send the path exactly as written.
    session = requests.Session()
    prepared = requests.Request("GET", api.served.base + "/x").prepare()
    prepared.url = api.served.base + path
    return session.send(prepared, timeout=10)


@pytest.mark.parametrize(
    "path",
    ["/", "/activate", "/reset", "/forgot", "/children/abc", "/manage/staff", "/manage/children/abc",
     "/manage/audit", "/observations/drafts"],
)  # fmt: skip
def test_pages_are_the_app_with_a_strict_policy_and_no_caching(api: Api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "default-src 'none'" in policy
    assert "http://127.0.0.1:" in policy.split("img-src", 1)[1].split(";", 1)[0]  # Azurite's blob port
    assert response.headers["Referrer-Policy"] == "no-referrer"  # S14: links' tokens stay put
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert '<script type="module" src="/app.js">' in response.text


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/app.js", "text/javascript"), ("/styles.css", "text/css"), ("/js/api.js", "text/javascript")],
)
def test_assets_have_their_own_type_and_revalidate(api: Api, path: str, kind: str) -> None:
    response = api.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{kind}; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"


def test_literal_api_routes_win_over_the_catch_all(api: Api) -> None:
    assert api.get("/api/health").json()["status"] == "ok"
    assert api.get("/api/auth/session").status_code == 401
    # Routes with parameters too: an unauthenticated call is the API's 401, not the client's page.
    for path in ("/api/children/abc", "/api/children/abc/journal", "/api/photos/p1"):
        response = api.get(path)
        assert (response.status_code, response.json()["error"]["code"]) == (401, "unauthenticated"), path


@pytest.mark.parametrize("path", ["/api/nothing-here", "/api/auth/login", "/api"])
def test_api_addresses_no_function_serves_are_json_not_found(api: Api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_such_api"


@pytest.mark.parametrize("path", ["/admin/staff", "/admin/children/abc", "/runtime/webhooks"])
def test_the_hosts_own_prefixes_never_answer_the_app_so_no_client_route_lives_there(
    api: Api, path: str
) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    assert '<script type="module"' not in response.text


@pytest.mark.parametrize("path", ["/api/manage/staff", "/api/children/abc/nothing", "/api/admin/staff"])
def test_an_api_address_shaped_like_a_client_route_is_still_the_json_404(api: Api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "no_such_api"


@pytest.mark.parametrize(
    "path",
    [
        "/../host.json",
        "/%2e%2e/function_app.py",
        "/js/%2e%2e/%2e%2e/host.json",
        "/.funcignore",
        "/missing.js",
    ],
)
def test_nothing_outside_the_client_is_served(api: Api, path: str) -> None:
    response = raw(api, path)
    assert response.status_code == 404
    assert "extensionBundle" not in response.text and "FunctionApp" not in response.text
