"""An account's strong factors as one JSON column of its row (`Factors`).

They live on the account row, not rows of their own, so the code step reads nothing the PIN step
did not read, and every change to a factor (a spent code step, a failure count, a lock) races on
the account's ETag like the S10 counters. Only sealed secrets and peppered hashes are in it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from shared.domain.factors import Authenticator, Factors, SignInReset


def factors_json(factors: Factors) -> str:
    if factors == Factors():
        return ""
    app = factors.authenticator
    data: dict[str, Any] = {
        "authenticator": None
        if app is None
        else {
            "sealed": app.sealed_secret,
            "added": app.added_at.isoformat(),
            "confirmed": app.confirmed,
            "lastStep": app.last_step,
        },
        "recovery": list(factors.recovery_codes),
        "passkeys": list(factors.passkeys),
        "enrolAskedAt": factors.enrol_asked_at.isoformat() if factors.enrol_asked_at else None,
        "codeFailures": factors.code_failures,
        "codeTries": factors.code_tries,
    }
    if factors.reset is not None:
        data["reset"] = {
            "askedAt": factors.reset.asked_at.isoformat(),
            "by": factors.reset.asked_by,
            "byName": factors.reset.asked_by_name,
        }
    return json.dumps(data, separators=(",", ":"))


def factors_of(raw: str) -> Factors:
    if not raw:
        return Factors()
    data = json.loads(raw)
    app = data.get("authenticator")
    asked = data.get("enrolAskedAt")
    reset = data.get("reset")
    return Factors(
        authenticator=None
        if app is None
        else Authenticator(
            sealed_secret=str(app["sealed"]),
            added_at=datetime.fromisoformat(app["added"]),
            confirmed=bool(app.get("confirmed", False)),
            last_step=int(app.get("lastStep", -1)),
        ),
        recovery_codes=[str(h) for h in data.get("recovery", [])],
        passkeys=[str(p) for p in data.get("passkeys", [])],
        enrol_asked_at=datetime.fromisoformat(asked) if asked else None,
        code_failures=int(data.get("codeFailures", 0)),
        code_tries=int(data.get("codeTries", 0)),
        reset=None
        if not reset
        else SignInReset(datetime.fromisoformat(reset["askedAt"]), str(reset["by"]), str(reset["byName"])),
    )
