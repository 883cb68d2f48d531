"""A short, human description of a browser, for "your sessions" lists and new sign-in notices.

Only the summary is stored, never the full User-Agent string: it is enough for a person to
recognise their own phone, and it keeps less about them.
"""

from __future__ import annotations

_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_device(user_agent: str | None) -> str:
    agent = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in agent), "A browser")
    system = next((name for token, name in _SYSTEMS if token in agent), "")
    return f"{browser} on {system}" if system else browser
