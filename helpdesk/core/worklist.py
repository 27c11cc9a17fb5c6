"""The requests list's saved views ("my open", "overdue", "new") and their counts, as each role sees them."""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from helpdesk.core import tickets
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, ValidationError
from helpdesk.core.lifecycle import OPEN_STATUSES
from helpdesk.core.visibility import scope
from helpdesk.db.models import Ticket, not_archived


@dataclass(frozen=True)
class SavedView:
    key: str
    label: str
    filter: tickets.TicketFilter


def my_requests(actor: Actor, page: int = 1, per_page: int = 10) -> tickets.TicketFilter:
    """What "my requests" lists in the bot and the Mini App: a branch user's own requests, any status;
    for staff the open ones (those awaiting their authors are counted apart, as on the dashboard)."""
    own = actor.role == "branch"
    return tickets.TicketFilter(author_id=actor.user_id if own else None, statuses=() if own else OPEN_STATUSES,
                                page=max(page, 1), per_page=per_page)


def mine_label(actor: Actor) -> str:
    """"Mine" is what staff work on and what a branch user asked for."""
    return N_("Assigned to me") if actor.is_staff else N_("Created by me")


def views(actor: Actor) -> list[SavedView]:
    """The views this actor is offered, in order; each is an ordinary filter over what the actor may see."""
    found = [
        SavedView("mine", N_("My open"), tickets.TicketFilter(statuses=OPEN_STATUSES, mine=True)),
        SavedView("overdue", N_("Overdue"), tickets.TicketFilter(sla="overdue")),
    ]
    if actor.is_staff:
        label = N_("New for my warehouse") if actor.role == "storekeeper" else N_("New, not accepted")
        found.append(SavedView("new", label, tickets.TicketFilter(statuses=("new",))))
    return found


def view(actor: Actor, key: str) -> SavedView:
    for candidate in views(actor):
        if candidate.key == key:
            return candidate
    raise ValidationError(N_("Unknown view."), field="view")


def counts(actor: Actor) -> dict[str, int]:
    """How many requests each of the actor's views holds now (a COUNT or two each, on indexed columns)."""
    return {v.key: tickets.count(actor, v.filter) for v in views(actor)}


SUBJECT_LENGTH = 90


def subject(ticket: Ticket) -> str:
    """What a request is about, in one short line: its description's first line, or an order's lines."""
    first = next((line.strip() for line in (ticket.description or "").splitlines() if line.strip()), "")
    if not first and ticket.lines:
        first = ", ".join(f"{line.cartridge.name} × {line.quantity}" for line in ticket.lines)
    if len(first) > SUBJECT_LENGTH:
        first = first[:SUBJECT_LENGTH - 1].rstrip() + "…"
    return first


def latest_change(actor: Actor, number: str | None = None) -> str:
    """A token that changes whenever a current request the actor sees (or the one request) changes or appears.

    Pages poll it to say "updated": every change to a request (transition, comment, assignment) moves its
    updated_at, and a new request starts with one; the newest is one step down the (archived, updated_at)
    index, where a count would read the whole scope.
    """
    query = scope(Ticket.select(pw.fn.MAX(Ticket.updated_at)), actor)
    query = query.where((Ticket.number == number) if number is not None else not_archived())
    latest = query.scalar()
    return latest.isoformat() if hasattr(latest, "isoformat") else str(latest or "")
