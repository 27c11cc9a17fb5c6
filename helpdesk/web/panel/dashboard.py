"""The dashboard: open requests by status, SLA watch, today's numbers, charts, what to set up next."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.response import Redirect, Template

from helpdesk.core import setup_steps, stats, tickets
from helpdesk.core.actors import Actor
from helpdesk.core.backups import runs as backup_runs
from helpdesk.core.catalog import type_name
from helpdesk.core.lifecycle import AWAITING_LABEL
from helpdesk.i18n import get_language, gettext
from helpdesk.web import charts
from helpdesk.web.panel.requests import AWAITING_QUERY, OPEN_QUERY
from helpdesk.web.panel.session import Form
from helpdesk.web.services import services_of


@get("/", sync_to_thread=True)
def dashboard(request: Request) -> Template:
    actor = Actor(request.user, "web")
    counts = stats.open_counts(actor)
    bot = services_of(request).bot_state()
    steps = setup_steps.checklist(bot["state"]) if actor.is_admin and not setup_steps.dismissed(actor.user) else []
    lang = get_language()
    by_type = stats.open_by_type(actor)
    by_branch = stats.open_by_branch(actor) if actor.role != "branch" else []
    return Template("dashboard.html", context={
        "steps": steps if not all(step.done for step in steps) else [],
        "counts": counts,
        "open_query": OPEN_QUERY,
        "awaiting_query": AWAITING_QUERY,
        "awaiting_label": AWAITING_LABEL,
        "recent": tickets.search(actor, tickets.TicketFilter(per_page=10)).items,
        "sla": stats.sla_watch(actor),
        "today": stats.today(actor),
        "bot": bot,
        # Admins only: when the last good backup is older than 36 hours (True: there is none yet).
        "backup_overdue": backup_runs.overdue(services_of(request).settings.backups_dir) if actor.is_admin else False,
        "daily_chart": charts.daily_bars(stats.per_day(actor), gettext("Requests per day, last 30 days"),
                                         gettext("new requests"), gettext("resolved requests")),
        "type_chart": charts.horizontal_bars(
            [(type_name(t, lang), n) for t, n in by_type], gettext("Open requests by type"),
            [f"/requests?{urlencode([('type', t.code)])}&{OPEN_QUERY}" for t, _ in by_type]),
        "branch_chart": charts.horizontal_bars(
            [(b.name, n) for b, n in by_branch], gettext("Branches with most open requests"),
            [f"/requests?{urlencode([('branch', b.id)])}&{OPEN_QUERY}" for b, _ in by_branch]),
    })


@post("/checklist/dismiss", sync_to_thread=True)
def dismiss_checklist(request: Request, data: Form) -> Redirect:
    setup_steps.dismiss(Actor(request.user, "web"))
    return Redirect("/", status_code=303)


ROUTES = [dashboard, dismiss_checklist]
