"""Small valid domain objects for the contract tests, with fresh ids."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from shared.domain.children import Child, ChildStatus
from shared.domain.observations import Area, Observation, ObservationStatus
from shared.domain.people import Account, Role, Session, Status
from shared.domain.photos import Photo, StoredImage
from shared.domain.settings import Setting


def fresh(prefix: str) -> str:
    return prefix + secrets.token_hex(6)


def setting(setting_id: str, at: datetime) -> Setting:
    return Setting(setting_id, "Little Acorns", None, 365, at)


def account(setting_id: str, at: datetime, *, name: str = "Sam Parent", email: str | None = None) -> Account:
    user_id = fresh("u")
    return Account(
        setting_id, user_id, email or f"{user_id}@family.example", name, Role.PARENT, Status.ACTIVE, at
    )


def session(account: Account, at: datetime, digest: str | None = None) -> Session:
    return Session(account.setting_id, account.user_id, digest or secrets.token_hex(32), at, at, at, "")


def child(setting_id: str, at: datetime, first: str = "Ada", last: str = "Lovelace") -> Child:
    return Child(
        setting_id, fresh("c"), first, last, date(2023, 4, 1), None, True, True, ChildStatus.ACTIVE, at
    )


def observation(
    setting_id: str,
    at: datetime,
    child_ids: list[str],
    *,
    status: ObservationStatus = ObservationStatus.PUBLISHED,
    observed_on: date = date(2026, 11, 2),
    areas: tuple[Area, ...] = (Area.COMMUNICATION_AND_LANGUAGE,),
    author_id: str = "author",
) -> Observation:
    return Observation(
        setting_id,
        secrets.token_hex(8),
        child_ids,
        author_id,
        "Built a tower of six blocks.",
        list(areas),
        "Try counting them.",
        observed_on,
        status,
        at,
        at,
        published_at=at if status is ObservationStatus.PUBLISHED else None,
    )


def photo(setting_id: str, observation_id: str, at: datetime) -> Photo:
    image = StoredImage("image/jpeg", 640, 480, 1234)
    return Photo(setting_id, secrets.token_hex(8), observation_id, "author", image, image, at)
