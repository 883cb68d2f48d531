"""Every e-mail the journal sends, in plain text and in simple inline-styled HTML.

Each message is written once, as paragraphs with named placeholders; the text part fills them
with tidied values and the HTML part with the same values HTML-escaped, so no caller-supplied
name can become markup. Passwords and PINs are never parameters here, so no mail can carry one.
"""

from __future__ import annotations

import html
import re
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.mail.message import Mail

# docs/security.md S11: the PIN locks after 10 consecutive wrong PINs.
PIN_LOCK_ATTEMPTS = 10

# Long enough for any real name, setting or browser description; short enough for a subject line.
MAX_VALUE_LENGTH = 120
TEXT_WIDTH = 72

# Links are built by the app from the configured base URL (S14); anything else is a bug, and
# refusing quotes, angle brackets and spaces keeps a link from breaking out of its href.
_LINK = re.compile(r"https?://[^\s\"'<>\\`]+")
# Bidirectional overrides can make a name display as something else (Trojan Source).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_FORGOTTEN = (
    "please reset your password straight away with \u201cForgotten your password?\u201d on the sign-in page, "
    "and let {setting} know."
)


def invitation(to: str, name: str, setting_name: str, link: str, expires_hours: int) -> Mail:
    """Invite a new parent or member of staff to activate their account."""
    return _compose(
        to,
        subject="Activate your {setting} learning journal account",
        values={"name": name, "setting": setting_name, "expiry": _hours(expires_hours)},
        blocks=[
            _Para("{setting} has set up an account for you on their online learning journal."),
            _Para("To activate it, please follow the link below and choose a password and a PIN."),
            _Action("Activate your account", link),
            _Para(
                "The link works once, for the next {expiry}. If it has expired, {setting} can send a new one."
            ),
            _Para("If you were not expecting this email, you can ignore it and nothing will happen."),
        ],
    )


def password_reset(to: str, name: str, setting_name: str, link: str, expires_minutes: int) -> Mail:
    """Send the link that lets the owner choose a new password and, if they wish, a new PIN."""
    return _compose(
        to,
        subject="Reset your {setting} learning journal password",
        values={"name": name, "setting": setting_name, "expiry": _minutes(expires_minutes)},
        blocks=[
            _Para("We received a request to reset the password for your {setting} learning journal account."),
            _Para(
                "The link below lets you choose a new password and, if you wish, a new PIN. "
                "It works once, for the next {expiry}."
            ),
            _Action("Choose a new password", link),
            _Para(
                "If you did not ask for this, you can safely ignore this email. "
                "Your password has not been changed."
            ),
        ],
    )


def password_changed(to: str, name: str, setting_name: str, device: str, when: datetime) -> Mail:
    """Tell the owner their password changed, so a change they did not make is noticed."""
    return _compose(
        to,
        subject="Your {setting} learning journal password has been changed",
        values=_when_and_where(name, setting_name, device, when),
        blocks=[
            _Para(
                "The password for your {setting} learning journal account was changed on {when}, "
                "using {device}."
            ),
            _Para("If you made this change, there is nothing more to do."),
            _Para("If you did not, someone else may be using your account, so " + _FORGOTTEN),
            _Para(_EVERYWHERE),
        ],
    )


def _when_and_where(name: str, setting_name: str, device: str, when: datetime) -> dict[str, str]:
    """What every security notice says besides what happened: when (UK time) and on what (S36)."""
    return {
        "name": name,
        "setting": setting_name,
        "device": _tidy(device) or "an unknown device",
        "when": _uk_time(when),
    }


def pin_locked(to: str, name: str, setting_name: str, reset_hint: str, device: str, when: datetime) -> Mail:
    """Tell the owner their PIN is locked and how to unlock it.

    `reset_hint` is the address of the page where they ask for a reset link (the "forgot" page);
    using the link that arrives unlocks the PIN (S11).
    """
    return _compose(
        to,
        subject="Your {setting} learning journal PIN has been locked",
        values={**_when_and_where(name, setting_name, device, when), "attempts": str(PIN_LOCK_ATTEMPTS)},
        blocks=[
            _Para(
                "Someone entered the wrong PIN for your {setting} learning journal account "
                "{attempts} times in a row, the last on {when} using {device}, so we have locked "
                "the PIN to keep your account safe."
            ),
            _Para(
                "To unlock it, please use the link below to ask for a password reset email. "
                "The link in that email lets you set a new password and a new PIN."
            ),
            _Action("Ask for a reset link", reset_hint),
            _Para(
                "If this was not you, someone may know your password, so please choose a new one "
                "and let {setting} know."
            ),
            _Para(_EVERYWHERE),
        ],
    )


def sign_in_locked(
    to: str, name: str, setting_name: str, reset_hint: str, device: str, when: datetime
) -> Mail:
    """Tell the owner that sign-in from unknown browsers is locked after many wrong passwords (S10)."""
    return _compose(
        to,
        subject="Sign-in to your {setting} learning journal has been locked",
        values=_when_and_where(name, setting_name, device, when),
        blocks=[
            _Para(
                "Someone entered a wrong password for your {setting} learning journal account "
                "100 times in a row, the last on {when} using {device}, so we have locked sign-in "
                "from browsers you have not used before."
            ),
            _Para(
                "Browsers where you have signed in before still work. To unlock every other "
                "browser, use the link below to ask for a password reset email."
            ),
            _Action("Ask for a reset link", reset_hint),
            _Para("If this was not you, please let {setting} know."),
            _Para(_EVERYWHERE),
        ],
    )


def pin_changed(to: str, name: str, setting_name: str, device: str, when: datetime) -> Mail:
    """Tell the owner their PIN was changed, so a change they did not make is noticed."""
    return _compose(
        to,
        subject="Your {setting} learning journal PIN has been changed",
        values=_when_and_where(name, setting_name, device, when),
        blocks=[
            _Para(
                "The PIN for your {setting} learning journal account was changed on {when}, using {device}."
            ),
            _Para(
                "If this was not you, someone may know your password: please ask for a password "
                "reset from the sign-in page and let {setting} know."
            ),
            _Para(_EVERYWHERE),
        ],
    )


def email_changed(
    to: str, name: str, setting_name: str, new_address_masked: str, device: str, when: datetime
) -> Mail:
    """Tell the owner, at the old address, that their email address changed."""
    return _compose(
        to,
        subject="Your {setting} learning journal email address has been changed",
        values={**_when_and_where(name, setting_name, device, when), "address": new_address_masked},
        blocks=[
            _Para(
                "The email address for your {setting} learning journal account was changed to "
                "{address} on {when}, confirmed using {device}. From now on, we will send your "
                "journal emails there."
            ),
            _Para("If you made this change, there is nothing more to do."),
            _Para(
                "If you did not, please contact {setting} straight away so that they can help you "
                "get back into your account."
            ),
            _Para(_EVERYWHERE),
        ],
    )


def email_change_confirm(to: str, name: str, setting_name: str, link: str, expires_hours: int) -> Mail:
    """Ask the new address to confirm an e-mail change; nothing changes until it does (S38)."""
    return _compose(
        to,
        subject="Confirm your new {setting} learning journal email address",
        values={"name": name, "setting": setting_name, "expiry": _hours(expires_hours)},
        blocks=[
            _Para(
                "Someone asked for this address to become the email address of your {setting} "
                "learning journal account."
            ),
            _Para(
                "Nothing changes until you confirm it with the account's password. Confirming signs "
                "the account out everywhere."
            ),
            _Action("Confirm this address", link),
            _Para("The link works once, for the next {expiry}."),
            _Para("If you were not expecting this email, ignore it and nothing will change."),
        ],
    )


def email_change_requested(
    to: str, name: str, setting_name: str, new_address_masked: str, link: str, expires_hours: int
) -> Mail:
    """Tell the current address that a change to another address is waiting; it can object (S38)."""
    return _compose(
        to,
        subject="Someone asked to change your {setting} learning journal email address",
        values={
            "name": name,
            "setting": setting_name,
            "address": new_address_masked,
            "expiry": _hours(expires_hours),
        },
        blocks=[
            _Para(
                "Someone asked to change the email address of your {setting} learning journal "
                "account to {address}. It changes only if that address confirms it."
            ),
            _Para("If you asked for this, there is nothing more to do."),
            _Para(
                "If you did not, use the link below: it cancels the change and signs your account "
                "out everywhere. Then let {setting} know."
            ),
            _Action("This was not me: cancel the change", link),
            _Para("The link works once, for the next {expiry}."),
        ],
    )


def journal_closing(
    to: str, name: str, setting_name: str, child_first_name: str, closes_at: datetime, unsubscribe_link: str
) -> Mail:
    """Tell a parent that their child has left and until when they can read (and export) the
    journal, with one-click unsubscribe (RFC 8058, S40) from these notices."""
    mail = _compose(
        to,
        subject="{child}'s {setting} learning journal closes on {closes}",
        values={
            "name": name,
            "setting": setting_name,
            "child": child_first_name,
            "closes": _uk_day(closes_at),
        },
        blocks=[
            _Para("{setting} has recorded that {child} has left, and {child}'s learning journal is closed."),
            _Para(
                "You can still sign in and read {child}'s journal, and download a copy of it, "
                "until {closes}. After that your access to it ends."
            ),
            _Para("If you think this is a mistake, please contact {setting}."),
            _Para(
                "You get this email because of your choices in My account. To stop emails about a "
                "journal closing, use the unsubscribe link of your mail program or the link below."
            ),
            _Action("Unsubscribe from these emails", unsubscribe_link),
        ],
    )
    return replace(mail, unsubscribe=unsubscribe_link)


def notification_digest(
    to: str,
    name: str,
    setting_name: str,
    lines: Sequence[str],
    link: str,
    unsubscribe_link: str,
    how_often: str,
) -> Mail:
    """What is new, as counts (S40): "2 new entries in Poppy's journal", a link, and one-click
    unsubscribe (RFC 8058) for this kind of mail. No text, photo or other child's name."""
    if not lines:
        raise ValueError("a digest needs at least one line")
    values = {"name": name, "setting": setting_name, "often": how_often}
    values.update({f"line{n}": line for n, line in enumerate(lines)})
    values["headline"] = lines[0] if len(lines) == 1 else f"{len(lines)} kinds of update"
    mail = _compose(
        to,
        subject="{setting}: {headline}",
        values=values,
        blocks=[
            _Para("Here is what is new in the {setting} learning journal:"),
            *[_Para(f"\u2022 {{line{n}}}") for n in range(len(lines))],
            _Action("Open the learning journal", link),
            _Para(
                "You get this email {often} because of your choices in My account. To stop "
                "this kind of email, use the unsubscribe link of your mail program or the link below."
            ),
            _Action("Unsubscribe from these emails", unsubscribe_link),
        ],
    )
    return replace(mail, unsubscribe=unsubscribe_link)


def _uk_day(when: datetime) -> str:
    """The day as "Saturday 28 November 2026", in UK time, whatever the process locale."""
    if when.tzinfo is None:
        raise ValueError("the time must be timezone-aware")
    try:
        local = when.astimezone(ZoneInfo("Europe/London"))
    except ZoneInfoNotFoundError:
        local = when.astimezone(UTC)
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}"


@dataclass(frozen=True, repr=False)
class _Para:
    """A paragraph; `{placeholders}` are filled with tidied, and in HTML escaped, values."""

    template: str


@dataclass(frozen=True, repr=False)
class _Action:
    """The one link of a message, shown as a button in HTML and on its own line in text."""

    label: str
    link: str


def _compose(to: str, *, subject: str, values: Mapping[str, str], blocks: Sequence[_Para | _Action]) -> Mail:
    tidy = {key: _tidy(value) for key, value in values.items()}
    if not tidy["setting"]:
        raise ValueError("the setting's name is required")
    for block in blocks:
        if isinstance(block, _Action) and not _LINK.fullmatch(block.link):
            raise ValueError("mail links must be plain http(s) URLs without spaces, quotes or brackets")
    escaped = {key: html.escape(value) for key, value in tidy.items()}
    title = subject.format_map(tidy)
    greeting = "Hello {name}," if tidy["name"] else "Hello,"
    footer = (
        "This email was sent automatically by the {setting} learning journal. Please do not reply to "
        "it; if you need help, speak to the staff at {setting}."
    )

    text_parts = [greeting.format_map(tidy)]
    html_parts = [_html_para(greeting, escaped)]
    for block in blocks:
        if isinstance(block, _Para):
            text_parts.append(_wrap(block.template.format_map(tidy)))
            html_parts.append(_html_para(block.template, escaped))
        else:
            text_parts.append(f"{block.label}:\n{block.link}")
            html_parts.append(_html_button(block.label, block.link))
    text_parts.append("Warm wishes,\n" + tidy["setting"])
    text_parts.append("-- \n" + _wrap(footer.format_map(tidy)))
    text = "\n\n".join(text_parts) + "\n"

    html_parts.append(f'<p style="{_P}">Warm wishes,<br>{escaped["setting"]}</p>')
    html_parts.append(_html_para(footer, escaped, style=_SMALL))
    body = "\n".join(html_parts)
    document = (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n'
        f'<head><meta charset="utf-8"><title>{html.escape(title)}</title></head>\n'
        f'<body style="{_BODY}">\n<div style="{_CARD}">\n{body}\n</div>\n</body>\n</html>\n'
    )
    return Mail(to=to, subject=title, text=text, html=document)


_BODY = "margin:0;padding:24px 12px;background-color:#f5f3ee;"
_CARD = (
    "max-width:560px;margin:0 auto;padding:28px;background-color:#ffffff;border-radius:8px;"
    "font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#2d2d2d;"
)
_P = "margin:0 0 16px;"
_SMALL = "margin:24px 0 0;font-size:13px;color:#6b6b6b;"
_BUTTON = (
    "display:inline-block;padding:12px 22px;background-color:#2e6b57;color:#ffffff;"
    "text-decoration:none;border-radius:6px;font-weight:bold;"
)


def _html_para(template: str, escaped: Mapping[str, str], style: str = _P) -> str:
    # The template is ours, but escaping it too means an apostrophe or an ampersand in our own
    # wording can never be mistaken for markup.
    return f'<p style="{style}">{html.escape(template).format_map(escaped)}</p>'


def _html_button(label: str, link: str) -> str:
    return (
        f'<p style="margin:24px 0;"><a href="{html.escape(link)}" style="{_BUTTON}">'
        f"{html.escape(label)}</a></p>"
    )


def _wrap(paragraph: str) -> str:
    return textwrap.fill(paragraph, TEXT_WIDTH, break_long_words=False, break_on_hyphens=False)


def _tidy(value: str, limit: int = MAX_VALUE_LENGTH) -> str:
    """One line of printable text: line breaks and control characters become spaces."""
    cleaned = "".join(
        " " if unicodedata.category(char) in {"Cc", "Zl", "Zp"} else char
        for char in value
        if char not in _BIDI_CONTROLS
    )
    single = " ".join(cleaned.split())
    return single if len(single) <= limit else single[: limit - 1].rstrip() + "\u2026"


def _hours(hours: int) -> str:
    """What follows "for the next": "hour", "72 hours"."""
    if hours <= 0:
        raise ValueError("a link must live for a positive number of hours")
    return "hour" if hours == 1 else f"{hours} hours"


def _minutes(minutes: int) -> str:
    if minutes <= 0:
        raise ValueError("a link must live for a positive number of minutes")
    if minutes % 60 == 0:
        return _hours(minutes // 60)
    return "minute" if minutes == 1 else f"{minutes} minutes"


def _uk_time(when: datetime) -> str:
    """The time as "Saturday 28 November 2026 at 09:00 (UK time)", whatever the process locale."""
    if when.tzinfo is None:
        raise ValueError("the sign-in time must be timezone-aware")
    try:
        local, zone = when.astimezone(ZoneInfo("Europe/London")), "UK time"
    except ZoneInfoNotFoundError:  # a host without time zone data: say plainly that it is UTC
        local, zone = when.astimezone(UTC), "UTC"
    day, month = _DAYS[local.weekday()], _MONTHS[local.month - 1]
    return f"{day} {local.day} {month} {local.year} at {local:%H:%M} ({zone})"


# -- strong sign-in notices (S36): what happened, when, from what device, how to sign out everywhere

_EVERYWHERE = (
    "If it was not you, sign in and choose 'Sign out everywhere' in My account, then ask "
    "for a password reset."
)


def new_device_sign_in(to: str, name: str, setting_name: str, device: str, when: datetime, link: str) -> Mail:
    """Tell the owner about a sign-in from a browser they have not used before, with a link that
    signs the account out everywhere."""
    return _compose(
        to,
        subject="New sign-in to your {setting} learning journal",
        values={
            "name": name,
            "setting": setting_name,
            "device": _tidy(device) or "an unknown device",
            "when": _uk_time(when),
        },
        blocks=[
            _Para(
                "Someone signed in to your {setting} learning journal account on {when}, using {device}, "
                "a browser that has not signed in to your account before."
            ),
            _Para("If this was you, there is nothing you need to do."),
            _Para(
                "If it was not you, use this link to sign your account out everywhere at once, "
                "then ask for a password reset:"
            ),
            _Action("This wasn't me: sign out everywhere", link),
        ],
    )


def passkey_added(to: str, name: str, setting_name: str, passkey: str, device: str, when: datetime) -> Mail:
    """Tell the owner a passkey was added to their account."""
    return _passkey_notice(to, name, setting_name, passkey, device, when, "added to")


def passkey_removed(to: str, name: str, setting_name: str, passkey: str, device: str, when: datetime) -> Mail:
    """Tell the owner a passkey was removed from their account."""
    return _passkey_notice(to, name, setting_name, passkey, device, when, "removed from")


def _passkey_notice(
    to: str, name: str, setting_name: str, passkey: str, device: str, when: datetime, change: str
) -> Mail:
    return _compose(
        to,
        subject="A passkey was " + change + " your {setting} learning journal account",
        values={
            "name": name,
            "setting": setting_name,
            "passkey": passkey,
            "when": _uk_time(when),
            "device": _tidy(device) or "an unknown device",
        },
        blocks=[
            _Para(
                "The passkey \u201c{passkey}\u201d was " + change + " your {setting} learning journal "
                "account on {when}, using {device}."
            ),
            _Para("If this was you, there is nothing you need to do."),
            _Para(_EVERYWHERE),
        ],
    )


def passkey_refused(to: str, name: str, setting_name: str, passkey: str, when: datetime) -> Mail:
    """Tell the owner a passkey was refused because its counter went backwards (a copied key)."""
    return _compose(
        to,
        subject="A sign-in with your passkey was refused at {setting}",
        values={"name": name, "setting": setting_name, "passkey": passkey, "when": _uk_time(when)},
        blocks=[
            _Para(
                "On {when} someone tried to sign in to your {setting} learning journal account with "
                "your passkey \u201c{passkey}\u201d, and we refused it: the passkey reported that it "
                "had been used fewer times than before, which can mean it has been copied."
            ),
            _Para(
                "If you use that passkey on more than one device, remove it in My account and add it "
                "again. " + _EVERYWHERE
            ),
        ],
    )
