"""The product's e-mails, and the Mail they travel in: escaping, links, wording, header safety."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from shared.mail import templates
from shared.mail.message import Mail, build_email

TO = "amy.parent@example.org"
SENDER = "Learning Journal <no-reply@journal.example.org>"
# The "&" proves the link is escaped in the href, not pasted in raw.
LINK = "https://journal.example.org/activate#token=q2Zk9sV7Lw&kind=activation"
SCRIPT = "<script>alert(1)</script>"
WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

# Each template with `value` in every free-text field it has.
TEMPLATES: dict[str, Callable[[str], Mail]] = {
    "invitation": lambda value: templates.invitation(TO, value, value, LINK, 72),
    "password_reset": lambda value: templates.password_reset(TO, value, value, LINK, 60),
    "password_changed": lambda value: templates.password_changed(TO, value, value, value, WHEN),
    # LINK: the "forgot" page
    "pin_locked": lambda value: templates.pin_locked(TO, value, value, LINK, value, WHEN),
    "sign_in_locked": lambda value: templates.sign_in_locked(TO, value, value, LINK, value, WHEN),
    "pin_changed": lambda value: templates.pin_changed(TO, value, value, value, WHEN),
    "email_changed": lambda value: templates.email_changed(TO, value, value, value, value, WHEN),
    "new_device_sign_in": lambda value: templates.new_device_sign_in(TO, value, value, value, WHEN, LINK),
    "passkey_added": lambda value: templates.passkey_added(TO, value, value, value, value, WHEN),
    "passkey_removed": lambda value: templates.passkey_removed(TO, value, value, value, value, WHEN),
    "passkey_refused": lambda value: templates.passkey_refused(TO, value, value, value, WHEN),
}


def words(text: str) -> str:
    """The text with its wrapping undone, so wording can be checked whatever the line width."""
    return " ".join(text.split())


WITH_LINK = ["invitation", "password_reset", "pin_locked", "sign_in_locked", "new_device_sign_in"]
NOTICES = [name for name in TEMPLATES if name not in WITH_LINK]


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_escapes_names_in_the_html(template: str) -> None:
    mail = TEMPLATES[template](SCRIPT)

    assert "<script" not in mail.html.lower()
    assert html.escape(SCRIPT) in mail.html
    # The text part is not HTML, so the name reads as typed there.
    assert SCRIPT in words(mail.text)


@pytest.mark.parametrize("template", WITH_LINK)
def test_the_link_appears_exactly_once_in_text_and_in_html(template: str) -> None:
    mail = TEMPLATES[template]("Amy")

    assert mail.text.count(LINK) == 1
    assert mail.html.count(f'href="{html.escape(LINK)}"') == 1
    assert mail.html.count(html.escape(LINK)) == 1
    assert LINK not in mail.html  # only the escaped form


@pytest.mark.parametrize("template", NOTICES)
def test_notices_carry_no_link_at_all(template: str) -> None:
    mail = TEMPLATES[template]("Amy")

    assert "http" not in mail.text
    assert "href" not in mail.html


@pytest.mark.parametrize("template", TEMPLATES)
def test_no_template_has_images_or_remote_content(template: str) -> None:
    message = build_email(TEMPLATES[template]("Amy"), SENDER)

    body = message.get_body(preferencelist=("html",))
    assert isinstance(body, EmailMessage)
    markup = body.get_content().lower()
    assert "<img" not in markup
    assert "<link" not in markup
    assert "url(" not in markup
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_line_break_in_a_name_cannot_add_a_header(template: str) -> None:
    mail = TEMPLATES[template]("Sunny Days\r\nBcc: everyone@example.com")

    message = build_email(mail, SENDER)
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert message["Bcc"] is None
    assert "Sunny Days Bcc: everyone@example.com" in words(mail.text)


def test_invitation_says_how_long_the_link_lasts() -> None:
    mail = templates.invitation(TO, "Amy", "Sunny Days", LINK, 72)

    assert "72 hours" in words(mail.text)
    assert "Sunny Days" in mail.subject


def test_password_reset_says_to_ignore_it_if_you_did_not_ask_and_offers_a_new_pin() -> None:
    mail = templates.password_reset(TO, "Amy", "Sunny Days", LINK, 60)

    assert "If you did not ask for this, you can safely ignore this email." in words(mail.text)
    assert "if you wish, a new PIN" in words(mail.text)
    assert "for the next hour" in words(mail.text)


def test_pin_locked_says_why_and_how_to_unlock() -> None:
    mail = templates.pin_locked(TO, "Amy", "Sunny Days", LINK, "Firefox on Windows", WHEN)

    assert "10 times in a row" in words(mail.text)
    assert "To unlock it" in words(mail.text)


def test_email_changed_shows_the_masked_new_address() -> None:
    mail = templates.email_changed(TO, "Amy", "Sunny Days", "a***@e***.org", "Safari on iPhone", WHEN)

    assert "a***@e***.org" in words(mail.text)
    assert "a***@e***.org" in mail.html


# S36: every security notice says when (UK time), from what device, and how to sign out everywhere.
AMY = (TO, "Amy", "Sunny Days")
SECURITY_NOTICES: dict[str, Callable[[str, datetime], Mail]] = {
    "password_changed": lambda device, when: templates.password_changed(*AMY, device, when),
    "pin_changed": lambda device, when: templates.pin_changed(*AMY, device, when),
    "email_changed": lambda device, when: templates.email_changed(*AMY, "a***@e***.org", device, when),
    "pin_locked": lambda device, when: templates.pin_locked(*AMY, LINK, device, when),
    "sign_in_locked": lambda device, when: templates.sign_in_locked(*AMY, LINK, device, when),
    "new_device_sign_in": lambda device, when: templates.new_device_sign_in(*AMY, device, when, LINK),
}


@pytest.mark.parametrize("notice", SECURITY_NOTICES)
def test_s36_each_security_notice_says_when_in_uk_time_on_what_device_and_how_to_sign_out_everywhere(
    notice: str,
) -> None:
    summer = datetime(2026, 7, 1, 8, 5, tzinfo=UTC)  # British Summer Time: 09:05 in London

    text = words(SECURITY_NOTICES[notice]("Firefox on Windows", summer).text)

    assert "Wednesday 1 July 2026 at 09:05 (UK time)" in text
    assert "Firefox on Windows" in text
    assert "Sign out everywhere" in text or "this wasn't me" in text.lower()


def test_a_missing_name_gives_a_plain_greeting() -> None:
    mail = templates.password_changed(TO, "  ", "Sunny Days", "", WHEN)

    assert mail.text.startswith("Hello,\n")


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "data:text/html,hi",
        'https://journal.example.org/"><script>alert(1)</script>',
        "https://journal.example.org/a b",
        "",
    ],
)
def test_a_link_that_is_not_a_plain_web_address_is_refused(link: str) -> None:
    with pytest.raises(ValueError, match="links"):
        templates.password_reset(TO, "Amy", "Sunny Days", link, 60)


# The Mail itself: what comes off the queue is checked again before it becomes headers.

VALID = {"to": TO, "subject": "Hello", "text": "Hello Amy", "html": "<p>Hello Amy</p>"}


@pytest.mark.parametrize(
    "to",
    [
        "amy@example.org\r\nBcc: everyone@example.com",
        "amy@example.org\nBcc: everyone@example.com",
        "amy@example.org\r",
        "amy@example.org, everyone@example.com",
        "Amy <amy@example.org>",
        "amy",
        "",
    ],
)
def test_a_recipient_that_is_not_one_plain_address_is_refused(to: str) -> None:
    with pytest.raises(ValueError, match="recipient"):
        Mail(**{**VALID, "to": to})
    with pytest.raises(ValueError, match="recipient"):
        Mail.from_json(json.dumps({"v": 1, **VALID, "to": to}))


@pytest.mark.parametrize(
    "subject",
    ["Hello\r\nBcc: everyone@example.com", "Hello\nBcc: x@example.com", "Hello\r", "Hi\u2028there", "Hi\x85"],
)
def test_a_subject_with_a_line_break_is_refused(subject: str) -> None:
    with pytest.raises(ValueError, match="subject"):
        Mail(**{**VALID, "subject": subject})
    with pytest.raises(ValueError, match="subject"):
        Mail.from_json(json.dumps({"v": 1, **VALID, "subject": subject}))


def test_a_mail_survives_the_queue_unchanged() -> None:
    mail = templates.invitation(TO, "Zoë O'Neill", "Sunny Days & Co", LINK, 72)

    assert Mail.from_json(mail.to_json()) == mail


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[]",
        json.dumps({**VALID}),  # no version
        json.dumps({"v": 2, **VALID}),
        json.dumps({"v": 1, "to": TO, "subject": "Hello", "text": "Hello"}),
        json.dumps({"v": 1, **VALID, "bcc": "everyone@example.com"}),
        json.dumps({"v": 1, **VALID, "text": 42}),
        json.dumps({"v": 1, **VALID, "html": ""}),
    ],
)
def test_anything_but_a_valid_queued_mail_is_a_value_error(raw: str) -> None:
    with pytest.raises(ValueError):
        Mail.from_json(raw)


def test_a_mail_too_large_for_a_queue_message_is_refused() -> None:
    with pytest.raises(ValueError, match="queue message"):
        Mail(**{**VALID, "text": "é" * 30_000})


def test_html_with_an_image_is_refused_so_no_tracking_pixel_can_be_sent() -> None:
    with pytest.raises(ValueError, match="images"):
        Mail(**{**VALID, "html": '<p>Hi</p><IMG src="https://tracker.example/p.gif">'})


def test_the_repr_of_a_mail_leaves_out_the_bodies_that_hold_links() -> None:
    mail = templates.password_reset(TO, "Amy", "Sunny Days", LINK, 60)

    assert "q2Zk9sV7Lw" not in repr(mail)


def test_the_built_email_has_date_and_message_id_from_the_sender_domain() -> None:
    message = build_email(Mail(**VALID), SENDER, now=WHEN)

    assert message["Date"].datetime == WHEN
    assert message["Message-ID"].endswith("@journal.example.org>")
    assert message["From"].addresses[0].addr_spec == "no-reply@journal.example.org"
    assert message.get_content_type() == "multipart/alternative"


def test_a_sender_with_a_line_break_is_refused() -> None:
    with pytest.raises(ValueError, match="sender"):
        build_email(Mail(**VALID), "Journal <no-reply@journal.example.org>\r\nBcc: x@example.com")
