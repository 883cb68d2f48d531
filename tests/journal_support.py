"""Helpers for the journal tests: children and links written through the repositories directly
(without the administration services), and principals as a session check yields them."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.domain.children import Child, ChildStatus, ParentLink
from shared.domain.observations import Observation
from shared.domain.people import Principal, Role
from shared.domain.settings import OtherChildren
from shared.services import access, observations
from shared.services.deps import Deps


def principal(setting_id: str, role: Role, name: str = "Sam Parent", user_id: str | None = None) -> Principal:
    """Who a session check would return; role and setting come from storage in real requests."""
    now = datetime.now(UTC)
    return Principal(
        setting_id=setting_id,
        user_id=user_id or "u" + secrets.token_hex(10),
        name=name,
        email=f"{secrets.token_hex(3)}@family.example",
        role=role,
        session_digest="0" * 64,
        idle_expires_at=now + timedelta(minutes=30),
        absolute_expires_at=now + timedelta(hours=12),
    )


def add_child(
    deps: Deps,
    setting_id: str,
    first: str,
    last: str,
    *,
    key_person: str | None = None,
    own_photos: bool = True,
    others_photos: bool = True,
    status: ChildStatus = ChildStatus.ACTIVE,
) -> Child:
    child = Child(
        setting_id=setting_id,
        child_id="c" + secrets.token_hex(8),
        first_name=first,
        last_name=last,
        date_of_birth=date(2023, 3, 14),
        key_person_id=key_person,
        photos_in_own_journal=own_photos,
        photos_in_others_journals=others_photos,
        status=status,
        created_at=deps.clock.now(),
    )
    deps.children.add(child)
    return child


def link(deps: Deps, parent: Principal, *children: Child) -> None:
    for child in children:
        deps.links.link(ParentLink(parent.setting_id, parent.user_id, child.child_id, deps.clock.now()))


def set_policy(deps: Deps, setting_id: str, **changes: Any) -> None:
    setting = deps.settings.get(setting_id)
    assert setting is not None
    for name, value in changes.items():
        setattr(setting, name, value)
    deps.settings.save(setting)


def draft(
    deps: Deps,
    author: Principal,
    *children: Child,
    text: str = "Built a tall tower and counted the bricks.",
    areas: list[str] | None = None,
    observed_on: date | None = None,
    next_steps: str = "",
) -> Observation:
    given = observations.ObservationText(
        child_ids=[c.child_id for c in children],
        text=text,
        areas=areas if areas is not None else ["mathematics"],
        next_steps=next_steps,
        observed_on=(observed_on or deps.clock.now().date()).isoformat(),
    )
    return observations.create_observation(deps, author, given)


def published(deps: Deps, manager: Principal, *children: Child, **kwargs: Any) -> Observation:
    created = draft(deps, manager, *children, **kwargs)
    return observations.publish_observation(
        deps, manager, created.observation_id, reviewed(deps, manager, created.observation_id)
    )


__all__ = ["OtherChildren", "add_child", "draft", "link", "principal", "published", "set_policy"]


def reviewed(deps: Deps, reviewer: Principal, observation_id: str) -> str | None:
    """The version of an observation a reviewer has open: read as they may see it, now."""
    return access.visible_observation(deps, reviewer, observation_id).etag
