"""Who uses the journal: accounts, their roles and the state of their sign-in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shared.domain.addresses import is_plain_address
from shared.domain.children import ParentLink
from shared.domain.errors import InvalidInput
from shared.domain.factors import Factors


class Role(StrEnum):
    MANAGER = "manager"
    PRACTITIONER = "practitioner"
    PARENT = "parent"

    @property
    def is_staff(self) -> bool:
        return self is not Role.PARENT


class Status(StrEnum):
    INVITED = "invited"  # activation link sent, no password yet
    ACTIVE = "active"
    DEACTIVATED = "deactivated"  # a leaver: cannot sign in, record kept until its retention ends


class LinkKind(StrEnum):
    ACTIVATION = "activation"
    RESET = "reset"


@dataclass(repr=False)
class EmailChange:
    """A requested new address, waiting to be confirmed from that address (S38).

    Only SHA-256 digests of the confirm and object link nonces are kept (S8, S39); the links
    themselves are minted by the mail worker and exist only in the mails it sends.
    """

    new_email: str
    requested_by: str
    requested_at: datetime
    epoch: int  # the account's link epoch when requested: older mail instructions are stale
    confirm_digest: str | None = None
    confirm_expires: datetime | None = None
    object_digest: str | None = None
    object_expires: datetime | None = None
    wrong_passwords: int = 0  # at the confirm step; too many cancels the change


@dataclass(repr=False)
class Account:
    """One person's account in one setting, including the state that guards their sign-in."""

    setting_id: str
    user_id: str
    email: str
    name: str
    role: Role
    status: Status
    created_at: datetime
    password_hash: str | None = None
    pin_hash: str | None = None
    failed_logins: int = 0
    throttled_until: datetime | None = None
    failed_pins: int = 0
    pin_locked: bool = False
    # PIN challenges are signed tokens naming the epoch they were issued in; only the current
    # epoch's are live. Moving it on voids every outstanding challenge (S11) without the password
    # step having to write anything.
    challenge_epoch: int = 0
    challenge_failures: int = 0  # wrong PINs in this epoch
    link_kind: LinkKind | None = None
    link_digest: str | None = None
    link_expires: datetime | None = None
    # Every link mail asked for takes the next epoch; a queued mail instruction names its epoch
    # and is dropped unless it is still the one armed (link_armed, or email_change.epoch).
    link_epoch: int = 0
    link_armed: int = 0
    email_change: EmailChange | None = None
    reset_mails: list[datetime] = field(default_factory=list)
    deactivated_at: datetime | None = None  # starts the retention clock of a leaver's record
    # S10: the owner's known browsers (device cookies), each with its own failure counter, so a
    # flood of anonymous guesses cannot lock them out. Only the most recent few are kept.
    devices: list[KnownDevice] = field(default_factory=list)
    factors: Factors = field(default_factory=Factors)  # strong sign-in (S31-S34)
    etag: str | None = None
    # The name as last read from or written to the store (None: never stored), so the store can
    # tell a rename, which must also change the setting's names (S37), from any other save.
    stored_name: str | None = field(default=None, compare=False, repr=False)

    def attempts(self, device: str | None) -> tuple[int, datetime | None]:
        """The consecutive failures and the wait of one counter: a known device's, or anonymous."""
        known = self.known_device(device)
        if known is not None:
            return known.failures, known.until
        return self.failed_logins, self.throttled_until

    def record_attempts(self, device: str | None, failures: int, until: datetime | None) -> None:
        known = self.known_device(device)
        if known is not None:
            known.failures, known.until = failures, until
        else:
            self.failed_logins, self.throttled_until = failures, until

    def known_device(self, device: str | None) -> KnownDevice | None:
        return next((d for d in self.devices if device and d.device_id == device), None)

    def remember_device(self, device: str, now: datetime, keep: int) -> None:
        """Mark `device` as one of the owner's browsers, seen now; keep only the `keep` most recent."""
        known = self.known_device(device) or KnownDevice(device)
        known.seen_at = now
        others = [d for d in self.devices if d.device_id != device]
        self.devices = sorted([known, *others], key=lambda d: d.seen_at or now, reverse=True)[:keep]

    @property
    def can_sign_in(self) -> bool:
        return self.status is Status.ACTIVE and self.password_hash is not None

    def void_links(self) -> None:
        """Forget any outstanding activation or reset link (S13)."""
        self.link_kind = self.link_digest = self.link_expires = None

    def arm_link(self, kind: LinkKind) -> int:
        """Void older links and arm one of `kind`; its token is minted when its mail is sent (S39)."""
        self.void_links()
        self.link_kind = kind
        self.link_epoch += 1
        self.link_armed = self.link_epoch
        return self.link_armed

    def next_link_epoch(self) -> int:
        self.link_epoch += 1
        return self.link_epoch

    def deactivate(self, now: datetime) -> None:
        """Stop this account signing in; `now` starts the retention clock of a leaver's record."""
        self.status = Status.DEACTIVATED
        self.deactivated_at = now
        self.void_links()  # S13: an outstanding activation or reset link dies with the account
        self.void_challenges()

    def void_challenges(self) -> None:
        """End every PIN challenge handed out so far (used, failed three times, reset, deactivated)."""
        self.challenge_epoch += 1
        self.challenge_failures = 0


@dataclass(repr=False)
class KnownDevice:
    """A browser that completed sign-in for the account and holds its device cookie (S10)."""

    device_id: str
    failures: int = 0
    until: datetime | None = None
    seen_at: datetime | None = None
    # S36: what the owner sees in My account ("Chrome on Android"), and when it first signed in.
    label: str = ""
    first_seen_at: datetime | None = None


@dataclass(repr=False)
class SignInProbe:
    """Failed attempts on an address with no live account, kept so it answers exactly as a live
    one would (S9, S10). Keyed by a keyed hash of the address, never the address itself."""

    setting_id: str
    digest: str
    failures: int = 0
    until: datetime | None = None
    expires_at: datetime | None = None
    etag: str | None = None

    def attempts(self, device: str | None) -> tuple[int, datetime | None]:
        return self.failures, self.until

    def record_attempts(self, device: str | None, failures: int, until: datetime | None) -> None:
        self.failures, self.until = failures, until


@dataclass(frozen=True, repr=False)
class Session:
    """A signed-in browser. Only the SHA-256 of its secret id is stored (S16)."""

    setting_id: str
    user_id: str
    digest: str
    started_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    device: str
    stepped_up_at: datetime | None = None  # S35: the last fresh verification on this session

    @property
    def public_id(self) -> str:
        """What the user sees and can end; a prefix of the digest reveals nothing of the secret."""
        return self.digest[:16]


@dataclass(frozen=True, repr=False)
class Principal:
    """Who is making a request, as read from storage for this request (S24)."""

    setting_id: str
    user_id: str
    name: str
    email: str
    role: Role
    session_digest: str
    idle_expires_at: datetime
    absolute_expires_at: datetime
    # A parent's links, read in the same query as the session (S24: per request, like the role).
    # None when this principal was not built by a session check: they are then read when needed.
    links: tuple[ParentLink, ...] | None = None
    stepped_up_at: datetime | None = None  # S35: read with the session, like the role


def normalise_email(raw: object, *, field_name: str = "email") -> str:
    """An e-mail address as we store and compare it: trimmed and lower-case."""
    if not isinstance(raw, str):
        raise InvalidInput("Enter an e-mail address.", field=field_name)
    email = raw.strip().lower()
    if not is_plain_address(email):
        raise InvalidInput("Enter a valid e-mail address, like name@example.com.", field=field_name)
    return email
