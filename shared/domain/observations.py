"""Observations: what a practitioner saw a child (or a group of children) do, for the journal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Area(StrEnum):
    """The EYFS areas of learning and development, and the characteristics of effective learning."""

    COMMUNICATION_AND_LANGUAGE = "communication-and-language"
    PHYSICAL_DEVELOPMENT = "physical-development"
    PERSONAL_SOCIAL_EMOTIONAL = "personal-social-emotional"
    LITERACY = "literacy"
    MATHEMATICS = "mathematics"
    UNDERSTANDING_THE_WORLD = "understanding-the-world"
    EXPRESSIVE_ARTS_AND_DESIGN = "expressive-arts-and-design"
    PLAYING_AND_EXPLORING = "playing-and-exploring"
    ACTIVE_LEARNING = "active-learning"
    CREATING_AND_THINKING_CRITICALLY = "creating-and-thinking-critically"


class ObservationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for a manager's approval
    PUBLISHED = "published"  # parents of the children in it can see it


@dataclass(repr=False)
class Observation:
    setting_id: str
    observation_id: str
    child_ids: list[str]
    author_id: str
    text: str
    areas: list[Area]
    next_steps: str
    observed_on: date
    status: ObservationStatus
    created_at: datetime
    updated_at: datetime
    photo_ids: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    return_note: str = ""  # a manager's note when they returned it to its author for changes
    # Aspects (ELGs, or the chosen framework's aspects) it is evidence for, and the framework they
    # belong to; observations made before aspects existed have none and keep their areas.
    aspects: list[str] = field(default_factory=list)
    framework: str | None = None
    etag: str | None = None
