"""The notification log (administrators): every message with its channel, recipient, state; retry failed ones."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpdesk.core import notification_log
from helpdesk.core.errors import DomainError
from helpdesk.core.fields import parse_int
from helpdesk.i18n import gettext
from helpdesk.notify.email import PROBLEMS
from helpdesk.web.panel.forms import recall, refuse, web_actor

PER_PAGE = 50


def error_text(error: str) -> str:
    """A stored failure in the reader's language: transports write the English msgid, then the server's words."""
    for words, _ in PROBLEMS.values():
        if error.startswith(words):
            return gettext(words) + error[len(words):]
    return error


@get("/notifications", sync_to_thread=True)
def notifications_page(request: Request) -> Template:
    q = request.query_params
    form = {k: q.get(k, "") for k in ("status", "channel", "kind", "q")}
    page = parse_int(q.get("page")) or 1
    flt = notification_log.LogFilter(status=form["status"], channel=form["channel"], kind=form["kind"],
                                     text=form["q"])
    rows, total = notification_log.search(web_actor(request), flt, page=page, per_page=PER_PAGE)
    query = urlencode([(k, v) for k, v in form.items() if v])
    back = recall(request)
    return Template("notifications.html", status_code=back.status if back else 200, context={
        "errors": back.errors if back else {},
        "rows": rows, "total": total, "page": page, "pages": max(1, -(-total // PER_PAGE)), "form": form,
        "page_query": f"{query}&page=" if query else "page=", "kinds": notification_log.kinds(),
        "statuses": notification_log.STATUSES, "status_labels": notification_log.STATUS_LABELS,
        "channels": notification_log.CHANNELS, "error_text": error_text,
        "failed_last_day": notification_log.failed_recently(), "retried": q.get("retried")})


@post("/notifications/{message_id:int}/retry", sync_to_thread=True)
def retry(request: Request, message_id: FromPath[int]) -> Redirect:
    try:
        notification_log.retry(web_actor(request), message_id)
    except DomainError as exc:
        return refuse(request, exc, {}, to="/notifications")
    return Redirect("/notifications?status=pending&retried=1", status_code=303)


ROUTES = [notifications_page, retry]
