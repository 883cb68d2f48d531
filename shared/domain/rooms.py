"""Rooms of a setting (Babies, Toddlers, Pre-school), which room each child is in, and since when.

A room is retired rather than deleted: its history stays readable (a child's past stays name it)
but it takes no new children and no staff. Each active child is in at most one room at a time;
a move closes the child's current stay and opens the next one on the same day, so the stays of a
child never overlap and never leave a gap.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from shared.domain.display_names import clean_name
from shared.domain.errors import Conflict, InvalidInput

NO_SUCH_ROOM = "We could not find that room."
ROOM_RETIRED = "That room is retired: it takes no new children or staff."
ROOM_NOT_EMPTY = "Move the children in this room to another room before retiring it."
ALREADY_THERE = "The child is already in that room."
MAX_ROOM_NAME = 40


class RoomStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


@dataclass(repr=False)
class Room:
    setting_id: str
    room_id: str
    name: str
    status: RoomStatus
    created_at: datetime
    retired_at: datetime | None = None
    children: int = 0  # how many children are in the room now, kept by every move
    etag: str | None = None

    @property
    def active(self) -> bool:
        return self.status is RoomStatus.ACTIVE


@dataclass(repr=False)
class Placement:
    """The room a child is in now. `seq` numbers the child's stays, so each stay has its own key."""

    setting_id: str
    child_id: str
    room_id: str
    since: date
    seq: int
    etag: str | None = None


@dataclass(frozen=True, repr=False)
class Stay:
    """One period of a child in a room; `until` is None for the stay going on now."""

    child_id: str
    room_id: str
    seq: int
    since: date
    until: date | None


def new_room_id() -> str:
    return "r" + secrets.token_hex(8)


def clean_room_name(raw: object) -> str:
    """A room's name: required, trimmed, at most 40 characters."""
    name = clean_name(raw, field_name="name")
    if len(name) > MAX_ROOM_NAME:
        raise InvalidInput(f"A room's name can be at most {MAX_ROOM_NAME} characters.", field="name")
    return name


def require_takes_children(room: Room) -> None:
    if not room.active:
        raise Conflict(ROOM_RETIRED)


def clean_move_date(raw: object, *, today: date, current: Placement | None) -> date:
    """The day a move takes effect: today when not given; never in the future, and never before
    the child's current stay began (a history with overlapping stays would be wrong)."""
    if raw is None or raw == "":
        day = today
    else:
        if not isinstance(raw, str):
            raise InvalidInput("Enter the date of the move as YYYY-MM-DD.", field="from")
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput("Enter the date of the move as YYYY-MM-DD.", field="from") from None
    if day > today:
        raise InvalidInput("A move cannot be dated in the future.", field="from")
    if current is not None and day < current.since:
        raise InvalidInput(
            f"The child has been in their current room since {current.since.isoformat()}: "
            "date the move on or after that day.",
            field="from",
        )
    return day
