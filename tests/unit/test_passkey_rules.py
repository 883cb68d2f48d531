"""The pure rules about passkeys (S31): counters, user handles, names."""

from __future__ import annotations

import pytest

from shared.domain.errors import InvalidInput
from shared.domain.passkeys import clean_passkey_name, counter_regressed, read_user_handle, user_handle


@pytest.mark.parametrize(("stored", "reported"), [(0, 0), (0, 1), (5, 6), (2**32 - 2, 2**32 - 1)])
def test_s31_a_counter_that_moves_on_or_is_never_kept_is_fine(stored: int, reported: int) -> None:
    assert not counter_regressed(stored, reported)


@pytest.mark.parametrize(("stored", "reported"), [(5, 5), (5, 3), (5, 0), (1, 0)])
def test_s31_a_counter_that_stands_still_or_goes_backwards_is_a_copied_key(
    stored: int, reported: int
) -> None:
    assert counter_regressed(stored, reported)


def test_a_user_handle_names_the_setting_and_user_and_nothing_else_reads_as_one() -> None:
    assert read_user_handle(user_handle("little-acorns", "u1f2")) == ("little-acorns", "u1f2")
    for forged in (
        b"",
        b"no-separator",
        b"a~b~c",
        b"~u1",
        b"s~",
        "s~\u00e9".encode(),
        b"\xff~u",
        b"s~" + b"u" * 80,
    ):
        assert read_user_handle(forged) is None


def test_a_passkey_name_is_trimmed_bounded_and_defaults_to_the_device() -> None:
    assert clean_passkey_name("  Kitchen   laptop ", "Chrome on Linux") == "Kitchen laptop"
    assert clean_passkey_name("", "Chrome on Linux") == "Chrome on Linux"
    assert clean_passkey_name(None, "Chrome on Linux") == "Chrome on Linux"
    with pytest.raises(InvalidInput):
        clean_passkey_name("x" * 61, "Chrome")
    with pytest.raises(InvalidInput):
        clean_passkey_name(42, "Chrome")
