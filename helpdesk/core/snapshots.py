"""Plain-dict views of domain rows: for audit before/after and for the JSON API."""

from __future__ import annotations

from typing import Any

from helpdesk.db.models import Ticket


def ticket_state(ticket: Ticket) -> dict[str, Any]:
    """The fields an audit event compares."""
    return {
        "status": ticket.status,
        "assignee_id": ticket.assignee_id,
        "priority": ticket.priority,
        "description": ticket.description,
        "archived": ticket.archived,
        "reject_reason": ticket.reject_reason,
    }
