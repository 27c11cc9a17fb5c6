"""The notification log (administrators): every outbox message, its state, and "send again" for failed ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from helpdesk.core import audit, fields, outbox
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import N_, Conflict, NotFound
from helpdesk.db.models import OutboxMessage, Ticket, User, utcnow

STATUSES = ("pending", "sending", "sent", "failed", "expired")
STATUS_LABELS = {"pending": N_("queued"), "sending": N_("sending"), "sent": N_("sent"), "failed": N_("failed"),
                 "expired": N_("expired")}
CHANNELS = ("telegram", "email")
FAILED_WINDOW = dt.timedelta(days=1)


@dataclass(frozen=True)
class LogFilter:
    status: str = ""
    channel: str = ""
    kind: str = ""
    text: str = ""  # an address, a person's name or a request's number


def search(actor: Actor, flt: LogFilter, page: int = 1, per_page: int = 50) -> tuple[list[OutboxMessage], int]:
    """Outbox messages, newest first, with their recipient and request joined in one query."""
    require_admin(actor)
    query = (OutboxMessage.select(OutboxMessage, User, Ticket)
             .join(User, pw.JOIN.LEFT_OUTER, on=(OutboxMessage.user == User.id))
             .switch(OutboxMessage).join(Ticket, pw.JOIN.LEFT_OUTER, on=(OutboxMessage.ticket == Ticket.id)))
    if flt.status in STATUSES:
        query = query.where(OutboxMessage.status == flt.status)
    if flt.channel in CHANNELS:
        query = query.where(OutboxMessage.channel == flt.channel)
    if flt.kind:
        query = query.where(OutboxMessage.kind == flt.kind[:32])
    text = fields.clean_text(flt.text).strip()[:100]
    if text:
        like = f"%{text}%"
        query = query.where(OutboxMessage.address.contains(text) | (Ticket.number == text)
                            | User.display_name.ilike(like))
    total = query.count()
    page = max(1, page)
    rows = list(query.order_by(OutboxMessage.id.desc()).paginate(page, per_page))
    return rows, total


def kinds() -> list[str]:
    return [row.kind for row in OutboxMessage.select(OutboxMessage.kind).distinct().order_by(OutboxMessage.kind)]


def retry(actor: Actor, message_id: int) -> None:
    """A failed or expired message goes out again at once, with a fresh count of attempts."""
    require_admin(actor)
    message = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
    if message is None:
        raise NotFound(N_("No such notification."))
    with outbox.changes():
        now = utcnow()
        updated = (OutboxMessage.update(status="pending", attempts=0, due_at=now)
                   .where((OutboxMessage.id == message_id) & OutboxMessage.status.in_(("failed", "expired")))
                   .execute())
        if not updated:
            raise Conflict(N_("Only a failed notification can be sent again."))
        audit.record(actor, "outbox_retry", entity="outbox_message", entity_id=message_id,
                     before={"status": message.status, "error": message.last_error[:200]})
        outbox.mark_written()


def failed_recently(now: dt.datetime | None = None) -> int:
    """Messages whose last attempt failed within the last day (for /healthz)."""
    now = now or utcnow()
    return (OutboxMessage.select().where((OutboxMessage.status == "failed")
                                         & (OutboxMessage.due_at >= now - FAILED_WINDOW)).count())
