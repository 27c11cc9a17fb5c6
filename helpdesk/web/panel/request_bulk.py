"""The requests list's bulk actions: accept, assign or archive the selected requests, then a summary."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.response import Template

from helpdesk.core import bulk
from helpdesk.core.actors import Actor
from helpdesk.core.errors import DomainError
from helpdesk.core.fields import parse_int
from helpdesk.i18n import get_language, gettext, ngettext
from helpdesk.web.panel.session import Form


def _many(value: Any) -> list[str]:
    """A form field sent once arrives as a string, sent several times as a list."""
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@post("/requests/bulk", sync_to_thread=True)
def request_bulk(request: Request, data: Form) -> Template:
    """Each selected request goes through the domain on its own; the page says what was done and what not."""
    actor = Actor(request.user, "web")
    back = str(data.get("back", ""))
    back = back if back.startswith("/requests") and "//" not in back else "/requests"
    action = str(data.get("action", ""))
    lang = get_language()
    try:
        result = bulk.apply(actor, _many(data.get("numbers")), action, parse_int(str(data.get("assignee", ""))))
    except DomainError as exc:
        return Template("requests/bulk_done.html", status_code=exc.status_code, context={
            "error": exc.text(lang), "done": [], "refused": [], "back": back})
    summary = ngettext("%(label)s: %(num)d request done", "%(label)s: %(num)d requests done", len(result.done),
                       label=gettext(bulk.ACTION_LABELS[action]), num=len(result.done))
    if result.refused:
        summary += "; " + ngettext("%(num)d refused", "%(num)d refused", len(result.refused),
                                   num=len(result.refused))
    return Template("requests/bulk_done.html", context={
        "error": None, "done": result.done, "refused": [(n, exc.text(lang)) for n, exc in result.refused],
        "back": back, "summary": summary + "."})
