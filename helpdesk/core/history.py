"""What each person sees of a request's past: its history and its comments. Every channel renders this.

Staff see everything. Branch users never see internal notes, nor any event about one (the audit keeps
"… wrote an internal note" too, and that alone would tell them a note exists).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from helpdesk.core.actors import Actor
from helpdesk.core.audit import ACTION_LABELS
from helpdesk.core.visibility import can_see
from helpdesk.db.models import AuditEvent, Comment, Ticket

STAFF_ONLY_ACTIONS = frozenset({"note"})


@dataclass(frozen=True)
class HistoryItem:
    """One event in a request's life, as a channel shows it."""

    at: dt.datetime
    action: str  # the audit action: create, accept, comment, assign, …
    label: str  # msgid of what happened ("accepted"), translated where shown
    who: str | None  # the person's display name; None: the system (auto-close, archiving)
    channel: str
    status: str | None = None  # the status it moved the request to, if it did


def _staff_only(event: AuditEvent) -> bool:
    return event.action in STAFF_ONLY_ACTIONS or bool((event.after or {}).get("internal"))


def for_request(actor: Actor, ticket: Ticket) -> list[HistoryItem]:
    """The request's events the actor may see, oldest first (nothing when the request is not theirs)."""
    if not can_see(actor, ticket):
        return []
    events = (AuditEvent.select().where(AuditEvent.ticket == ticket).order_by(AuditEvent.id))
    items = []
    for event in events:
        if _staff_only(event) and not actor.is_staff:
            continue
        before, after = event.before or {}, event.after or {}
        items.append(HistoryItem(
            at=event.created_at, action=event.action, label=ACTION_LABELS.get(event.action, event.action),
            who=event.actor.display_name if event.actor_id else None, channel=event.channel,
            status=after.get("status") if after.get("status") != before.get("status") else None))
    return items


def comments(actor: Actor, ticket: Ticket) -> list[Comment]:
    """Comments the actor may read: internal notes only for staff."""
    if not can_see(actor, ticket):
        return []
    query = Comment.select().where(Comment.ticket == ticket)
    if not actor.is_staff:
        query = query.where(~Comment.internal)
    return list(query.order_by(Comment.id))
