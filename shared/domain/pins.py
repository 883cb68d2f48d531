"""PIN policy (docs/security.md S4): which PINs are refused, and why."""

from __future__ import annotations

import itertools

from shared.domain.errors import InvalidInput

PIN_MIN_LENGTH = 6
PIN_MAX_LENGTH = 8

ADVICE = (
    "Pick 6 to 8 digits that don't follow a pattern, and avoid birthdays and PINs you use elsewhere, "
    "such as your bank card's."
)

# The 100 most common 6-digit PINs, compiled from published analyses of 6-digit numbers found in leaked
# passwords (the method of Wang et al., "Understanding Human-Chosen PINs: Characteristics, Distribution
# and Security", ASIA CCS 2017):
# - the top ten of Markert et al., "This PIN Can Be Easily Guessed" (IEEE S&P 2020), from RockYou:
#   123456 654321 111111 000000 123123 666666 121212 112233 789456 159753;
# - the repeated digits, pairs and triples that lead every such list (DataGenetics' analysis of 4-digit
#   PINs shows the same shapes), and the patterns Wang et al. describe among Chinese users: love numbers
#   built from 520 ("I love you") and 1314 ("for life"), lucky 168 and 888;
# - then, in rank order, the most frequent 6-digit entries of the zxcvbn "passwords" list (Mark Burnett's
#   10 million passwords), which include keypad shapes (147258, 159357, 741852) and dates (150781).
# Repeats and straight runs are also refused by their own rules; they are kept here because they are
# among the most common. Order and membership beyond the published top ten are approximate.
COMMON_PINS: frozenset[str] = frozenset(
    {
        # Published top ten.
        "123456", "654321", "111111", "000000", "123123", "666666", "121212", "112233", "789456", "159753",
        # One digit repeated, and the other straight run.
        "222222", "333333", "444444", "555555", "777777", "888888", "999999", "987654",
        # Repeated pairs.
        "101010", "131313", "202020", "212121", "232323", "696969",
        # Repeated triples.
        "007007", "100100", "110110", "147147", "159159", "168168",
        "321321", "420420", "456456", "520520", "789789", "911911",
        # Love numbers.
        "201314", "520131",
        # Most frequent 6-digit passwords in the zxcvbn list, in rank order.
        "123321", "123654", "159357", "102030", "315475", "111222", "147258", "010203", "147852", "123789",
        "852456", "159951", "134679", "124578", "135790", "142536", "741852", "456123", "666999", "246810",
        "753951", "314159", "321654", "141627", "951753", "112358", "555666", "121314", "456852", "123098",
        "258456", "102938", "123987", "445566", "987456", "456654", "753159", "223344", "906090", "789654",
        "666777", "123457", "132435", "963852", "000007", "362436", "128500", "789123", "321123", "100000",
        "150781", "222333", "321456", "332211", "420247", "162534", "456321", "000001", "789987", "135246",
        "122333", "200000",
    }
)  # fmt: skip


def check_pin(pin: str) -> None:
    """Return if the PIN may be used; otherwise raise InvalidInput naming every rule it breaks."""
    problems = _pin_problems(pin)
    if problems:
        raise InvalidInput(" ".join(["Please choose a different PIN.", *problems, ADVICE]), field="pin")


def _pin_problems(pin: str) -> list[str]:
    problems = []
    if len(pin) < PIN_MIN_LENGTH:
        problems.append(f"It is too short: a PIN has {PIN_MIN_LENGTH} to {PIN_MAX_LENGTH} digits.")
    elif len(pin) > PIN_MAX_LENGTH:
        problems.append(f"It is too long: a PIN has {PIN_MIN_LENGTH} to {PIN_MAX_LENGTH} digits.")
    # str.isdigit alone accepts Arabic-Indic, full-width and superscript digits.
    if not (pin.isascii() and pin.isdigit()):
        problems.append("It may only contain the digits 0 to 9.")
    if problems:
        return problems

    if len(set(pin)) == 1:
        problems.append("It repeats one digit, like 000000.")
    elif _is_straight_run(pin):
        problems.append("It is a straight run of digits, like 123456 or 987654.")
    if pin in COMMON_PINS:
        problems.append("It is one of the 100 most commonly used PINs.")
    return problems


def _is_straight_run(pin: str) -> bool:
    """Whether each digit is one more, or each one less, than the digit before (0 follows 9)."""
    steps = {(int(after) - int(before)) % 10 for before, after in itertools.pairwise(pin)}
    return steps in ({1}, {9})
