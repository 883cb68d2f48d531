"""The world builder (devhost/world.py) under the short names the journal tests use: children and
links written through the ports (without the administration services), observations through the
use cases, and principals as a session check yields them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from devhost.world import Place, acting_as
from shared.domain.children import Child, ChildStatus
from shared.domain.observations import Observation
from shared.domain.people import Principal, Role
from shared.domain.settings import OtherChildren
from shared.services import access
from shared.services.deps import Deps


def principal(setting_id: str, role: Role, name: str = "Sam Parent", user_id: str | None = None) -> Principal:
    """Who a session check would return; role and setting come from storage in real requests."""
    return acting_as(setting_id, role, datetime.now(UTC), name=name, user_id=user_id)


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
    return Place(deps, setting_id).child(
        first, last, key_person=key_person, own_photos=own_photos, others_photos=others_photos, status=status
    )


def link(deps: Deps, parent: Principal, *children: Child) -> None:
    Place(deps, parent.setting_id).link(parent, *children)


def set_policy(deps: Deps, setting_id: str, **changes: Any) -> None:
    Place(deps, setting_id).update_setting(**changes)


def draft(
    deps: Deps,
    author: Principal,
    *children: Child,
    text: str = "Built a tall tower and counted the bricks.",
    areas: list[str] | None = None,
    observed_on: date | None = None,
    next_steps: str = "",
) -> Observation:
    return Place(deps, author.setting_id).observe(
        author,
        *children,
        text=text,
        areas=areas if areas is not None else ["mathematics"],
        observed_on=observed_on,
        next_steps=next_steps,
    )


def published(deps: Deps, manager: Principal, *children: Child, **kwargs: Any) -> Observation:
    return Place(deps, manager.setting_id).observe(manager, *children, publish=True, **kwargs)


__all__ = ["OtherChildren", "add_child", "draft", "link", "principal", "published", "reviewed", "set_policy"]


def reviewed(deps: Deps, reviewer: Principal, observation_id: str) -> str | None:
    """The version of an observation a reviewer has open: read as they may see it, now."""
    return access.visible_observation(deps, reviewer, observation_id).etag
