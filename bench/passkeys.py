"""Passkey sign-in against password + PIN (S31): storage round trips and median time of the whole
sign-in, each side from its first request to a session. The goal: a passkey sign-in costs no more
storage requests than password + PIN together, and is faster (no Argon2 runs, only one P-256
signature check).

Both sides sign in from a browser the account does not know, so both queue the same new-device
notice (S36). The passkey is registered once, through the parent's session, before measuring.
"""

from __future__ import annotations

import secrets
import statistics
import time
from typing import Any

import requests

from bench.world import PASSWORD, PIN, World
from tests.passkey_authenticator import SoftAuthenticator

RUNS = 20


def passkey_figures(world: World) -> dict[str, Any]:
    origin = world.deps.config.public_origin
    key = SoftAuthenticator(origin)
    http = requests.Session()
    world.sign_in(world.parent, http)
    http.headers["Origin"] = origin  # a cookie-carrying change must show it comes from our pages
    ceremony = http.post(world.base + "/api/account/passkeys/options", timeout=60).json()
    credential = key.create(ceremony["options"])
    added = http.post(world.base + "/api/account/passkeys", json={"attempt": ceremony["attempt"],
                      "credential": credential, "name": "Bench phone"}, timeout=60)  # fmt: skip
    assert added.status_code == 201, added.text

    def passkey_sign_in() -> None:
        options = requests.post(world.base + "/api/auth/passkey/options", timeout=60).json()
        answer = key.get(options["options"])
        body = {"attempt": options["attempt"], "credential": answer}
        done = requests.post(world.base + "/api/auth/passkey", json=body, timeout=60)
        assert done.status_code == 200, done.text

    def password_and_pin() -> None:
        # Each run its own browser and client address, so S10's per-client budget of Argon2
        # verifies (30 a minute) is not what is measured.
        address = {"X-Forwarded-For": "10." + ".".join(str(secrets.randbelow(256)) for _ in range(3))}
        # Another parent: once the passkey is added, password and PIN alone no longer finish the
        # first parent's sign-in (S34), and this side is a whole sign-in too.
        body = {"setting": world.setting_id, "email": world.signers[0], "password": PASSWORD}
        first = requests.post(world.base + "/api/auth/login", json=body, headers=address, timeout=60)
        assert first.status_code == 200, first.text
        pin = {"challenge": first.json()["challenge"], "pin": PIN}
        done = requests.post(world.base + "/api/auth/pin", json=pin, headers=address, timeout=60)
        assert done.status_code == 200 and "user" in done.json(), done.text

    passkey_sign_in()  # warm
    rows: dict[str, tuple[list[int], list[float]]] = {"passkey": ([], []), "password_and_pin": ([], [])}
    for _ in range(RUNS):
        # In turn, so whatever else the machine does weighs on both alike.
        for name, action in (("passkey", passkey_sign_in), ("password_and_pin", password_and_pin)):
            with world.counter.during() as window:
                start = time.perf_counter()
                action()
                rows[name][1].append((time.perf_counter() - start) * 1000)
            rows[name][0].append(window.requests)
    # The typical run's count, not the largest: the counter also sees the mail worker, which
    # picks up the new-device notices of earlier runs whenever it polls (the largest is kept too).
    figures: dict[str, Any] = {
        f"{name}_{what}": value
        for name, (trips, times) in rows.items()
        for what, value in (
            ("roundtrips", statistics.median_low(trips)),
            ("roundtrips_max", max(trips)),
            ("median_ms", round(statistics.median(times), 2)),
        )
    }
    figures["time_ratio"] = round(figures["passkey_median_ms"] / figures["password_and_pin_median_ms"], 3)
    figures["goals"] = {"roundtrips": "passkey <= password_and_pin", "time_ratio": "< 1"}
    return figures


def report(figures: dict[str, Any]) -> None:
    met = (
        figures["passkey_roundtrips"] <= figures["password_and_pin_roundtrips"] and figures["time_ratio"] < 1
    )
    print(
        f"\npasskey sign-in (S31): {figures['passkey_roundtrips']} storage requests, "
        f"{figures['passkey_median_ms']} ms median; password + PIN: {figures['password_and_pin_roundtrips']} "
        f"requests, {figures['password_and_pin_median_ms']} ms; time ratio {figures['time_ratio']}"
        f"{'' if met else '  (over goal)'}"
    )
