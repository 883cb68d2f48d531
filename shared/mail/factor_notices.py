"""Security notices about strong sign-in factors (S36), written like the PIN notices.

None of them carries a secret, a code or a link token: only what happened and what to do.
"""

from __future__ import annotations

from shared.mail.message import Mail
from shared.mail.templates import _Action, _compose, _Para

_NOT_YOU = _Para(
    "If this was not you, someone may know your password and PIN: please ask for a password reset "
    "from the sign-in page straight away and let {setting} know."
)


def authenticator_added(to: str, name: str, setting_name: str) -> Mail:
    return _compose(
        to,
        subject="An authenticator app was added to your {setting} learning journal account",
        values={"name": name, "setting": setting_name},
        blocks=[
            _Para(
                "An authenticator app has just been set up for your {setting} learning journal "
                "account. From now on, signing in asks for a code from that app."
            ),
            _NOT_YOU,
        ],
    )


def authenticator_removed(to: str, name: str, setting_name: str) -> Mail:
    return _compose(
        to,
        subject="The authenticator app was removed from your {setting} learning journal account",
        values={"name": name, "setting": setting_name},
        blocks=[
            _Para(
                "The authenticator app has just been removed from your {setting} learning journal "
                "account, and its recovery codes no longer work."
            ),
            _NOT_YOU,
        ],
    )


def recovery_code_used(to: str, name: str, setting_name: str, left: int) -> Mail:
    return _compose(
        to,
        subject="A recovery code was used for your {setting} learning journal account",
        values={"name": name, "setting": setting_name, "left": str(left)},
        blocks=[
            _Para(
                "One of your recovery codes has just been used to sign in to your {setting} "
                "learning journal account, or to confirm it was you. It cannot be used again; "
                "you have {left} left. You can make a new set in My account."
            ),
            _NOT_YOU,
        ],
    )


def authenticator_locked(to: str, name: str, setting_name: str, reset_hint: str) -> Mail:
    return _compose(
        to,
        subject="Authenticator codes for your {setting} learning journal account are locked",
        values={"name": name, "setting": setting_name},
        blocks=[
            _Para(
                "Someone entered 10 wrong authenticator codes in a row for your {setting} learning "
                "journal account, after your password and PIN. We have locked sign-in with codes."
            ),
            _Para(
                "To unlock it, ask for a password reset email with the link below and use the link "
                "that arrives. Someone may know your password and PIN, so please choose new ones."
            ),
            _Action("Ask for a reset link", reset_hint),
        ],
    )
