"""The mail worker's half of every link mail: read the instruction, mint the link, send (S39)."""

from __future__ import annotations

from shared.services import devices, email_change, links, notifications
from shared.services.deps import Deps
from shared.services.links import Send
from shared.services.ports import LinkMail, LinkMailKind

_CHANGE_KINDS = frozenset({LinkMailKind.EMAIL_CONFIRM, LinkMailKind.EMAIL_OBJECT})


def deliver(deps: Deps, raw: str, send: Send) -> bool:
    """Send the mail a queued instruction asks for; False (and nothing sent) when it is stale."""
    instruction = LinkMail.from_json(raw)
    if instruction.kind is LinkMailKind.NEW_DEVICE:
        return devices.deliver_new_device_mail(deps, instruction, send)
    if instruction.kind is LinkMailKind.JOURNAL_CLOSING:
        return notifications.deliver_journal_closing(deps, instruction, send)
    if instruction.kind in _CHANGE_KINDS:
        return email_change.deliver_change_mail(deps, instruction, send)
    return links.deliver_link_mail(deps, instruction, send)
