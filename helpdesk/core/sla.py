"""SLA deadlines in business hours, and the sweep that reminds and escalates once per level."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import peewee as pw

from helpdesk.business_time import Calendar, add_business_minutes, business_minutes_between
from helpdesk.core import outbox
from helpdesk.core.cache import cached
from helpdesk.core.errors import N_
from helpdesk.core.lifecycle import staff_for
from helpdesk.db.database import db, is_sqlite, write_transaction
from helpdesk.db.models import (
    BusinessCalendar,
    Holiday,
    OutboxMessage,
    SlaPolicy,
    Ticket,
    TicketType,
    User,
    not_archived,
    utcnow,
)

UTC = dt.UTC


def load_calendar() -> Calendar:
    return cached("calendar", _load_calendar)


def _load_calendar() -> Calendar:
    row = BusinessCalendar.select().order_by(BusinessCalendar.id).first()
    days = list(Holiday.select(Holiday.day, Holiday.working))
    holidays = frozenset(h.day for h in days if not h.working)
    extra = frozenset(h.day for h in days if h.working)
    if row is None:
        return Calendar(holidays=holidays, extra_work_days=extra)
    return Calendar(
        timezone=ZoneInfo(row.timezone),
        work_days=frozenset(int(d) for d in row.work_days.split(",") if d.strip()),
        day_start=dt.time.fromisoformat(row.day_start),
        day_end=dt.time.fromisoformat(row.day_end),
        holidays=holidays,
        extra_work_days=extra,
    )


def store_durations(ticket_ids: list[int] | None = None) -> int:
    """Write each request's business minutes from creation to acceptance and to resolution.

    Reports aggregate these stored numbers (median, p90) in SQL instead of walking the calendar for
    every row; lifecycle.transition keeps them current, this recomputes them after a calendar change,
    an import or a backdating (the demo). Returns how many requests were written."""
    calendar = load_calendar()
    query = (Ticket.select(Ticket.id, Ticket.created_at, Ticket.accepted_at, Ticket.resolved_at)
             .where(Ticket.accepted_at.is_null(False) | Ticket.resolved_at.is_null(False)).order_by(Ticket.id))
    if ticket_ids is not None:
        query = query.where(Ticket.id.in_(ticket_ids))
    written = 0
    for created, accepted, resolved, ticket_id in [(r[1], r[2], r[3], r[0]) for r in query.tuples()]:
        accept = business_minutes_between(created, accepted, calendar) if accepted else None
        resolve = business_minutes_between(created, resolved, calendar) if resolved else None
        Ticket.update(accept_minutes=accept, resolve_minutes=resolve).where(Ticket.id == ticket_id).execute()
        written += 1
    return written


def next_working_moment(now: dt.datetime, calendar: Calendar) -> dt.datetime:
    """`now` when it falls in working time, else the next working day's opening (naive UTC)."""
    return add_business_minutes(now, 0, calendar)


def _policies() -> dict[int, tuple[int, int, int]]:
    return cached("policies", lambda: {p.ticket_type_id: (p.accept_minutes, p.resolve_minutes, p.escalate_minutes)
                                       for p in SlaPolicy.select()})


def due_times(ticket_type: TicketType | int, created_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    type_id = ticket_type if isinstance(ticket_type, int) else ticket_type.id
    accept, resolve, _ = _policies().get(type_id, (60, 8 * 60, 60))
    calendar = load_calendar()
    return (add_business_minutes(created_at, accept, calendar),
            add_business_minutes(created_at, resolve, calendar))


# The SLA state of a request: which deadline runs now, and how close it is.
# A new request must be accepted by accept_due_at; an accepted one, or one in work, resolved by resolve_due_at.
# Resolved and finished requests have no running deadline.
DUE_SOON = dt.timedelta(hours=1)
SLA_STATES = ("overdue", "due_soon", "ok")
SLA_LABELS = {"overdue": N_("Overdue"), "due_soon": N_("Due within the hour"), "ok": N_("On time")}
_RESOLVING = ("accepted", "in_progress")


def running_deadline(ticket: Ticket) -> dt.datetime | None:
    """The deadline that runs now: accept-by for a new request, resolve-by while it is worked on."""
    if ticket.archived:
        return None
    if ticket.status == "new":
        return ticket.accept_due_at
    if ticket.status in _RESOLVING:
        return ticket.resolve_due_at
    return None


def sla_state(ticket: Ticket, now: dt.datetime | None = None) -> str | None:
    """"overdue", "due_soon" (within DUE_SOON), "ok", or None when no deadline runs."""
    due = running_deadline(ticket)
    if due is None:
        return None
    now = now or utcnow()
    if due <= now:
        return "overdue"
    return "due_soon" if due <= now + DUE_SOON else "ok"


def sla_condition(state: str, now: dt.datetime) -> pw.Expression:
    """The SQL condition for requests in an SLA state (the list's filter, the views' counts)."""
    accept_part, resolve_part = sla_condition_parts(state, now)
    either = (accept_part | resolve_part) & not_archived()
    if not is_sqlite():
        # PostgreSQL takes every status condition as independent of the others: with the open statuses
        # again it expected 2 rows of 10,000 and bitmap-read every open request (~5,900 buffers for an
        # admin's "overdue" at a million) where walking the newest takes a handful.
        return either
    # The open statuses again, redundant for the result: SQLite then reads a narrow index range
    # (archived, status, deadlines: migration 0014) instead of every current request.
    return Ticket.status.in_(("new", *_RESOLVING)) & either


def sla_condition_parts(state: str, now: dt.datetime) -> tuple[pw.Expression, pw.Expression]:
    """`sla_condition` as its accept-deadline and resolve-deadline halves, disjoint by status: counted
    apart, each reads its (archived, status, due) index instead of every current request."""
    accept, resolve = Ticket.accept_due_at, Ticket.resolve_due_at
    new, working = (Ticket.status == "new"), Ticket.status.in_(_RESOLVING)
    if state == "overdue":
        return new & (accept <= now), working & (resolve <= now)
    if state == "due_soon":
        soon = now + DUE_SOON
        return new & (accept > now) & (accept <= soon), working & (resolve > now) & (resolve <= soon)
    if state == "ok":
        soon = now + DUE_SOON
        return new & (accept.is_null() | (accept > soon)), working & (resolve.is_null() | (resolve > soon))
    raise ValueError(state)


# (level field, which statuses the deadline runs in, its due field, the kinds of its two notices)
DEADLINES = {
    "accept": (Ticket.sla_level, ("new",), Ticket.accept_due_at, ("sla_reminder", "sla_escalation")),
    "resolve": (Ticket.resolve_sla_level, _RESOLVING, Ticket.resolve_due_at, ("resolve_reminder", "resolve_escalation")),
}


def _claim_level(deadline: str, ticket_id: int, level: int) -> bool:
    # Compare-and-set: a reminder goes out once per level, whatever restarts or parallel sweeps do.
    level_field, statuses, _, _ = DEADLINES[deadline]
    return (Ticket.update({level_field: level})
            .where((Ticket.id == ticket_id) & (level_field == level - 1) & Ticket.status.in_(statuses))
            .execute()) == 1


SWEEP_BATCH = 200  # reminders per transaction: one commit each, not one per request


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Remind when a deadline (accept, then resolve) passes, then escalate to admins; once per level.

    Each level is claimed per request by compare-and-set inside the batch's transaction, so a request
    is reminded once whatever restarts or parallel sweeps do; a batch commits its claims and notices
    together."""
    now = now or utcnow()
    counts = {"reminded": 0, "escalated": 0}
    escalate_after = {type_id: minutes for type_id, (_, _, minutes) in _policies().items()}
    staff: dict[int | None, list[User]] = {}  # per warehouse, for this sweep
    admins: list[User] = []
    for deadline, (level_field, statuses, due_field, (remind_kind, escalate_kind)) in DEADLINES.items():
        # Read whole before writing: a SQLite reader that later writes fails when another wrote meanwhile.
        overdue = list(Ticket.select(Ticket.id, Ticket.number, Ticket.type, Ticket.warehouse, Ticket.branch,
                                     Ticket.assignee, Ticket.priority, due_field, level_field)
                       .where((due_field <= now) & Ticket.status.in_(statuses) & not_archived()
                              & (level_field < 2)))
        due_now = []
        for ticket in overdue:
            level, due = getattr(ticket, level_field.name), getattr(ticket, due_field.name)
            if level == 0:
                due_now.append((ticket, 1))
            elif due + dt.timedelta(minutes=escalate_after.get(ticket.type_id, 60)) <= now:
                due_now.append((ticket, 2))
        if due_now and not admins:
            admins = list(User.select().where((User.role == "admin") & User.active))
        for start in range(0, len(due_now), SWEEP_BATCH):
            with outbox.changes():
                for ticket, level in due_now[start:start + SWEEP_BATCH]:
                    if not _claim_level(deadline, ticket.id, level):
                        continue
                    if level == 2:
                        outbox.notify(admins, escalate_kind, {"number": ticket.number, "level": 2}, ticket=ticket)
                        counts["escalated"] += 1
                        continue
                    if ticket.warehouse_id not in staff:
                        staff[ticket.warehouse_id] = staff_for(ticket)
                    people = list(staff[ticket.warehouse_id])
                    if deadline == "resolve" and ticket.assignee_id:
                        people.insert(0, ticket.assignee)
                    outbox.notify(people, remind_kind, {"number": ticket.number, "level": 1}, ticket=ticket)
                    counts["reminded"] += 1
    return counts


def recompute_open(type_ids: list[int] | None = None) -> int:
    """After an SLA policy or calendar change: the running deadlines of open requests follow it.

    Only rows whose deadlines move are written, a few hundred per statement. Reminders
    already sent stay sent (their levels are kept). Returns how many requests moved."""
    query = Ticket.select(Ticket.id, Ticket.type, Ticket.created_at, Ticket.accept_due_at,
                          Ticket.resolve_due_at).where(Ticket.status.in_(("new", *_RESOLVING)) & not_archived())
    if type_ids is not None:
        query = query.where(Ticket.type.in_(type_ids))
    moved = []
    for ticket_id, type_id, created_at, accept_was, resolve_was in list(query.tuples()):
        accept, resolve = due_times(type_id, created_at)
        if (accept, resolve) != (accept_was, resolve_was):
            moved.append((ticket_id, accept, resolve))
    with write_transaction():
        for start in range(0, len(moved), RECOMPUTE_BATCH):
            batch = moved[start:start + RECOMPUTE_BATCH]
            rows = ", ".join([f"({db.param}, {db.param}, {db.param})"] * len(batch))
            # One statement per batch (both engines know WITH … UPDATE … FROM): a row-by-row UPDATE
            # took a minute for 100k open requests on PostgreSQL.
            db.execute_sql(f"WITH moved(id, accept, resolve) AS (VALUES {rows}) "
                           "UPDATE ticket SET accept_due_at = moved.accept, resolve_due_at = moved.resolve "
                           "FROM moved WHERE ticket.id = moved.id",
                           [value for row in batch for value in row])
    return len(moved)


RECOMPUTE_BATCH = 500


REMINDER_LABELS = {"sla_reminder": N_("Accept deadline passed: storekeepers reminded"),
                   "sla_escalation": N_("Accept deadline: escalated to admins"),
                   "resolve_reminder": N_("Resolve deadline passed: reminded"),
                   "resolve_escalation": N_("Resolve deadline: escalated to admins")}


@dataclass(frozen=True)
class ReminderSent:
    kind: str
    at: dt.datetime
    recipients: int


def reminders_sent(ticket: Ticket) -> list[ReminderSent]:
    """The SLA reminders and escalations queued for a request, one line per level (staff see them)."""
    rows = (OutboxMessage.select(OutboxMessage.kind, pw.fn.MIN(OutboxMessage.created_at).alias("at"),
                                 pw.fn.COUNT(OutboxMessage.id).alias("n"))
            .where((OutboxMessage.ticket == ticket.id) & OutboxMessage.kind.in_(list(REMINDER_LABELS)))
            .group_by(OutboxMessage.kind).order_by(pw.fn.MIN(OutboxMessage.created_at)).tuples())
    return [ReminderSent(kind, at, n) for kind, at, n in rows]
