"""What a parent may read about other children: the observation's children list, and the older
per-observation redactor. Pure rules, no I/O; the name matching itself lives in `names`.

A parent sees their own children by name. Every other child appears as the setting's
`other_children` policy says: their first name, their initials ("M. R.") or "a friend", both in the
list of children and wherever their names occur in text, next steps and comments (S37).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shared.domain.names import (
    A_FRIEND,
    A_PARENT,
    NamedChild,
    NamedParent,
    NameMatcher,
    SettingNames,
    initials,
    shown_name,
)
from shared.domain.settings import OtherChildren

__all__ = [
    "A_FRIEND",
    "A_PARENT",
    "NameMatcher",
    "NamedChild",
    "NamedParent",
    "Redactor",
    "SettingNames",
    "ShownChild",
    "initials",
    "redactor_for",
    "shown_children",
    "shown_name",
]


@dataclass(frozen=True, repr=False)
class ShownChild:
    """A child as one reader sees them: `child_id` is None for other families' children."""

    child_id: str | None
    name: str
    own: bool


class Redactor:
    """Redacts the names of `others` for a reader whose own children are `own`, knowing only these
    children. A reader of the setting's texts needs `SettingNames(...).for_reader(...)`, which
    knows every child and parent of the setting."""

    def __init__(
        self, own: Iterable[NamedChild], others: Iterable[NamedChild], policy: OtherChildren
    ) -> None:
        own = list(own)
        self._matcher = SettingNames([*own, *others]).for_reader({c.child_id for c in own}, policy)

    def text(self, text: str) -> str:
        """The text with every other child's name replaced as the policy says."""
        return self._matcher.text(text)


def shown_children(
    children: Sequence[NamedChild], own_ids: Iterable[str], policy: OtherChildren
) -> list[ShownChild]:
    """The observation's children as a parent sees them: own children named, the rest per policy."""
    own = set(own_ids)
    return [
        ShownChild(c.child_id, c.full_name, True)
        if c.child_id in own
        else ShownChild(None, shown_name(c, policy), False)
        for c in children
    ]


def redactor_for(children: Sequence[NamedChild], own_ids: Iterable[str], policy: OtherChildren) -> Redactor:
    """The redactor for a parent whose linked children are `own_ids`, knowing only `children`."""
    own = set(own_ids)
    return Redactor(
        [c for c in children if c.child_id in own], [c for c in children if c.child_id not in own], policy
    )
