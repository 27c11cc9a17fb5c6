"""The dashboard: open requests by status, SLA state, what to set up next."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from helpdesk.core import tickets
from helpdesk.core.actors import Actor
from helpdesk.core.lifecycle import OPEN_STATUSES, STATUS_LABELS
from helpdesk.db.models import Ticket, utcnow


@get("/", sync_to_thread=True)
def dashboard(request: Request) -> Template:
    actor = Actor(request.user, "web")
    counts = tickets.counts_by_status(actor)
    recent = tickets.search(actor, tickets.TicketFilter(per_page=10)).items
    overdue = tickets.search(actor, tickets.TicketFilter(statuses=("new",), per_page=1))
    breaching = [t for t in tickets.search(actor, tickets.TicketFilter(statuses=("new",), per_page=200)).items
                 if t.accept_due_at and t.accept_due_at < utcnow()]
    return Template("dashboard.html", context={
        "counts": counts,
        "open_statuses": OPEN_STATUSES,
        "status_labels": STATUS_LABELS,
        "recent": recent,
        "new_total": overdue.total,
        "breaching": breaching,
        "bot": request.app.state.services.bot.health(),
        "total": sum(counts[s] for s in OPEN_STATUSES),
    })


def ticket_url(ticket: Ticket) -> str:
    return f"/requests/{ticket.number}"


ROUTES = [dashboard]
