"""The authenticator-code step of sign-in (S32): storage requests and median time of
POST /api/auth/code, for a member of staff enrolled with an app.

Each run gets a fresh code challenge (password and PIN) first, outside the count and the clock.
A code is accepted once per 30-second step, so between runs the bench also forgets the step last
accepted, directly in storage and outside the count, or 20 runs would take ten minutes.
"""

from __future__ import annotations

import statistics
import time

import pyotp
import requests

from bench.world import PASSWORD, PIN, World
from devhost.world import Place
from shared.domain.people import Account, Role
from shared.services import authenticator
from shared.services.signin import save_with_retry

RUNS = 20
# Read the account, count the code (S10's way, before it is checked), start the session in the
# write that spends the code, and the audit entry with its copy in the immutable archive (S41):
# the PIN step's four and the count. From a browser the account knows, as the PIN step is
# measured, so no new-device notice is queued.
GOAL_ROUNDTRIPS = 5


def enrolled_staff(world: World) -> tuple[str, pyotp.TOTP]:
    """A practitioner of the bench setting with an authenticator app, enrolled through the use cases."""
    person = Place(world.deps, world.setting_id).person(
        Role.PRACTITIONER, "Bench Practitioner", "practitioner@bench.example", password=PASSWORD, pin=PIN
    )
    account = world.deps.accounts.get(world.setting_id, person.user_id)
    assert account is not None
    started = authenticator.begin(world.deps, account)
    app = pyotp.TOTP(started.secret)
    fresh = world.deps.accounts.get(world.setting_id, person.user_id)
    assert fresh is not None
    proof = authenticator.check_enrolment(world.deps, fresh, app.now())
    save_with_retry(world.deps, proof.account, proof.spend)
    return person.email, app


def _challenge(browser: requests.Session, world: World, email: str) -> str:
    body = {"setting": world.setting_id, "email": email, "password": PASSWORD}
    answer = browser.post(world.base + "/api/auth/login", json=body, timeout=60)
    assert answer.status_code == 200, answer.text
    first = answer.json()["challenge"]
    second = browser.post(world.base + "/api/auth/pin", json={"challenge": first, "pin": PIN}, timeout=60)
    assert second.json().get("next") == "code", second.text
    return str(second.json()["challenge"])


def _forget_last_step(world: World, email: str) -> None:
    def forget(account: Account) -> None:
        if account.factors.authenticator is not None:
            account.factors.authenticator.last_step = -1

    found = world.deps.accounts.find_by_email(world.setting_id, email)
    assert found is not None
    save_with_retry(world.deps, found, forget)


def measure_code_step(world: World) -> tuple[int, float]:
    """Round trips (the typical run's) and the median ms of the code step alone."""
    email, app = enrolled_staff(world)
    browser = requests.Session()  # signed in once, so it holds the account's device cookie
    browser.headers["Origin"] = world.deps.config.public_origin  # a cookie-carrying request from our pages
    _forget_last_step(world, email)  # enrolment spent the current code
    browser.post(world.base + "/api/auth/code", json={"challenge": _challenge(browser, world, email),
                 "code": app.now()}, timeout=60).raise_for_status()  # fmt: skip
    counts, times = [], []
    for _ in range(RUNS):
        _forget_last_step(world, email)
        challenge = _challenge(browser, world, email)
        code = app.now()
        with world.counter.during() as window:
            start = time.perf_counter()
            answer = browser.post(
                world.base + "/api/auth/code", json={"challenge": challenge, "code": code}, timeout=60
            )
            times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, answer.text
        counts.append(window.requests)
    # The typical run's count: the counter also sees the mail worker polling in the background.
    return statistics.median_low(counts), round(statistics.median(times), 2)
