"""The dashboard: open requests by status, SLA state, what to set up next."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from helpdesk.core import setup_steps, tickets
from helpdesk.core.actors import Actor
from helpdesk.core.lifecycle import OPEN_STATUSES


@get("/", sync_to_thread=True)
def dashboard(request: Request) -> Template:
    actor = Actor(request.user, "web")
    counts = tickets.counts_by_status(actor)
    bot = request.app.state.services.bot.health()
    steps = setup_steps.checklist(bot["state"]) if actor.is_admin else []
    return Template("dashboard.html", context={
        "steps": steps if not all(step.done for step in steps) else [],
        "counts": counts,
        "open_statuses": OPEN_STATUSES,
        "recent": tickets.search(actor, tickets.TicketFilter(per_page=10)).items,
        "breached": tickets.count_accept_breaches(actor),
        "bot": bot,
        "total": sum(counts[s] for s in OPEN_STATUSES),
    })


ROUTES = [dashboard]
