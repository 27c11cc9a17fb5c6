"""The audit log page (administrators): who changed what and when, with filters."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Request, get
from litestar.response import Template

from helpdesk.core import audit, audit_text
from helpdesk.core.actors import Actor
from helpdesk.core.fields import parse_int
from helpdesk.db.models import AuditEvent, User
from helpdesk.i18n import get_language
from helpdesk.web.panel.requests import _date

PER_PAGE = 50


@get("/audit", sync_to_thread=True)
def audit_page(request: Request) -> Template:
    q = request.query_params
    form = {k: q.get(k, "") for k in ("action", "actor", "number", "from", "to")}
    page = parse_int(q.get("page")) or 1
    events, total = audit.search(Actor(request.user, "web"), action=form["action"], actor_id=parse_int(form["actor"]),
                                 number=form["number"][:64], since=_date(form["from"]), until=_date(form["to"]),
                                 page=page, per_page=PER_PAGE)
    actions = [row.action for row in AuditEvent.select(AuditEvent.action).distinct().order_by(AuditEvent.action)]
    lang, names = get_language(), audit_text.user_names(events)
    rows = [{"event": e, "object": audit_text.object_text(e, lang, names),
             "changes": audit_text.changes(e, lang, names)} for e in events]
    # The pager's links carry the filters once, not the previous page's query with "page=" cut out.
    query = urlencode([(k, v) for k, v in form.items() if v])
    return Template("audit.html", context={
        "rows": rows, "total": total, "page": page, "pages": max(1, -(-total // PER_PAGE)), "form": form,
        "page_query": f"{query}&page=" if query else "page=",
        "actions": actions, "people": list(User.select().order_by(User.display_name))})


ROUTES = [audit_page]
