"""Texts the bot shows: request cards, order summaries, list lines."""

from __future__ import annotations

from aiogram import html

from helpdesk.core import history
from helpdesk.core.actors import Actor
from helpdesk.core.catalog import type_name
from helpdesk.core.lifecycle import STATUS_LABELS
from helpdesk.db.models import CartridgeModel, Ticket
from helpdesk.formatting import local_time
from helpdesk.i18n import translate

MAX_MESSAGE = 4096
STATUS_ICONS = {"new": "🆕", "accepted": "📥", "in_progress": "🛠", "resolved": "✅", "closed": "📦",
                "rejected": "⛔", "cancelled": "✖"}


def status(ticket: Ticket, lang: str) -> str:
    label = translate(STATUS_LABELS[ticket.status], lang)
    return f"{STATUS_ICONS.get(ticket.status, '')} {label}"


def list_line(ticket: Ticket, lang: str) -> str:
    return f"{STATUS_ICONS.get(ticket.status, '')} {ticket.number} · {type_name(ticket.type, lang)}"


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Telegram refuses longer messages: parts within `limit`, cut at line breaks where there are some."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    parts.append(text)
    return [p for p in parts if p]


def fit(text: str, limit: int = MAX_MESSAGE) -> str:
    """One message: the first part, and say the rest was cut."""
    if len(text) <= limit:
        return text
    return split_text(text, limit - 2)[0] + "\n…"


def lines_text(lines: list[tuple[str, int]]) -> str:
    return "\n".join(f"• {name} × {quantity}" for name, quantity in lines)


def order_summary(data: dict, lang: str) -> str:
    names = {c.id: c.name for c in CartridgeModel.select().where(CartridgeModel.id.in_(
        [int(cid) for cid in data.get("lines", {})]))}
    lines = [(names.get(int(cid), "?"), qty) for cid, qty in data.get("lines", {}).items()]
    parts = [translate("Your order:", lang), lines_text(lines)]
    if data.get("comment"):
        parts.append(translate("Comment: %(text)s", lang, text=data["comment"]))
    return "\n".join(parts)


def ticket_card(ticket: Ticket, actor: Actor, lang: str) -> str:
    """Everything a user needs about one request: status, what, history and comments."""
    title = translate("Request %(number)s", lang, number=ticket.number)
    parts = [f"<b>{title}</b> · {escape(type_name(ticket.type, lang))}",
             translate("Status: %(status)s", lang, status=status(ticket, lang)),
             translate("Branch: %(name)s", lang, name=escape(ticket.branch.name)),
             translate("Created: %(when)s", lang, when=local_time(ticket.created_at))]
    lines = [(line.cartridge.name, line.quantity) for line in ticket.lines]
    if lines:
        parts.append(escape(lines_text(lines)))
    if ticket.description:
        parts.append(escape(ticket.description))
    if ticket.reject_reason:
        parts.append(translate("Reason: %(reason)s", lang, reason=escape(ticket.reject_reason)))
    events = history.for_request(actor, ticket)
    if events:
        parts.append("\n" + translate("History:", lang))
        for item in events:
            label = translate(item.label, lang)
            if item.status:
                status_label = translate(STATUS_LABELS[item.status], lang)
                label += f" → {status_label}"
            who = item.who or translate("system", lang)
            parts.append(f"{local_time(item.at, '%d.%m %H:%M')} — {escape(label)} ({escape(who)})")
    comments = history.comments(actor, ticket)
    if comments:
        parts.append("\n" + translate("Comments:", lang))
        for comment in comments[-10:]:
            who = comment.author.display_name if comment.author_id else "—"
            note = "🔒 " if comment.internal else ""
            parts.append(f"{note}<i>{escape(who)}</i>: {escape(comment.body)}")
    return fit("\n".join(parts))


def escape(text: str) -> str:
    """For messages sent with parse_mode HTML."""
    return html.quote(text)
