"""Notification choices (/api/account/notifications), one-click unsubscribe, and the mail timer.

The unsubscribe link needs no sign-in: its signed token is the authority, and it changes one
choice once (S40). A GET only shows a page with a button, so a link scanner that follows every
link in a mail unsubscribes nobody; the POST is what RFC 8058 mail programs send.
"""

from __future__ import annotations

import html
import logging
import secrets
import time
from typing import TYPE_CHECKING

import azure.functions as func

from functions.http import SECURITY_HEADERS, endpoint, json_response, principal, read_json
from functions.on_first_use import OnFirstUse
from shared.domain import errors

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain import notifications as events
    from shared.domain.notifications import EventKind
    from shared.mail import transports
    from shared.services import digests, notifications
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    events = OnFirstUse("shared.domain.notifications")
    transports = OnFirstUse("shared.mail.transports")
    digests = OnFirstUse("shared.services.digests")
    notifications = OnFirstUse("shared.services.notifications")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS
log = logging.getLogger("journal")

# Every 5 minutes, in UTC: immediate mail coalesces over 5 minutes, and a setting's digest is
# due throughout its local 18:00 hour, whatever the clock change did to UTC.
SCHEDULE = "0 */5 * * * *"
# Stop well inside the 5 minutes, so runs never overlap; the next run carries on.
RUN_BUDGET_SECONDS = 4 * 60

# The page holds no script or style of its own; the form posts back to this same address.
_PAGE_CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"


def _kind_words(kind: EventKind) -> str:
    """What the unsubscribe page calls each kind of mail."""
    return {
        events.EventKind.ENTRY: "new entries in your child\u2019s journal",
        events.EventKind.COMMENT: "comments on your child\u2019s entries",
        events.EventKind.MOMENT: "moments from home added to the journal",
        events.EventKind.PROGRESS: "progress summaries shared",
        events.EventKind.RETURNED: "observations returned to you",
        events.EventKind.PARENT_COMMENT: "families\u2019 comments on your observations",
        events.EventKind.AWAITING: "observations waiting for approval",
        events.EventKind.EXPORT_CLOSING: "leavers\u2019 journals closing soon",
        events.EventKind.JOURNAL_CLOSING: "your child\u2019s journal closing when they leave",
    }[kind]


def _choices(found: notifications.Choices) -> func.HttpResponse:
    return json_response(
        {"choices": {k.value: m.value for k, m in found.modes.items()}, "undeliverable": found.undeliverable}
    )


@bp.route(route="api/account/notifications", methods=["GET"], auth_level=ANON)
@endpoint
def get_notification_choices(req: func.HttpRequest) -> func.HttpResponse:
    return _choices(notifications.my_choices(bootstrap.deps(), principal(req)))


@bp.route(route="api/account/notifications", methods=["PUT"], auth_level=ANON)
@endpoint
def change_notification_choices(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    body = read_json(req)
    if set(body) - {"choices"}:
        raise errors.InvalidInput("Send only choices.", field=next(iter(set(body) - {"choices"})))
    return _choices(notifications.change_choices(bootstrap.deps(), who, body.get("choices")))


@bp.route(route="api/notifications/unsubscribe", methods=["GET"], auth_level=ANON)
def show_unsubscribe(req: func.HttpRequest) -> func.HttpResponse:
    """A page that names what the link turns off and asks for one press of a button."""
    return _page(req, confirm=False)


@bp.route(route="api/notifications/unsubscribe", methods=["POST"], auth_level=ANON)
def one_click_unsubscribe(req: func.HttpRequest) -> func.HttpResponse:
    """RFC 8058's POST (body "List-Unsubscribe=One-Click"), or the page's button."""
    return _page(req, confirm=True)


def _page(req: func.HttpRequest, *, confirm: bool) -> func.HttpResponse:
    deps = bootstrap.deps()
    try:
        token = req.params.get("token")
        found = (
            notifications.unsubscribe(deps, token)
            if confirm
            else notifications.check_unsubscribe(deps, token)
        )
    except errors.JournalError as error:
        if not isinstance(error, errors.InvalidInput | errors.Unauthenticated):
            return _html(
                503, "Please try again", "<p>We could not do that just now. Please try again later.</p>"
            )
        return _html(400 if isinstance(error, errors.InvalidInput) else 401, "This link does not work",
                     "<p>This unsubscribe link is not valid, or it has been used already. You can change "
                     "which emails you get in My account after signing in.</p>")  # fmt: skip
    except Exception:  # S30: nothing internal in the answer; the correlation id is in the log
        correlation = secrets.token_hex(8)
        log.exception("unsubscribe page failed, correlation id %s", correlation)
        return _html(500, "Something went wrong", f"<p>Please try again later (reference {correlation}).</p>")
    what = html.escape(_kind_words(found.kind))
    setting = html.escape(found.setting_name or "the learning journal")
    if confirm:
        return _html(200, "Unsubscribed",
                     f"<p>You will no longer get emails from {setting} about {what}. You can turn them "
                     "back on in My account.</p>")  # fmt: skip
    return _html(200, "Unsubscribe?",
                 f"<p>Stop emails from {setting} about {what}?</p>"
                 '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">'
                 '<button type="submit">Unsubscribe</button></form>')  # fmt: skip


def _html(status: int, title: str, body: str) -> func.HttpResponse:
    document = (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title></head>'
                f"<body><h1>{title}</h1>{body}</body></html>")  # fmt: skip
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": _PAGE_CSP}
    return func.HttpResponse(
        document, status_code=status, mimetype="text/html", charset="utf-8", headers=headers
    )


@bp.timer_trigger(arg_name="timer", schedule=SCHEDULE, use_monitor=True)
def send_notifications(timer: func.TimerRequest) -> None:
    """Immediate mail and the digests that are due; run now with POST /admin/functions/send_notifications."""
    deadline = time.monotonic() + RUN_BUDGET_SECONDS
    mail = transports.transport_for(bootstrap.config().mail)
    with transports.sending(mail) as send:  # one SMTP connection per 50 mails
        report = digests.run(bootstrap.deps(), send, lambda: time.monotonic() > deadline)
    log.info("notifications: %d settings, %d sent, %d bounced, finished=%s",
             report.settings, report.sent, report.bounced, report.finished)  # fmt: skip
