"""An email for an outbox message: plain text and HTML with the request's card, threading headers.

The HTML comes from a jinja2 template with autoescape on: a description or comment is text, never markup.
A request's emails form one thread: each refers to the request's root Message-ID.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from jinja2 import Environment

from helpdesk.core.catalog import type_name
from helpdesk.core.errors import N_
from helpdesk.core.lifecycle import STATUS_LABELS
from helpdesk.core.tickets import PRIORITY_LABELS
from helpdesk.db.models import Comment, OutboxMessage, Ticket, utcnow
from helpdesk.i18n import translate
from helpdesk.notify.messages import render

_HTML = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family: Arial, sans-serif; color: #1f2933; line-height: 1.4">
<h2 style="font-size: 18px; margin: 0 0 12px">{{ subject }}</h2>
{% for line in lines %}<p style="margin: 0 0 8px; white-space: pre-wrap">{{ line }}</p>{% endfor %}
{% if card %}<table style="border-collapse: collapse; margin: 12px 0" cellpadding="4">
{% for label, value in card %}<tr><th align="left" style="color: #52606d; font-weight: normal; vertical-align: top">{{ label }}</th>
<td style="white-space: pre-wrap">{{ value }}</td></tr>{% endfor %}
</table>{% endif %}
{% if link %}<p><a href="{{ link }}" style="color: #1a56db">{{ open_label }}</a></p>{% endif %}
<p style="color: #7b8794; font-size: 12px">{{ footer }}</p>
</body></html>
""")


def thread_id(ticket_number: str, domain: str) -> str:
    """The Message-ID every email about one request refers to (In-Reply-To, References)."""
    return f"<request-{ticket_number}@{domain}>"


def domain_of(sender: str) -> str:
    return sender.rpartition("@")[2].strip("> ") or "helpdesk.local"


def card(ticket: Ticket, lang: str) -> list[tuple[str, str]]:
    """The request's facts as (label, value) rows, in the recipient's language."""
    rows = [
        (translate(N_("Request"), lang), ticket.number),
        (translate(N_("Type"), lang), type_name(ticket.type, lang)),
        (translate(N_("Status"), lang), translate(STATUS_LABELS.get(ticket.status, ticket.status), lang)),
        (translate(N_("Priority"), lang), translate(PRIORITY_LABELS.get(ticket.priority, ticket.priority), lang)),
        (translate(N_("Branch"), lang), ticket.branch.name),
        (translate(N_("Author"), lang), ticket.author.display_name),
    ]
    if ticket.assignee_id:
        rows.append((translate(N_("Assignee"), lang), ticket.assignee.display_name))
    if ticket.description:
        rows.append((translate(N_("Description"), lang), ticket.description[:2000]))
    lines = [f"{line.cartridge.name} × {line.quantity}" for line in ticket.lines]
    if lines:
        rows.append((translate(N_("Items"), lang), "\n".join(lines)))
    return rows


def build(message: OutboxMessage, sender: str, panel_url: str) -> EmailMessage:
    """The whole email for one outbox message: headers, both bodies, the attachment if any."""
    lang = message.user.language if message.user_id else "ru"
    subject, body = render(message)
    ticket = Ticket.get_or_none(Ticket.id == message.ticket_id) if message.ticket_id else None
    domain = domain_of(sender)
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.address
    mail["Subject"] = subject
    mail["Date"] = format_datetime(utcnow().replace(tzinfo=dt.UTC))
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office robots do not answer
    mail["X-Auto-Response-Suppress"] = "All"
    link = ""
    rows: list[tuple[str, str]] = []
    if ticket is not None:
        root = thread_id(ticket.number, domain)
        if message.kind == "ticket_created":
            mail["Message-ID"] = make_msgid(f"request-{ticket.number}.{message.id}", domain)
        else:
            mail["Message-ID"] = make_msgid(f"n{message.id}", domain)
        mail["In-Reply-To"] = root
        mail["References"] = root
        link = f"{panel_url.rstrip('/')}/requests/{ticket.number}" if panel_url else ""
        rows = card(ticket, lang)
    else:
        mail["Message-ID"] = make_msgid(f"n{message.id}", domain)
    lines = body.split("\n")[1:] if ticket is None else _own_lines(message, lang)
    open_label = translate(N_("Open the request in the panel"), lang)
    footer = translate(N_("This message was sent by the helpdesk automatically; replies are not read."), lang)
    text = "\n\n".join(part for part in (
        subject, "\n".join(lines), "\n".join(f"{label}: {value}" for label, value in rows),
        f"{open_label}: {link}" if link else "", footer) if part)
    mail.set_content(text)
    mail.add_alternative(_HTML.render(lang=lang, subject=subject, lines=lines, card=rows, link=link,
                                      open_label=open_label, footer=footer), subtype="html")
    attachment = (message.payload or {}).get("attachment")
    if attachment:
        _attach(mail, Path(attachment["path"]), attachment.get("name") or Path(attachment["path"]).name)
    return mail


def _own_lines(message: OutboxMessage, lang: str) -> list[str]:
    """What the notice says beyond the card: a reason, a comment."""
    payload = message.payload or {}
    lines = []
    if payload.get("reason"):
        lines.append(translate(N_("Reason: %(reason)s"), lang, reason=payload["reason"]))
    if message.kind == "comment_added":
        comment = Comment.get_or_none(Comment.id == payload.get("comment_id"))
        if comment is not None:
            lines.append(comment.body[:2000])
    return lines


def _attach(mail: EmailMessage, path: Path, name: str) -> None:
    ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    maintype, subtype = ctype.split("/", 1)
    mail.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=name)
