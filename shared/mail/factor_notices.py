"""Security notices about strong sign-in factors (S36), written like the passkey notices: what
happened, when, from what device, and how to sign out everywhere.

None of them carries a secret, a code or a link token.
"""

from __future__ import annotations

from datetime import datetime

from shared.mail.message import Mail
from shared.mail.templates import _EVERYWHERE, _Action, _compose, _Para, _tidy, _uk_time

_YOU = _Para("If this was you, there is nothing you need to do.")


def _values(name: str, setting_name: str, device: str, when: datetime) -> dict[str, str]:
    return {
        "name": name,
        "setting": setting_name,
        "device": _tidy(device) or "an unknown device",
        "when": _uk_time(when),
    }


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
