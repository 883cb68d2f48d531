"""What a parent may read about other children in a group observation: pure rules, no I/O.

A parent sees their own children by name. Every other child in the observation appears as the
setting's `other_children` policy says: their first name, their initials ("M. R.") or "a friend",
both in the list of children and wherever their names occur in text, next steps and comments.

Matching is on whole words, in any case, with Unicode-aware boundaries, trying longer names first
so "Mia Rose" is replaced before "Mia" can match inside it. When another child shares a first name
with one of the parent's own children, that first name alone is ambiguous and stays as written;
only the other child's full name is replaced (redacting it would hide the parent's own child).
Names are data, never markup: the result is plain text and the client escapes it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shared.domain.settings import OtherChildren

A_FRIEND = "a friend"


@dataclass(frozen=True)
class NamedChild:
    """A child as an observation names them."""

    child_id: str
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class ShownChild:
    """A child as one reader sees them: `child_id` is None for other families' children."""

    child_id: str | None
    name: str
    own: bool


def initials(child: NamedChild) -> str:
    """ "Mia Rose" -> "M. R."; a child with no last name gets one initial."""
    letters = [part[0].upper() for part in (child.first_name.strip(), child.last_name.strip()) if part]
    return " ".join(f"{letter}." for letter in letters)


def shown_name(child: NamedChild, policy: OtherChildren) -> str:
    """How another family's child appears under the setting's policy."""
    if policy is OtherChildren.NAMES:
        return child.first_name
    if policy is OtherChildren.INITIALS:
        return initials(child)
    return A_FRIEND


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def _pattern(name: str) -> str:
    # Any run of whitespace between the parts of a name still matches ("Mia\nRose").
    return r"\s+".join(re.escape(part) for part in unicodedata.normalize("NFC", name).split())


class Redactor:
    """Redacts other children's names for one parent reading one observation."""

    def __init__(
        self, own: Iterable[NamedChild], others: Iterable[NamedChild], policy: OtherChildren
    ) -> None:
        own, others = list(own), list(others)
        self._policy = policy
        # None means "keep as written": the parent's own children's names always win.
        replacements: dict[str, str | None] = {}
        for child in own:
            for name in (child.full_name, child.first_name):
                if _key(name):
                    replacements[_key(name)] = None
        first_names: dict[str, list[NamedChild]] = {}
        for child in others:
            full = _key(child.full_name)
            if full and full not in replacements:
                replacements[full] = shown_name(child, policy)
            first = _key(child.first_name)
            if first:
                first_names.setdefault(first, []).append(child)
        for first, sharing in first_names.items():
            if first in replacements:
                continue  # the parent's own child, or another child's full name: already decided
            shown = {shown_name(c, policy) for c in sharing}
            # Two other children called Mia with different initials: "M." names neither wrongly.
            replacements[first] = shown.pop() if len(shown) == 1 else _shared_first(sharing[0], policy)
        self._names = sorted(replacements, key=len, reverse=True)
        self._replacements = [replacements[name] for name in self._names]
        self._regex: re.Pattern[str] | None = None
        if any(r is not None for r in self._replacements):
            alternatives = "|".join(f"(?P<n{i}>{_pattern(name)})" for i, name in enumerate(self._names))
            self._regex = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def text(self, text: str) -> str:
        """The text with every other child's name replaced as the policy says."""
        text = unicodedata.normalize("NFC", text)
        if self._regex is None:
            return text
        return self._regex.sub(lambda m: self._replace(m, text), text)

    def _replace(self, match: re.Match[str], text: str) -> str:
        index = int((match.lastgroup or "n0")[1:])
        replacement = self._replacements[index]
        if replacement is None:
            return match.group(0)
        if replacement == A_FRIEND and _starts_sentence(text, match.start()):
            return replacement[0].upper() + replacement[1:]
        return replacement


def _shared_first(child: NamedChild, policy: OtherChildren) -> str:
    if policy is OtherChildren.INITIALS:
        return f"{child.first_name.strip()[0].upper()}."
    return shown_name(child, policy)


def _starts_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?\n"


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
    """The redactor for a parent whose linked children are `own_ids`."""
    own = set(own_ids)
    return Redactor(
        [c for c in children if c.child_id in own], [c for c in children if c.child_id not in own], policy
    )
