"""How failed sign-ins slow an attacker down (S10, S11). Pure rules, no I/O."""

from __future__ import annotations

# S10: from the 5th consecutive failure, wait 1 s, doubling to at most 15 minutes;
# at 100 consecutive failures only a reset link lets the account sign in again.
THROTTLE_FROM = 5
MAX_WAIT_SECONDS = 15 * 60
LOCK_AT = 100

# S11: a PIN challenge dies after 3 wrong PINs; 10 in a row lock the PIN until a reset.
CHALLENGE_PIN_TRIES = 3
PIN_LOCK_AT = 10
CHALLENGE_SECONDS = 5 * 60

# S12: at most 3 reset mails per account per hour.
RESET_MAILS_PER_HOUR = 3


def wait_after(failures: int) -> int:
    """Seconds to wait after this many consecutive failures (0: no wait yet)."""
    if failures < THROTTLE_FROM:
        return 0
    return int(min(2 ** (failures - THROTTLE_FROM), MAX_WAIT_SECONDS))
