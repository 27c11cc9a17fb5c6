"""What the Mini App's screens get as JSON: domain objects with their labels already translated."""

from __future__ import annotations

from typing import Any

from helpdesk.core import catalog, history, lifecycle
from helpdesk.core.actors import Actor
from helpdesk.db.models import Printer, Ticket
from helpdesk.formatting import local_time
from helpdesk.i18n import get_language, gettext


def offer(item: catalog.CartridgeOffer) -> dict[str, Any]:
    cartridge = item.cartridge
    return {"id": cartridge.id, "name": cartridge.name, "vendor": cartridge.vendor, "article": cartridge.article,
            "compatible": item.compatible, "in_stock": item.in_stock, "source": item.stock_source,
            "as_of": local_time(item.stock_updated_at) if item.stock_updated_at else None,
            "stock_note": item.stock_note(get_language())}


def printer(item: Printer) -> dict[str, Any]:
    label = " · ".join(filter(None, [item.model.name, item.inventory_number, item.location]))
    return {"id": item.id, "label": label}


def summary(ticket: Ticket) -> dict[str, Any]:
    """A request as one line of a list."""
    lines = [{"name": line.cartridge.name, "quantity": line.quantity} for line in ticket.lines]
    return {
        "number": ticket.number, "type": catalog.type_name(ticket.type, get_language()),
        "status": ticket.status, "status_label": gettext(lifecycle.STATUS_LABELS[ticket.status]),
        "branch": ticket.branch.name, "author": ticket.author.display_name,
        "created": local_time(ticket.created_at), "description": ticket.description, "lines": lines,
    }


def detail(actor: Actor, ticket: Ticket) -> dict[str, Any]:
    """A request as its screen shows it: what the actor may see of its past, and what they may do now."""
    events = [{"at": local_time(item.at), "label": gettext(item.label),
               "who": item.who or gettext("System"),
               "status": gettext(lifecycle.STATUS_LABELS[item.status]) if item.status else None}
              for item in history.for_request(actor, ticket)]
    comments = [{"at": local_time(c.created_at), "who": c.author.display_name if c.author_id else gettext("System"),
                 "body": c.body, "internal": c.internal} for c in history.comments(actor, ticket)]
    actions = [{"action": a, "label": gettext(lifecycle.action_label(ticket, a)),
                "needs_reason": lifecycle.TRANSITIONS[a].needs_reason}
               for a in lifecycle.allowed_actions(actor, ticket)]
    return summary(ticket) | {"reject_reason": ticket.reject_reason, "history": events, "comments": comments,
                              "actions": actions}
