"""Bad input on every documented route (S26, S30): oversized, truncated and mistyped
bodies, the wrong content type and garbage path ids, each answered with a 4xx in our error shape,
never a 500. The routes and their bodies come from openapi.yaml, the callers and real ids from the
tenant-isolation world, so a new route is covered without touching this file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from shared import bootstrap
from shared.clock import FrozenClock
from tests import photos
from tests.http.conftest import Api, Served
from tests.http.test_tenant_isolation import (
    EVERYONE,
    MANAGER,
    PARENT,
    PRACTITIONER,
    ROLES,
    Operation,
    World,
    _schema,
    build_world,
    documented_operations,
    request_for,
)

# The web client's catch-all serves files, not JSON.
OPERATIONS = [op for op in documented_operations() if op.key != ("GET", "/{path}")]
JSON_BODIED = [
    op for op in OPERATIONS if "application/json" in op.spec.get("requestBody", {}).get("content", {})
]
IMAGE_BODIED = [
    op
    for op in OPERATIONS
    if any(t.startswith("image/") for t in op.spec.get("requestBody", {}).get("content", {}))
]
WITH_IDS = [op for op in OPERATIONS if op.parameters]
OVER_64_KIB = json.dumps({"text": "a" * (64 * 1024 + 16)}).encode()
OVER_10_MIB = photos.plain_jpeg(16, 16) + b"\0" * (10 * 1024 * 1024)
GARBAGE_IDS = [
    "x" * 2000,
    "..%2F..%2Fsettings",
    "abc' or PartitionKey ne '",
    "%00null",
    "\u2603snowman",
    "-1",
    "c~" + "0" * 30,
]


@pytest.fixture(scope="module")
def world(served: Served) -> World:
    wired = bootstrap.build(
        served.config, served.clients, FrozenClock(datetime.now(UTC).replace(microsecond=0))
    )
    bootstrap.use(wired, served.clients)
    return build_world(served, wired)


@pytest.fixture(autouse=True)
def wired_for_this_module(world: World) -> Iterator[None]:
    bootstrap.use(world.wired, world.served.clients)
    yield


def caller_for(op: Operation, world: World) -> Api:
    """Someone the route is meant for, so the body is read: the target manager, else a parent."""
    allowed = ROLES.get(op.key, EVERYONE)
    if MANAGER in allowed:
        return world.manager
    if PRACTITIONER in allowed:
        return world.browsers["not-key-practitioner"]
    assert PARENT in allowed
    return world.browsers["other-family-parent"]


def problems(answer: requests.Response, wanted: set[int] | None = None) -> list[str]:
    shown = (
        f"{answer.request.method} {answer.request.path_url[:80]} -> {answer.status_code} {answer.text[:200]}"
    )
    if wanted is not None and answer.status_code not in wanted:
        return [f"wanted {sorted(wanted)}: {shown}"]
    if not 400 <= answer.status_code < 500:
        return [f"not a 4xx: {shown}"]
    if not answer.headers.get("Content-Type", "").startswith("application/json"):
        return [f"not JSON: {shown}"]
    error = answer.json().get("error") if isinstance(answer.json(), dict) else None
    if not (
        isinstance(error, dict)
        and isinstance(error.get("code"), str)
        and isinstance(error.get("message"), str)
    ):
        return [f"not our error shape: {shown}"]
    if "Traceback" in answer.text or "azure" in answer.text.lower():
        return [f"internals in the answer: {shown}"]
    return []


def send_raw(op: Operation, world: World, data: bytes, content_type: str) -> requests.Response:
    base = request_for(op, world, world.ids)
    headers = {**base.kwargs["headers"], "Content-Type": content_type}
    if op.key == ("POST", "/api/platform/settings"):  # the platform operator's route: the master key
        headers["x-functions-key"] = world.served.master_key
    return caller_for(op, world).call(
        op.method,
        base.path,
        None,
        data=data,
        headers=headers,
        params=base.kwargs["params"],
        allow_redirects=False,
    )


def mistyped(op: Operation, world: World, value: Any) -> bytes:
    """A body with every documented property present and set to `value`."""
    schema = _schema(op.spec["requestBody"]["content"]["application/json"]["schema"])
    return json.dumps({name: value for name in schema.get("properties", {})} or {"x": value}).encode()


@pytest.mark.parametrize("op", JSON_BODIED, ids=str)
def test_s30_no_route_answers_500_to_an_oversized_truncated_mistyped_or_mislabelled_json_body(
    world: World, op: Operation
) -> None:
    found = []
    found += problems(send_raw(op, world, OVER_64_KIB, "application/json"), {413})
    found += problems(send_raw(op, world, b'{"text": "Stacked cu', "application/json"), {400})
    found += problems(send_raw(op, world, b"\xff\xfe{}", "application/json"), {400})
    found += problems(send_raw(op, world, b"[]", "application/json"), {400})
    found += problems(send_raw(op, world, b'["a", {"b": 1}]', "application/json"), {400})
    found += problems(send_raw(op, world, b"null", "application/json"), {400})
    found += problems(send_raw(op, world, b'"text"', "application/json"), {400})
    found += problems(send_raw(op, world, mistyped(op, world, 12345), "application/json"))
    found += problems(send_raw(op, world, mistyped(op, world, None), "application/json"))
    found += problems(send_raw(op, world, mistyped(op, world, {"$gt": ""}), "application/json"))
    found += problems(send_raw(op, world, mistyped(op, world, [[["deep"]]]), "application/json"))
    found += problems(send_raw(op, world, b'{"text": "plain"}', "text/plain"), {415})
    found += problems(send_raw(op, world, b"text=plain", "application/x-www-form-urlencoded"), {415})
    assert found == []


@pytest.mark.parametrize("op", IMAGE_BODIED, ids=str)
def test_s26_s30_a_photo_route_refuses_an_oversized_truncated_or_mislabelled_upload_with_a_4xx(
    world: World, op: Operation
) -> None:
    jpeg = photos.plain_jpeg(64, 48)
    found = []
    found += problems(send_raw(op, world, OVER_10_MIB, "image/jpeg"), {413})
    found += problems(send_raw(op, world, jpeg[: len(jpeg) // 2], "image/jpeg"))
    found += problems(send_raw(op, world, b"", "image/jpeg"))
    found += problems(send_raw(op, world, b"GIF89a not really", "image/jpeg"))
    found += problems(send_raw(op, world, b'{"photo": "x"}', "application/json"))
    found += problems(send_raw(op, world, jpeg, "text/html"), {415})
    assert found == []


@pytest.mark.parametrize("op", WITH_IDS, ids=str)
def test_s30_no_route_answers_500_to_a_garbage_path_id(world: World, op: Operation) -> None:
    caller = caller_for(op, world)
    found = []
    for garbage in GARBAGE_IDS:
        base = request_for(op, world, world.ids)
        path = op.path
        for parameter in op.parameters:
            path = path.replace("{" + parameter + "}", garbage)
        kwargs = dict(base.kwargs)
        body = kwargs.pop("json", None)
        found += problems(caller.call(op.method, path, body, **kwargs))
    assert found == []
