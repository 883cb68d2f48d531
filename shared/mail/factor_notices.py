"""Security notices about strong sign-in factors (S36), written like the passkey notices: what
happened, when, from what device, and how to sign out everywhere.

None of them carries a secret, a code or a link token.
"""

from __future__ import annotations

from datetime import datetime

from shared.mail.message import Mail
from shared.mail.templates import _EVERYWHERE, _Action, _compose, _Para, _tidy, _uk_time
from shared.mail.templates import _when_and_where as _values

_YOU = _Para("If this was you, there is nothing you need to do.")


def authenticator_added(to: str, name: str, setting_name: str, device: str, when: datetime) -> Mail:
    return _compose(
        to,
        subject="An authenticator app was added to your {setting} learning journal account",
        values=_values(name, setting_name, device, when),
        blocks=[
            _Para(
                "An authenticator app was set up for your {setting} learning journal account on "
                "{when}, using {device}. From now on, signing in asks for a code from that app."
            ),
            _YOU,
            _Para(_EVERYWHERE),
        ],
    )


def authenticator_removed(to: str, name: str, setting_name: str, device: str, when: datetime) -> Mail:
    return _compose(
        to,
        subject="The authenticator app was removed from your {setting} learning journal account",
        values=_values(name, setting_name, device, when),
        blocks=[
            _Para(
                "The authenticator app was removed from your {setting} learning journal account on "
                "{when}, using {device}, and its recovery codes no longer work."
            ),
            _YOU,
            _Para(_EVERYWHERE),
        ],
    )


def recovery_code_used(to: str, name: str, setting_name: str, left: int, device: str, when: datetime) -> Mail:
    return _compose(
        to,
        subject="A recovery code was used for your {setting} learning journal account",
        values={**_values(name, setting_name, device, when), "left": str(left)},
        blocks=[
            _Para(
                "One of your recovery codes was used on {when}, using {device}, to sign in to your "
                "{setting} learning journal account or to confirm it was you. It cannot be used "
                "again; you have {left} left. You can make a new set in My account."
            ),
            _YOU,
            _Para(_EVERYWHERE),
        ],
    )


def authenticator_locked(
    to: str, name: str, setting_name: str, reset_hint: str, device: str, when: datetime
) -> Mail:
    return _compose(
        to,
        subject="Authenticator codes for your {setting} learning journal account are locked",
        values=_values(name, setting_name, device, when),
        blocks=[
            _Para(
                "Someone entered 10 wrong authenticator codes in a row for your {setting} learning "
                "journal account, after your password and PIN; the last one on {when}, using "
                "{device}. We have locked sign-in with codes."
            ),
            _Para(
                "To unlock it, ask for a password reset email with the link below and use the link "
                "that arrives. Someone may know your password and PIN, so please choose new ones. "
                "If you are signed in anywhere, choose 'Sign out everywhere' in My account."
            ),
            _Action("Ask for a reset link", reset_hint),
        ],
    )


def sign_in_reset_asked(
    to: str, name: str, setting_name: str, manager: str, takes_effect: datetime, when: datetime
) -> Mail:
    """S34: a manager approved taking away the owner's strong sign-in; it waits 24 hours for them."""
    return _compose(
        to,
        subject="A manager asked to reset strong sign-in on your {setting} learning journal account",
        values={
            **_values(name, setting_name, "", when),
            "manager": _tidy(manager),
            "effect": _uk_time(takes_effect),
        },
        blocks=[
            _Para(
                "On {when}, {manager}, a manager at {setting}, asked to reset strong sign-in on your "
                "learning journal account: your passkeys, authenticator app and recovery codes. "
                "Nothing changes before {effect}. After that, the next time you sign in with your "
                "password and PIN you will be asked to set up strong sign-in again."
            ),
            _Para(
                "If you asked for this because you lost your phone or security key, there is "
                "nothing you need to do."
            ),
            _Para(
                "If you did not ask for it, sign in and choose 'Cancel the reset' in My account "
                "before {effect}, and tell your setting. Someone may know your password and PIN: "
                "choose 'Sign out everywhere' in My account and change them."
            ),
        ],
    )


def sign_in_reset_cancelled(to: str, name: str, setting_name: str, by: str, when: datetime) -> Mail:
    return _compose(
        to,
        subject="The reset of strong sign-in on your {setting} learning journal account was cancelled",
        values={**_values(name, setting_name, "", when), "by": _tidy(by)},
        blocks=[
            _Para(
                "On {when}, {by} cancelled the reset of strong sign-in on your {setting} learning "
                "journal account. Your passkeys, authenticator app and recovery codes stay as they were."
            ),
            _YOU,
            _Para(_EVERYWHERE),
        ],
    )


def sign_in_reset_done(to: str, name: str, setting_name: str, device: str, when: datetime) -> Mail:
    return _compose(
        to,
        subject="Strong sign-in on your {setting} learning journal account was reset",
        values=_values(name, setting_name, device, when),
        blocks=[
            _Para(
                "The reset a manager asked for took effect on {when}, when your account signed in "
                "with its password and PIN using {device}. Your old passkeys, authenticator app "
                "and recovery codes no longer work; set up new ones in My account."
            ),
            _YOU,
            _Para(_EVERYWHERE),
        ],
    )
