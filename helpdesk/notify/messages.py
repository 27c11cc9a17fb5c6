"""Notification texts, rendered at delivery time in the recipient's language."""

from __future__ import annotations

from typing import Any

from helpdesk.core.catalog import type_name
from helpdesk.core.errors import N_
from helpdesk.core.lifecycle import STATUS_LABELS
from helpdesk.db.models import Comment, OutboxMessage, Ticket
from helpdesk.i18n import translate

SUBJECTS = {
    "ticket_created": N_("New request %(number)s"),
    "status_changed": N_("Request %(number)s: %(status)s"),
    "comment_added": N_("New comment on request %(number)s"),
    "assigned": N_("Request %(number)s is assigned to you"),
    "sla_reminder": N_("Request %(number)s is waiting too long to be accepted"),
    "sla_escalation": N_("Request %(number)s missed its SLA: nobody accepted it"),
    "resolve_reminder": N_("Request %(number)s is past its resolve deadline"),
    "resolve_escalation": N_("Request %(number)s missed its SLA: it is still not resolved"),
    "digest": N_("Your requests today: %(open)s open, %(overdue)s overdue"),
    "scheduled_report": N_("Report: %(name)s"),
    "access_requested": N_("%(name)s asks for access to the helpdesk"),
    "access_approved": N_("Your access to the helpdesk is approved. Press /start."),
    "login_code": N_("Your code to log in to the helpdesk panel: %(code)s"),
}


def render(message: OutboxMessage) -> tuple[str, str]:
    """(subject, body) of an outbox message in its recipient's language."""
    lang = message.user.language if message.user_id else "ru"
    payload: dict[str, Any] = dict(message.payload or {})
    if "status" in payload:
        payload["status"] = translate(STATUS_LABELS.get(payload["status"], payload["status"]), lang)
    payload.setdefault("name", "")
    payload.setdefault("number", "")
    payload.setdefault("open", 0)
    payload.setdefault("overdue", 0)
    subject = translate(SUBJECTS.get(message.kind, message.kind), lang, **payload)
    lines = [subject]
    ticket = Ticket.get_or_none(Ticket.id == message.ticket_id) if message.ticket_id else None
    if ticket is not None:
        lines.append(f"{type_name(ticket.type, lang)} · {ticket.branch.name}")
        if ticket.description:
            lines.append(ticket.description[:500])
        for line in ticket.lines:
            lines.append(f"• {line.cartridge.name} × {line.quantity}")
    if message.payload.get("reason"):
        lines.append(translate(N_("Reason: %(reason)s"), lang, reason=message.payload["reason"]))
    if message.kind == "login_code":
        lines.append(translate(N_("Or open this link on the computer where you log in: %(link)s"), lang,
                               link=payload.get("link", "")))
        lines.append(translate(N_("It works once, for %(minutes)s minutes. If it was not you, ignore this "
                                  "message."), lang, minutes=payload.get("minutes", 10)))
    if message.kind == "digest" and message.payload.get("late"):
        lines.append(translate(N_("Overdue: %(numbers)s"), lang, numbers=", ".join(message.payload["late"])))
    if message.kind == "comment_added":
        comment = Comment.get_or_none(Comment.id == message.payload.get("comment_id"))
        if comment is not None:
            lines.append(comment.body[:1000])
    return subject, "\n".join(lines)
