"""One e-mail as the app queues it, and the MIME message a transport sends.

A `Mail` travels as JSON on a storage queue between the request that decides to write and the
queue-triggered function that sends, so it is validated on both sides: whatever comes off the
queue is checked again before it becomes headers.
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, parseaddr

from shared.domain.addresses import is_plain_address

FORMAT_VERSION = 1
_FIELDS = frozenset({"v", "to", "subject", "text", "html"})

MAX_SUBJECT_LENGTH = 250
# An Azure queue message holds 64 KiB, and the Functions host's default base64 encoding
# takes a third of that.
MAX_JSON_BYTES = 48 * 1024

# Anything that fetches from the network when the mail is opened (tracking pixels, remote images,
# scripts, frames) or submits from it. Escaped user text can never produce a "<", so this only
# ever catches a template mistake.
_ACTIVE_HTML = re.compile(
    r"<\s*/?\s*(?:img|image|script|iframe|frame|object|embed|link|style|form|input|audio|video|"
    r"source|picture|svg|base)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, repr=False)
class Mail:
    """A message to one recipient, with a plain-text and an HTML body; refuses unsafe values."""

    to: str
    subject: str
    # The bodies carry activation and reset links; like every record of ours, a Mail's repr
    # shows no field (S29), so no log line that formats one can carry them.
    text: str
    html: str
    # A notification's one-click unsubscribe link (RFC 8058, S40); security notices have none
    # (S36). Made by the mail worker at send time, so it never rests on a queue (S39).
    unsubscribe: str = ""

    def __post_init__(self) -> None:
        _check_address(self.to)
        if self.unsubscribe and not re.fullmatch(r"https?://[^\s<>\"',]+", self.unsubscribe):
            raise ValueError("the unsubscribe link must be one plain http(s) URL")
        _check_subject(self.subject)
        for name, body in (("text", self.text), ("html", self.html)):
            if not isinstance(body, str) or not body.strip():
                raise ValueError(f"mail {name} must be non-empty text")
            if "\x00" in body:
                raise ValueError(f"mail {name} contains a NUL character")
        if _ACTIVE_HTML.search(self.html):
            raise ValueError("mail html may not contain images, scripts, styles, frames or forms")
        if len(self.to_json().encode("utf-8")) > MAX_JSON_BYTES:
            raise ValueError(f"mail is larger than a queue message allows ({MAX_JSON_BYTES} bytes as JSON)")

    def to_json(self) -> str:
        """The queue form: a small versioned JSON object, UTF-8 text."""
        return json.dumps(
            {
                "v": FORMAT_VERSION,
                "to": self.to,
                "subject": self.subject,
                "text": self.text,
                "html": self.html,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str) -> Mail:
        """Parse the queue form; raise ValueError on anything but a valid mail of this version."""
        try:
            data = json.loads(raw)
        except (TypeError, ValueError):
            raise ValueError("mail JSON is not valid JSON") from None
        if not isinstance(data, dict):
            raise ValueError("mail JSON must be an object")
        if data.get("v") != FORMAT_VERSION:
            raise ValueError(f"mail JSON must have format version {FORMAT_VERSION}")
        if set(data) != _FIELDS:
            raise ValueError(f"mail JSON must have exactly the fields {sorted(_FIELDS)}")
        values = {key: data[key] for key in ("to", "subject", "text", "html")}
        for key, value in values.items():
            if not isinstance(value, str):
                raise ValueError(f"mail JSON field {key!r} must be a string")
        return cls(**values)


class PermanentFailure(Exception):
    """Raised by a transport when the address will never accept mail (a 5xx reply): the caller
    stops writing to it rather than retrying."""


def build_email(mail: Mail, sender: str, *, now: datetime | None = None) -> EmailMessage:
    """A multipart/alternative message (text, then HTML) with From, To, Subject, Date, Message-ID."""
    domain = sender_address(sender).rpartition("@")[2]
    when = now or datetime.now(UTC)
    if when.tzinfo is None:
        raise ValueError("the mail date must be timezone-aware")

    # A header cannot fold inside a URL, and one longer than 78 characters would otherwise be
    # RFC 2047-encoded, which mail clients do not read as a List-Unsubscribe link.
    policy = default_policy.clone(max_line_length=998) if mail.unsubscribe else default_policy
    message = EmailMessage(policy=policy)
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(when.astimezone(UTC))
    # Our own id rather than email.utils.make_msgid: that one looks up this host's FQDN (slow,
    # and it names the host) and embeds the process id.
    message["Message-ID"] = f"<{secrets.token_hex(16)}@{domain}>"
    # RFC 3834: a machine wrote this, so auto-responders should not answer it.
    message["Auto-Submitted"] = "auto-generated"
    if mail.unsubscribe:
        message["List-Unsubscribe"] = f"<{mail.unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable keeps every line 7-bit, so no server needs 8BITMIME to carry a "£" or an "é".
    message.set_content(mail.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(mail.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def _check_address(value: object) -> None:
    if not is_plain_address(value):
        raise ValueError("mail recipient must be one plain ASCII e-mail address, with no name or line breaks")


def _check_subject(value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("mail subject must be non-empty text")
    if len(value) > MAX_SUBJECT_LENGTH:
        raise ValueError(f"mail subject is longer than {MAX_SUBJECT_LENGTH} characters")
    # CR and LF would start a new header; the other control and line-separator characters are
    # refused too, because some parsers treat them as line breaks as well.
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value):
        raise ValueError("mail subject may not contain line breaks or control characters")


def sender_address(sender: str) -> str:
    """The bare address in a From value such as "Learning Journal <no-reply@example.org>"."""
    if "\r" in sender or "\n" in sender:
        raise ValueError("mail sender may not contain line breaks")
    _, address = parseaddr(sender)
    if not is_plain_address(address):
        raise ValueError("mail sender must be an e-mail address, optionally with a display name")
    return address
