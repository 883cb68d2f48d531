"""What counts as an e-mail address here: one plain ASCII addr-spec, the same for people and mail.

Stricter than RFC 5322 on purpose: no display names, lists, quotes or comments, nothing a header
parser could split on. Internationalised addresses would need SMTPUTF8, which relays such as Azure
Communication Services do not promise; domains go as punycode.
"""

from __future__ import annotations

import re

# RFC 5321 4.5.3.1: 64 characters for the local part, 254 for a whole forward path.
MAX_LOCAL_PART_LENGTH = 64
MAX_ADDRESS_LENGTH = 254

_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)


def is_plain_address(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= MAX_ADDRESS_LENGTH
        and _ADDRESS.fullmatch(value) is not None
        and len(value.rpartition("@")[0]) <= MAX_LOCAL_PART_LENGTH
    )
