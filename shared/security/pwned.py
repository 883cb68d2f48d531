"""Pwned Passwords range API (SECURITY.md S2): is a new password known from a breach?

k-anonymity: only the first five hex digits of the password's SHA-1 leave the app
(`GET {base}/range/{prefix}`). The answer lists every known hash suffix under that prefix as
`SUFFIX:COUNT` lines. With `Add-Padding: true` the service mixes in made-up suffixes with a count of 0,
so the size of the answer does not reveal the prefix; a count of 0 is therefore never a match.

The service is a third party on the path of sign-up and password change, so it gets a short timeout
and any failure (timeout, refused connection, an error status, a garbled answer) gives None: the
offline lists in shared/domain/passwords.py then decide alone.
"""

from __future__ import annotations

import hashlib
import http.client
import time
import urllib.request

from shared.domain.passwords import MAX_LENGTH, BreachedPasswords, normalise_password

PUBLIC_API = "https://api.pwnedpasswords.com"
TIMEOUT_SECONDS = 1.5
# A padded range answer is 800 to 1,000 lines of 40 bytes; anything far larger is not that service.
_MAX_ANSWER_BYTES = 1 << 20
_CHUNK_BYTES = 16 * 1024
_USER_AGENT = "learning-journal-password-check"
# NFKC folds at most four code points into one, so longer input is refused on length by the policy
# whatever the API says; it is not normalised here, which costs quadratic time on crafted input.
_MAX_RAW_LENGTH = 4 * MAX_LENGTH


class PwnedPasswords:
    """Asks a Pwned Passwords range API; None whenever it does not answer in time."""

    def __init__(self, base_url: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        if not base_url.startswith(("https://", "http://")):
            raise ValueError("the breach API needs an http(s) base URL")
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._opener = urllib.request.build_opener()

    def is_breached(self, password: str) -> bool | None:
        """True if the password's hash is listed with a count above 0; None if no answer came."""
        if len(password) > _MAX_RAW_LENGTH:
            return None
        text = normalise_password(password)
        sha1 = hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False)
        digest = sha1.hexdigest().upper()
        answer = self._range(digest[:5])
        if answer is None:
            return None
        return _listed(answer, digest[5:])

    def _range(self, prefix: str) -> str | None:
        """The range answer for a five-digit prefix, or None if it fails or overruns the deadline."""
        request = urllib.request.Request(  # noqa: S310 - the constructor admits http(s) URLs only
            f"{self._base_url}/range/{prefix}",
            headers={"Add-Padding": "true", "User-Agent": _USER_AGENT, "Accept": "text/plain"},
        )
        # The socket timeout bounds each wait; the deadline bounds a server that drips bytes slowly.
        deadline = time.monotonic() + self._timeout
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                if response.status != 200:
                    return None
                body = bytearray()
                while chunk := response.read1(_CHUNK_BYTES):
                    body += chunk
                    if len(body) > _MAX_ANSWER_BYTES or time.monotonic() > deadline:
                        return None
            return body.decode("ascii")
        except (OSError, ValueError, UnicodeDecodeError, http.client.HTTPException):
            # OSError covers URLError, HTTPError (4xx and 5xx), refused connections and timeouts.
            return None


class NoBreachCheck:
    """Stands in where no breach API is configured (local development, tests): never answers."""

    def is_breached(self, password: str) -> bool | None:
        return None


def breached_passwords(base_url: str | None) -> BreachedPasswords:
    """The breach source for a configured API base URL; none when the URL is None (disabled)."""
    return PwnedPasswords(base_url) if base_url else NoBreachCheck()


def _listed(answer: str, suffix: str) -> bool | None:
    """Whether `suffix` is listed with a count above 0; None if a line is not `SUFFIX:COUNT`."""
    for line in answer.splitlines():
        if not line.strip():
            continue
        listed, colon, count = line.strip().partition(":")
        if not colon or len(listed) != 35 or not count.isdigit():
            return None
        if listed.upper() == suffix:
            return int(count) > 0
    return False
