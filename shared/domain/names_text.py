"""How text is cut into words and how a written word is compared with a name: pure, no I/O.

A word is a run of letters or digits, with apostrophes inside it ("O'Brien", "Oliver's"). Words are
compared by a key: Unicode-composed, case-folded, apostrophes made straight and diacritics dropped,
including the letters Unicode does not decompose ("Ł" -> "l", "ø" -> "o", "ß" -> "ss"), so "Zoë",
"ZOE" and "Zoe\u0308" share one key, as do "Łukasz" and "Lukasz".

Names that are also ordinary words ("Will", "May", "Summer", "Grace", "Rose", "Bill", "Stone"...)
are listed in ORDINARY_WORDS. Such a word is read as a name only where it stands as one:
  - it is written with a capital ("We will go outside" keeps "will", "a brown bear" keeps
    "brown"); for a surname alone that is enough ("the Stone twins" names a family); and, for a
    first name, also:
  - the word before it is not one that introduces a common noun or a date ("In May we planted",
    "the Rose garden", "last Summer"), nor a number ("5 May"), and
  - the word after it is not a subject pronoun or a number, as in a question or a date
    ("Will you help?", "May I go?", "May 5th").
Everywhere else, a capitalised ordinary word is read as a name, sentence-initial included:
"May painted" and "Will built a den." are redacted, and so is "Rose petals fell." When a reading is
in doubt the rule leans to hiding the name: privacy outweighs the prose.
A full name counts in any case and position unless all its words are ordinary ones, which then
need their capitals ("Will Brown" is a name, "we will brown the onions" is not); any other name
("Oliver", "mia") is a name in any case and position.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_APOSTROPHES = "'\u2019"
# Letters that NFKD leaves whole but a parent (or a keyboard) writes without the mark.
_PLAIN = str.maketrans(
    {
        "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ħ": "h", "Ħ": "h",
        "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th",
        "ð": "d", "Ð": "d", "\u0131": "i", "\u2019": "'",
    }
)  # fmt: skip


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


ORDINARY_WORDS = _wordset(
    """
    will may june april august summer autumn winter spring grace rose bill hope joy faith daisy lily
    ruby amber jade pearl violet iris holly ivy poppy hazel heather willow angel sky river storm
    sunny honey dawn eve sandy frank miles chase drew guy ray rob art carol penny robin wren lark
    dot rusty cliff dale glen heath lane brook marsh jack mark pat sue bob max bay reed rowan sage
    basil clay forest sonny star hunter mason taylor cook baker brown green white black grey
    gray hill wood woods stone bell page hall king young long rich field fields moss bush rivers
    lake waters north south west east day knight price bird fox wolf lamb ash birch oak summers
    booth cotton crane dean fisher gardener marshall mercy noble parker porter sharp short small
    snow sweet swift ward welch wells banks bishop brooks butler carpenter castle church miller
    sterling tanner turner walker weaver
    """
)

# Before an ordinary word, these make it a common noun, a month or a season, not a name.
_COMMON_BEFORE = _wordset(
    """
    in on of the a an this that these those last next every each early late mid since until till
    during my your our their its some any no one what which whose
    """
)
# After an ordinary word, these make it a verb in a question ("Will you", "May I").
_PRONOUNS_AFTER = _wordset("i you we he she they it there")
# Name parts too small or too common to stand alone as a name: "Le" of "Le Roux", "A" of "A.J.".
PARTICLES = _wordset("de da di du del della der den des la le van von ter st ste mc mac al el bin bt")


class Word(NamedTuple):
    """One word of a text: where it is, as written, and its key."""

    start: int
    end: int
    written: str
    key: str

    @property
    def capitalised(self) -> bool:
        return self.written[:1].isupper()


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """The key a written word is compared by: no case, no diacritics, straight apostrophes."""
    if word.isascii():
        return word.lower()
    plain = unicodedata.normalize("NFKD", word.translate(_PLAIN))
    return "".join(c for c in plain if not unicodedata.combining(c)).translate(_PLAIN).casefold()


def words(text: str) -> list[Word]:
    """The words of a text, in order, with their keys."""
    return [Word(m.start(), m.end(), m.group(), fold(m.group())) for m in _WORD.finditer(text)]


def name_keys(name: str) -> tuple[str, ...]:
    """A name as the keys of its words: "Mary-Jane O'Brien" -> ("mary", "jane", "o'brien")."""
    return tuple(fold(m.group()) for m in _WORD.finditer(unicodedata.normalize("NFC", name)))


def soft_gap(gap: str, before: Word) -> bool:
    """Whether the text between two words may join them into one name: spaces of any kind, line
    breaks and hyphens; a full stop only after an initial ("O. Smith")."""
    stripped = gap.strip()
    if not stripped:
        return True
    if len(before.key) == 1 and stripped in (".", ".-"):
        return True
    return stripped in ("-", "\u2010", "\u2011")


def stands_as_name(text: str, all_words: list[Word], at: int, last: int, *, surname: bool) -> bool:
    """Whether the ordinary word(s) all_words[at..last] stand where a name stands (module rule).
    A surname needs only its capital: "the Browns" and "the Stone twins" name a family."""
    first = all_words[at]
    if not first.capitalised:
        return False
    if surname:
        return True
    if at > 0 and _same_sentence(text, all_words[at - 1], first):
        previous = all_words[at - 1].key
        if previous in _COMMON_BEFORE or previous.isdigit():
            return False
    if last + 1 < len(all_words) and _same_sentence(text, all_words[last], all_words[last + 1]):
        following = all_words[last + 1].key
        if following in _PRONOUNS_AFTER or following[:1].isdigit():
            return False
    return True


def _same_sentence(text: str, left: Word, right: Word) -> bool:
    gap = text[left.end : right.start]
    return not any(c in ".!?;:\n" for c in gap)


def starts_sentence(text: str, at: int) -> bool:
    """Whether position `at` begins the text or a sentence."""
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?\n"


def possessive(word: Word) -> tuple[str, str] | None:
    """ "Oliver's" -> ("oliver", "'s") as written; None for a word that is not a possessive."""
    if len(word.key) > 2 and word.key.endswith("'s"):
        return word.key[:-2], word.written[-2:]
    return None


def apostrophe_after(text: str, word: Word) -> str:
    """The apostrophe right after a word ("Smiths'"), or ""."""
    return text[word.end] if word.end < len(text) and text[word.end] in _APOSTROPHES else ""
