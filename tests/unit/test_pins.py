"""The PIN rules a user meets when choosing a PIN (S4)."""

from __future__ import annotations

import pytest

from shared.domain.errors import InvalidInput
from shared.domain.pins import COMMON_PINS, check_pin

TOO_SHORT = "It is too short: a PIN has 6 to 8 digits."
TOO_LONG = "It is too long: a PIN has 6 to 8 digits."
NOT_DIGITS = "It may only contain the digits 0 to 9."
REPEATED = "It repeats one digit, like 000000."
RUN = "It is a straight run of digits, like 123456 or 987654."
COMMON = "It is one of the 100 most commonly used PINs."
ADVICE = (
    "Pick 6 to 8 digits that don't follow a pattern, and avoid birthdays and PINs you use elsewhere, "
    "such as your bank card's."
)


def refusal(pin: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        check_pin(pin)
    assert caught.value.field == "pin"
    assert caught.value.code == "invalid_input"
    message = caught.value.message
    assert message.startswith("Please choose a different PIN. ")
    assert message.endswith(ADVICE)
    return message


@pytest.mark.parametrize("pin", ["830519", "4072915", "29170463"])
def test_s4_six_to_eight_unpatterned_digits_are_accepted(pin: str) -> None:
    check_pin(pin)


@pytest.mark.parametrize("pin", ["", "8305", "83051"])
def test_s4_fewer_than_six_digits_are_refused(pin: str) -> None:
    assert TOO_SHORT in refusal(pin)


def test_s4_more_than_eight_digits_are_refused() -> None:
    assert TOO_LONG in refusal("830519274")


def test_s4_a_huge_pin_is_refused_on_length() -> None:
    assert TOO_LONG in refusal("8" * 10_000_000)


@pytest.mark.parametrize("digit", "0123456789")
def test_s4_repeated_digits_are_refused(digit: str) -> None:
    for length in (6, 7, 8):
        assert REPEATED in refusal(digit * length)


@pytest.mark.parametrize(
    "pin",
    [
        "123456", "234567", "456789", "567890", "890123",
        "1234567", "3456789", "01234567", "12345678", "34567890",
        "987654", "654321", "543210", "210987",
        "9876543", "6543210", "98765432", "09876543", "87654321",
    ],
)  # fmt: skip
def test_s4_straight_runs_are_refused(pin: str) -> None:
    assert RUN in refusal(pin)


@pytest.mark.parametrize("pin", ["124567", "135791", "1234576", "98765423"])
def test_s4_almost_runs_are_not_called_runs(pin: str) -> None:
    try:
        check_pin(pin)
    except InvalidInput as error:
        assert RUN not in error.message


@pytest.mark.parametrize(
    "pin",
    ["121212", "123123", "112233", "654321", "696969", "159753", "147258", "520520", "131313", "789456"],
)
def test_s4_common_pins_are_refused(pin: str) -> None:
    assert COMMON in refusal(pin)


def test_s4_every_common_pin_is_refused() -> None:
    for pin in COMMON_PINS:
        assert COMMON in refusal(pin), pin


def test_s4_the_common_pin_list_has_100_six_digit_entries() -> None:
    assert len(COMMON_PINS) == 100
    assert all(len(pin) == 6 and pin.isascii() and pin.isdigit() for pin in COMMON_PINS)


@pytest.mark.parametrize(
    "pin",
    [
        "\u0668\u0663\u0660\u0665\u0661\u0669",  # Arabic-Indic 830519
        "\u06f8\u06f3\u06f0\u06f5\u06f1\u06f9",  # Extended Arabic-Indic
        "\uff18\uff13\uff10\uff15\uff11\uff19",  # full-width
        "\u0968\u0967\u096f\u0967\u096d\u0966",  # Devanagari
        "83051\u00b9",  # superscript one
    ],
)
def test_s4_non_ascii_digits_are_refused(pin: str) -> None:
    assert refusal(pin) == f"Please choose a different PIN. {NOT_DIGITS} {ADVICE}"


@pytest.mark.parametrize("pin", ["83 0519", "830519 ", "-830519", "8305l9", "83051a"])
def test_s4_anything_but_digits_is_refused(pin: str) -> None:
    assert NOT_DIGITS in refusal(pin)


def test_s4_all_failures_are_reported_together() -> None:
    assert refusal("123") == f"Please choose a different PIN. {TOO_SHORT} {ADVICE}"
    assert refusal("12a") == f"Please choose a different PIN. {TOO_SHORT} {NOT_DIGITS} {ADVICE}"
    assert refusal("000000") == f"Please choose a different PIN. {REPEATED} {COMMON} {ADVICE}"
    assert refusal("654321") == f"Please choose a different PIN. {RUN} {COMMON} {ADVICE}"


def test_s4_messages_never_repeat_the_pin() -> None:
    for pin in ("830519274", "121212", "34567890"):
        assert pin not in refusal(pin)
