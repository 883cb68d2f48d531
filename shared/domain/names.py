"""Every name of a setting, found in any text a parent can read (S37): pure rules, no I/O.

`SettingNames` is built once from every child of a setting (first name, surname, preferred name)
and every parent or carer (their name, the children they are linked to). It knows nothing of the
reader, its answers never change (what it works out on first use it only remembers), and it costs
a few milliseconds for hundreds of families, so a caller may build it per request or cache it per
setting (invalidated when a child, a child's name or a parent link of the setting changes; safe to
share between threads). `for_reader` gives the cheap, reusable view for one parent.

A name is found in any of the forms people write it: full name ("Oliver Smith", "Jane Smith"),
first or preferred name alone, surname alone ("the Smith twins"), initial and surname ("O. Smith",
"O Smith"), possessive ("Oliver's", "Smiths'"), plural surname ("the Smiths"), a title with a
surname ("Mrs Smith"), each part of a hyphenated name ("Mary" of "Mary-Jane"), in any case, split
over lines or extra spaces, with or without diacritics (names_text has how words are compared,
and the rule for names that are ordinary words).
The longest form wins: "Oliver Smith" is one mention, not "Oliver" then "Smith".

What a mention shows a parent:
  - a name of the parent's own children or of their own family's parents stays as written. When
    the written form is ambiguous, the reading of the kind that was written decides: "Smith"
    alone stays when one of the parent's children is a Smith (siblings, cousins); "Mia" alone stays
    when one of them is called Mia; "Mia Brown" never does unless it is theirs. A word that is one
    child's first name and another's surname is read as a first name.
  - another child as the setting's `other_children` policy says: "initials" shows "O. S." (a
    surname alone "S.") and "hidden" shows "a friend"; never a first name or surname (S37). When
    the written form fits several children the parent could tell apart, the mention falls back
    to what they share ("M.") or to "a friend". A surname alone after "the" reads as what it
    stands for: "the Smiths" -> "the friends", "The Smith twins" -> "The twins" (never "the a
    friend").
  - another family's parent as "a parent", in every form; a word that is a parent's name and also
    a child's is read as the child's, unless a title ("Mrs Smith") says it is an adult.
The result is plain text: names are data, never markup, and the client escapes them.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from functools import lru_cache
from typing import Generic, NamedTuple, TypeVar

from shared.domain.names_text import (
    ORDINARY_WORDS,
    PARTICLES,
    Word,
    apostrophe_after,
    fold,
    possessive,
    soft_gap,
    stands_as_name,
    starts_sentence,
    words,
)
from shared.domain.settings import OtherChildren

A_FRIEND = "a friend"
A_PARENT = "a parent"
# A name of letters, apostrophes, spaces and hyphens splits into its words without the tokenizer.
# Each repetition starts with a separator, so a failing match cannot backtrack without end.
_PLAIN_NAME = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*(?:[ -][^\W\d_]+(?:['\u2019][^\W\d_]+)*)*")
_PLAIN_PARTS = re.compile(r"[ -]")
# "the" right before a mention (the search is bounded to the few characters before it).
_THE_BEFORE = re.compile(r"(?<![^\W\d_])the\s+\Z", re.IGNORECASE)
# A word follows the mention in the same sentence ("the Smith twins").
_WORD_NEXT = re.compile(r"[ \t]+[^\W\d_]")
_TITLES = frozenset(("mr", "mrs", "ms", "miss", "mx", "dr"))


@dataclass(frozen=True, repr=False)
class NamedChild:
    """A child as the setting names them."""

    child_id: str
    first_name: str
    last_name: str
    preferred_name: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, repr=False)
class NamedParent:
    """A parent or carer of the setting and the children they are linked to (their family)."""

    parent_id: str
    name: str
    child_ids: frozenset[str]


def initials(child: NamedChild) -> str:
    """ "Mia Rose" -> "M. R."; a child with no last name gets one initial."""
    return _initials(child.first_name, child.last_name)


def shown_name(child: NamedChild, policy: OtherChildren) -> str:
    """How another family's child appears under the setting's policy."""
    if policy is OtherChildren.INITIALS:
        return initials(child)
    return A_FRIEND


class Kind(IntEnum):
    """What part of a name a mention is; when one written form is several, the highest decides."""

    SURNAME = 0
    GIVEN = 1
    FULL = 2


_KINDS = (Kind.SURNAME, Kind.GIVEN, Kind.FULL)


class _Form(NamedTuple):
    person: int  # index into SettingNames._people
    kind: Kind
    initials: str  # what the "initials" policy shows for it


class _Person(NamedTuple):
    person_id: str
    child: NamedChild | None  # None for a parent
    family: frozenset[str]  # the child ids this person belongs with


@dataclass(frozen=True, slots=True, repr=False)
class _Entry:
    """Everyone one written form may be, of the kind that decides (the highest Kind), worked out
    when the names are built so that finding a mention costs a dictionary look-up."""

    forms: tuple[_Form, ...]
    people: frozenset[int]
    children: tuple[NamedChild, ...]
    child_forms: tuple[_Form, ...]
    ordinary: bool  # every word of it is an ordinary word (or an initial)
    surname: bool


@dataclass(frozen=True, slots=True, repr=False)
class _Shape:
    """How a name of several words is punctuated, so "A.J. (Smith)" matches as written."""

    prefix: str
    gaps: tuple[str, ...]
    suffix: str


@dataclass(frozen=True, slots=True, repr=False)
class Mention:
    """Where a name of the setting is written, whom it may be, and what follows a replacement
    (a possessive "'s")."""

    start: int
    end: int
    entry: _Entry
    suffix: str
    stop: bool = False  # it took the full stop after an initial, which may also end a sentence
    plural: bool = False  # a surname written as a plural: "the Smiths"


_Key = TypeVar("_Key", str, tuple[str, ...])


class _Entries(Generic[_Key]):
    """Entries by key, each worked out on first use: working them all out would cost most of the
    build, and a page reads a few dozen. Two threads racing on one key make equal entries."""

    __slots__ = ("_forms", "_made", "_make")
    _forms: Mapping[_Key, list[_Form]]
    _make: Callable[[_Key, list[_Form]], _Entry | None]

    def __init__(
        self, forms: Mapping[_Key, list[_Form]], make: Callable[[_Key, list[_Form]], _Entry | None]
    ) -> None:
        self._forms = forms
        self._make = make
        self._made: dict[_Key, _Entry | None] = {}

    @property
    def forms(self) -> Mapping[_Key, list[_Form]]:
        return self._forms

    def get(self, key: _Key) -> _Entry | None:
        try:
            return self._made[key]
        except KeyError:
            forms = self._forms.get(key)
            if forms is None:
                return None  # not remembered: the words of texts are not a setting's names
            entry = self._made[key] = self._make(key, forms)
            return entry


class SettingNames:
    """Every child's and parent's name in one setting, ready to be found in text. Immutable."""

    __slots__ = ("_longest", "_people", "_plural", "_sequences", "_shapes", "_single", "_starts")

    def __init__(self, children: Iterable[NamedChild], parents: Iterable[NamedParent] = ()) -> None:
        people: list[_Person] = []
        single: dict[str, list[_Form]] = {}
        sequences: dict[tuple[str, ...], list[_Form]] = {}
        shapes: dict[tuple[str, ...], set[_Shape]] = {}

        def add(forms: dict[str, _Form]) -> None:
            for name, form in forms.items():
                keys, shape = _split(name)
                if len(keys) == 1:
                    if _alone(keys[0]):
                        single.setdefault(keys[0], []).append(form)
                elif keys:
                    sequences.setdefault(keys, []).append(form)
                    if shape is not None:
                        shapes.setdefault(keys, set()).add(shape)

        for child in children:
            index = len(people)
            people.append(_Person(child.child_id, child, frozenset((child.child_id,))))
            last = child.last_name.strip()
            forms: dict[str, _Form] = {}
            for given in dict.fromkeys((child.first_name.strip(), child.preferred_name.strip())):
                if not given:
                    continue
                full = _initials(given, last)
                for part in (given, *given.replace("-", " ").split()):
                    forms.setdefault(part, _Form(index, Kind.GIVEN, full))
                if last:
                    forms[f"{given} {last}"] = _Form(index, Kind.FULL, full)
                    if initial := _initial(given):
                        forms[f"{initial}. {last}"] = _Form(index, Kind.FULL, full)
            if last:
                surname = _Form(index, Kind.SURNAME, _initials(last, ""))
                for part in (last, *last.replace("-", " ").split()):
                    forms.setdefault(part, surname)
            add(forms)
        for parent in parents:
            index = len(people)
            people.append(_Person(parent.parent_id, None, parent.child_ids))
            parts = parent.name.split()
            while parts and parts[0].rstrip(".").casefold() in _TITLES:
                parts = parts[1:]  # "Dr Anna Smith": the title is not a name of hers
            if not parts:
                continue
            as_surname, as_given, as_full = (_Form(index, k, "") for k in _KINDS)
            forms = {parts[0]: as_given}
            if len(parts) > 1:
                forms[" ".join(parts)] = as_full
                forms[f"{parts[0]} {parts[-1]}"] = as_full
                if initial := _initial(parts[0]):
                    forms[f"{initial}. {' '.join(parts[1:])}"] = as_full
                for part in (" ".join(parts[1:]), *parts[1:]):
                    forms.setdefault(part, as_surname)
            add(forms)

        self._people = tuple(people)
        self._single = _Entries(single, lambda key, forms: self._entry(forms, key in ORDINARY_WORDS))
        self._sequences = _Entries(
            sequences,
            lambda key, forms: self._entry(forms, all(k in ORDINARY_WORDS or len(k) == 1 for k in key)),
        )
        # "the Smiths": the plural of a surname, looked up by its singular.
        self._plural = _Entries(
            single, lambda key, forms: self._entry(forms, key in ORDINARY_WORDS, Kind.SURNAME)
        )
        self._shapes = {key: tuple(found) for key, found in shapes.items()}
        self._starts = frozenset(key[0] for key in sequences)
        self._longest = max((len(key) for key in sequences), default=0)

    def _entry(self, forms: Sequence[_Form], ordinary: bool, only: Kind | None = None) -> _Entry | None:
        if only is not None:
            forms = [f for f in forms if f.kind is only]
            if not forms:
                return None
        top = max(f.kind for f in forms)
        chosen = tuple(f for f in forms if f.kind == top) if len(forms) > 1 else tuple(forms)
        everyone = self._people
        child_forms = tuple(f for f in chosen if everyone[f.person].child is not None)
        children = {c.child_id: c for f in child_forms if (c := everyone[f.person].child) is not None}
        people = frozenset(f.person for f in chosen)
        return _Entry(chosen, people, tuple(children.values()), child_forms, ordinary, top == Kind.SURNAME)

    def for_reader(
        self, own_child_ids: Iterable[str], policy: OtherChildren, reader_id: str | None = None
    ) -> NameMatcher:
        """The view for a parent whose linked children are `own_child_ids`."""
        return NameMatcher(self, frozenset(own_child_ids), policy, reader_id)

    def untagged(self, text: str, tagged_ids: Iterable[str]) -> list[NamedChild]:
        """The children of the setting named in staff text but not tagged, in order of first
        mention. A mention that may be a tagged child (a shared first name) lists nobody."""
        tagged = frozenset(tagged_ids)
        found: dict[str, NamedChild] = {}
        for mention in self.mentions(text):
            named = mention.entry.children
            if named and not any(c.child_id in tagged for c in named):
                for child in named:
                    found.setdefault(child.child_id, child)
        return list(found.values())

    def mentions(self, text: str) -> Iterator[Mention]:
        """Every mention of a name of the setting in `text` (composed to NFC first), in order."""
        text = _nfc(text)
        found = words(text)
        names, starts = self._single.forms, self._starts
        at, last_end = 0, 0
        while at < len(found):
            key = found[at].key
            # Most words name nobody: one look-up or two decide that before any other work.
            if not (key in names or key in starts or "'" in key or (key[-1] == "s" and key[:-1] in names)):
                at += 1
                continue
            mention, after = self._at(text, found, at)
            if mention is None:
                at += 1
                continue
            if mention.start < last_end:  # a title already read as a name of its own
                mention = replace(mention, start=last_end)
            yield mention
            at, last_end = after, mention.end

    def _at(self, text: str, found: list[Word], at: int) -> tuple[Mention | None, int]:
        word = found[at]
        if word.key in self._starts:
            for count in range(min(self._longest, len(found) - at), 1, -1):
                mention = self._sequence(text, found, at, count)
                if mention is not None:
                    return self._titled(text, found, at, mention), at + count
        return self._word(text, found, at), at + 1

    def _sequence(self, text: str, found: list[Word], at: int, count: int) -> Mention | None:
        span = found[at : at + count]
        keys = tuple(w.key for w in span)
        suffix = ""
        entry = self._sequences.get(keys)
        if entry is None and (stem := possessive(span[-1])) is not None:
            keys, suffix = (*keys[:-1], stem[0]), stem[1]
            entry = self._sequences.get(keys)
        if entry is None:
            return None
        if any(len(w.key) == 1 and w.key.isalpha() and not w.written.isupper() for w in span):
            return None  # an initial is written as a capital: "a smith" is not "A. Smith"
        if entry.ordinary and not all(w.capitalised for w in span):
            return None  # "will brown" in lower case is two ordinary words
        gaps = [text[a.end : b.start] for a, b in itertools.pairwise(span)]
        start, end = span[0].start, span[-1].end
        stop = len(span[-1].key) == 1 and text[end : end + 1] == "."
        end += stop  # "A.J." is one mention with its last full stop
        if not all(soft_gap(gap, w) for gap, w in zip(gaps, span, strict=False)):
            shape = self._shape(text, keys, span, gaps)
            if shape is None:
                return None
            start, end = start - len(shape.prefix), end + (0 if suffix or stop else len(shape.suffix))
        return Mention(start, end, entry, suffix, stop)

    def _shape(self, text: str, keys: tuple[str, ...], span: list[Word], gaps: list[str]) -> _Shape | None:
        """The punctuation of a name of the setting that the written words have, if any."""
        start, end = span[0].start, span[-1].end
        written = [(" ".join(gap.split()), gap, word) for gap, word in zip(gaps, span, strict=False)]
        for shape in self._shapes.get(keys, ()):
            if all(g == s or soft_gap(raw, w) for (g, raw, w), s in zip(written, shape.gaps, strict=True)):
                prefix_ok = text[max(0, start - len(shape.prefix)) : start] == shape.prefix
                suffix_ok = text[end : end + len(shape.suffix)] == shape.suffix
                if prefix_ok and suffix_ok:
                    return shape
        return None

    def _word(self, text: str, found: list[Word], at: int) -> Mention | None:
        word = found[at]
        suffix, end = "", word.end
        entry = self._single.get(word.key)
        if entry is None and (stem := possessive(word)) is not None:
            entry, suffix = self._single.get(stem[0]), stem[1]
        plural = False
        if entry is None and word.key.endswith("s") and (entry := self._plural.get(word.key[:-1])):
            plural = True
            if apostrophe := apostrophe_after(text, word):
                suffix, end = apostrophe + "s", end + 1
        if entry is None:
            return None
        if entry.ordinary and not stands_as_name(text, found, at, at, surname=entry.surname):
            return None
        return self._titled(text, found, at, Mention(word.start, end, entry, suffix, plural=plural))

    def _titled(self, text: str, found: list[Word], at: int, mention: Mention) -> Mention:
        """ "Mrs Smith" is one mention: the title alone would say a parent is being named."""
        entry = mention.entry
        if at == 0 or entry.forms[0].kind is Kind.GIVEN or found[at - 1].key not in _TITLES:
            return mention
        if text[found[at - 1].end : found[at].start].strip() not in ("", "."):
            return mention
        # "Mrs Smith" is an adult: read it as the parent when a parent has that name.
        if entry.child_forms and len(entry.child_forms) < len(entry.forms):
            parents = [f for f in entry.forms if self._people[f.person].child is None]
            entry = self._entry(parents, entry.ordinary) or entry
        return replace(mention, start=found[at - 1].start, entry=entry)


class NameMatcher:
    """What one parent may read of the setting's names. Immutable; reuse it for every text of a
    request."""

    __slots__ = ("_names", "_own", "_policy")

    def __init__(
        self, names: SettingNames, own_child_ids: frozenset[str], policy: OtherChildren, reader_id: str | None
    ) -> None:
        self._names = names
        self._policy = policy
        self._own = frozenset(
            i
            for i, p in enumerate(names._people)
            if p.person_id == reader_id or not p.family.isdisjoint(own_child_ids)
        )

    def text(self, text: str) -> str:
        """The text with every other child's and other family's parent's name replaced."""
        text = _nfc(text)
        out: list[str] = []
        at = 0
        for mention in self._names.mentions(text):
            if not mention.entry.people.isdisjoint(self._own):
                continue
            shown = self._shown(text, mention)
            out += [text[at : mention.start], shown]
            at = mention.end
            if not shown:  # "The Smith twins" -> "The twins": one space goes with the name
                at += len(text[at:]) - len(text[at:].lstrip(" \t"))
            elif shown.endswith(".") and text.startswith(".", at):
                at += 1  # "and Oliver." -> "and O. S.": the initials' stop ends the sentence
        out.append(text[at:])
        return "".join(out)

    def _shown(self, text: str, mention: Mention) -> str:
        forms = mention.entry.child_forms
        shown = _for_children(forms, self._policy) if forms else A_PARENT
        if (
            mention.entry.surname
            and shown in (A_FRIEND, A_PARENT)
            and _THE_BEFORE.search(text, max(0, mention.start - 8), mention.start)
        ):
            return _after_the(text, mention, shown)
        if shown in (A_FRIEND, A_PARENT) and starts_sentence(text, mention.start):
            shown = shown[0].upper() + shown[1:]
        after = text[mention.end :].lstrip()
        ends_sentence = mention.stop and not shown.endswith(".") and (not after or after[0].isupper())
        return shown + mention.suffix + ("." if ends_sentence else "")


def _after_the(text: str, mention: Mention, shown: str) -> str:
    """A surname alone after "the" reads as a family or a noun's label, not as "the a friend":
    "the Smiths" -> "the friends", "the Smiths' car" -> "the friends' car", "the Smith's coat" ->
    "the friend's coat", "The Smith twins" -> "The twins" (the name goes, the noun stays)."""
    noun = shown.removeprefix("a ")
    if mention.plural:
        return noun + "s" + mention.suffix[:-1]
    if mention.suffix or not _WORD_NEXT.match(text, mention.end):
        return noun + mention.suffix
    return ""


def _for_children(forms: Sequence[_Form], policy: OtherChildren) -> str:
    kind = forms[0].kind
    if policy is OtherChildren.INITIALS:
        shown = {f.initials for f in forms}
        if len(shown) == 1:
            return shown.pop()
        first = {s[:2] for s in shown}
        # Two other children called Mia with different initials: "M." names neither wrongly.
        return first.pop() if len(first) == 1 and kind is not Kind.SURNAME else A_FRIEND
    return A_FRIEND


@lru_cache(maxsize=65536)
def _split(name: str) -> tuple[tuple[str, ...], _Shape | None]:
    """A name's word keys, and its punctuation when that is more than spaces and hyphens."""
    name = _nfc(" ".join(name.split()))
    if _PLAIN_NAME.fullmatch(name):
        return tuple(fold(part) for part in _PLAIN_PARTS.split(name)), None
    found = words(name)
    keys = tuple(w.key for w in found)
    if not found:
        return keys, None
    gaps = tuple(name[a.end : b.start] for a, b in itertools.pairwise(found))
    prefix, suffix = name[: found[0].start], name[found[-1].end :]
    if not prefix and not suffix and all(soft_gap(g, w) for g, w in zip(gaps, found, strict=False)):
        return keys, None
    return keys, _Shape(prefix, tuple(" ".join(g.split()) for g in gaps), suffix)


@lru_cache(maxsize=65536)
def _initials(first: str, last: str) -> str:
    letters = [part[0].upper() for part in (first.strip(), last.strip()) if part]
    return " ".join(f"{letter}." for letter in letters)


@lru_cache(maxsize=65536)
def _alone(key: str) -> bool:
    """Whether one word of a name stands alone as a name: not "A" of "A.J.", nor "Le" of "Le Roux"."""
    return len(key) > 1 and key not in PARTICLES and not key.isdigit()


@lru_cache(maxsize=65536)
def _initial(given: str) -> str:
    found = words(_nfc(given))
    return found[0].written[0] if found else ""


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
