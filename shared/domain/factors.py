"""Which strong sign-in factors an account has, and the rules that follow from them (S31-S35).

A strong factor is one that is not something the user knows: an authenticator app (S32) or a
passkey (S31). Password and PIN are always there; a strong factor comes on top of them.
The passkey side keeps its part in `Factors.passkeys` (credential ids); everything here asks that
list, so passkeys count as soon as they are stored there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

# S32: 5 wrong codes end one sign-in attempt, 10 in a row lock the factor until a reset link.
CODE_TRIES_PER_CHALLENGE = 5
CODE_LOCK_AT = 10
# S33
RECOVERY_CODE_COUNT = 10
# S34: a manager-approved reset waits this long after the owner is told, so the owner can stop it.
SIGN_IN_RESET_WAIT = timedelta(hours=24)


class Method(StrEnum):
    """A way to prove who you are, strongest first (S35: step-up asks for the strongest one)."""

    PASSKEY = "passkey"
    AUTHENTICATOR = "authenticator"
    PASSWORD = "password"  # noqa: S105 (a method name, not a secret)


@dataclass(repr=False)
class Authenticator:
    """An authenticator app: its secret sealed with a key outside Table Storage, and its counters."""

    sealed_secret: str  # "{key version}${nonce and ciphertext}", see shared.security.sealing
    added_at: datetime
    confirmed: bool = False  # enrolment is finished by one valid code (S32)
    last_step: int = -1  # the newest 30-second step accepted: that code and older ones are spent


@dataclass(frozen=True, repr=False)
class SignInReset:
    """A manager's approval to take away someone's strong factors ("lost my phone", S34): it
    takes effect 24 hours after the owner was told, at their next sign-in, unless cancelled."""

    asked_at: datetime
    asked_by: str  # the manager's user id
    asked_by_name: str

    @property
    def takes_effect_at(self) -> datetime:
        return self.asked_at + SIGN_IN_RESET_WAIT


@dataclass(repr=False)
class Factors:
    """An account's strong factors and recovery codes. Stored with the account, so every change
    to them races on the account's ETag like the S10 counters."""

    authenticator: Authenticator | None = None
    # Peppered hashes of the unused recovery codes (S33); a used code's hash is removed.
    recovery_codes: list[str] = field(default_factory=list)
    # Extension point for passkeys (S31): the ids of the account's registered credentials.
    passkeys: list[str] = field(default_factory=list)
    # When this account was first told it must enrol (S34): its grace runs from here. Never
    # cleared, so removing a factor cannot buy a new grace.
    enrol_asked_at: datetime | None = None
    # Wrong authenticator or recovery codes: in a row (10 lock codes until a reset link, S32)
    # and on the current sign-in attempt (5 end it).
    code_failures: int = 0
    code_tries: int = 0
    reset: SignInReset | None = None

    @property
    def codes_locked(self) -> bool:
        return self.code_failures >= CODE_LOCK_AT

    @property
    def has_authenticator(self) -> bool:
        return self.authenticator is not None and self.authenticator.confirmed

    @property
    def pending_authenticator(self) -> Authenticator | None:
        """An enrolment begun and not yet confirmed by a code."""
        if self.authenticator is not None and not self.authenticator.confirmed:
            return self.authenticator
        return None

    @property
    def strong(self) -> bool:
        """Whether the account has any strong factor (S34)."""
        return self.has_authenticator or bool(self.passkeys)

    def methods(self) -> list[Method]:
        """Every method the account can prove itself with, strongest first."""
        found = [Method.PASSKEY] if self.passkeys else []
        if self.has_authenticator:
            found.append(Method.AUTHENTICATOR)
        return [*found, Method.PASSWORD]

    def strongest(self) -> Method:
        """S35: the method a step-up asks for."""
        return self.methods()[0]

    def reset_due(self, now: datetime) -> bool:
        return self.reset is not None and now >= self.reset.takes_effect_at

    def take_away(self) -> None:
        """A due reset: every strong factor and recovery code goes; the enrolment grace does not
        restart (S34), so a setting that requires strong sign-in asks for a new one at once."""
        self.authenticator = None
        self.recovery_codes = []
        self.passkeys = []
        self.reset = None
        self.unlock()

    def unlock(self) -> None:
        """A used reset link lifts the code lock (S32); it never removes a factor."""
        self.code_failures = 0
        self.code_tries = 0
