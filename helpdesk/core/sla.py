"""SLA deadlines in business hours, and the sweep that reminds and escalates once per level."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import peewee as pw

from helpdesk.core import outbox
from helpdesk.core.cache import cached
from helpdesk.core.errors import N_
from helpdesk.core.lifecycle import staff_for
from helpdesk.db.models import (
    BusinessCalendar,
    Holiday,
    SlaPolicy,
    Ticket,
    TicketType,
    User,
    not_archived,
    utcnow,
)

UTC = dt.UTC


@dataclass(frozen=True)
class Calendar:
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Moscow"))
    work_days: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    day_start: dt.time = dt.time(9, 0)
    day_end: dt.time = dt.time(18, 0)
    holidays: frozenset[dt.date] = frozenset()

    def is_work_day(self, day: dt.date) -> bool:
        return day.isoweekday() in self.work_days and day not in self.holidays


def load_calendar() -> Calendar:
    return cached("calendar", _load_calendar)


def _load_calendar() -> Calendar:
    row = BusinessCalendar.select().order_by(BusinessCalendar.id).first()
    holidays = frozenset(h.day for h in Holiday.select(Holiday.day))
    if row is None:
        return Calendar(holidays=holidays)
    return Calendar(
        timezone=ZoneInfo(row.timezone),
        work_days=frozenset(int(d) for d in row.work_days.split(",") if d.strip()),
        day_start=dt.time.fromisoformat(row.day_start),
        day_end=dt.time.fromisoformat(row.day_end),
        holidays=holidays,
    )


def add_business_minutes(start: dt.datetime, minutes: int, calendar: Calendar) -> dt.datetime:
    """The naive-UTC moment `minutes` of working time after `start` (naive UTC)."""
    if not calendar.work_days or calendar.day_end <= calendar.day_start:
        return start + dt.timedelta(minutes=minutes)  # no usable calendar: count wall-clock time
    tz = calendar.timezone
    local = start.replace(tzinfo=UTC).astimezone(tz)
    remaining = dt.timedelta(minutes=minutes)
    for _ in range(3700):  # ten years of days: a bound, never reached with a sane calendar
        day = local.date()
        opens = dt.datetime.combine(day, calendar.day_start, tz)
        closes = dt.datetime.combine(day, calendar.day_end, tz)
        if not calendar.is_work_day(day) or local >= closes:
            local = dt.datetime.combine(day + dt.timedelta(days=1), calendar.day_start, tz)
            continue
        local = max(local, opens)
        available = closes - local
        if remaining <= available:
            return (local + remaining).astimezone(UTC).replace(tzinfo=None)
        remaining -= available
        local = dt.datetime.combine(day + dt.timedelta(days=1), calendar.day_start, tz)
    raise ValueError("business calendar has no working time")


def due_times(ticket_type: TicketType, created_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    policies = cached("policies", lambda: {p.ticket_type_id: (p.accept_minutes, p.resolve_minutes)
                                            for p in SlaPolicy.select()})
    accept, resolve = policies.get(ticket_type.id, (60, 8 * 60))
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
    accept, resolve = Ticket.accept_due_at, Ticket.resolve_due_at
    new, working = (Ticket.status == "new"), Ticket.status.in_(_RESOLVING)
    if state == "overdue":
        cond = (new & (accept <= now)) | (working & (resolve <= now))
    elif state == "due_soon":
        soon = now + DUE_SOON
        cond = (new & (accept > now) & (accept <= soon)) | (working & (resolve > now) & (resolve <= soon))
    elif state == "ok":
        soon = now + DUE_SOON
        cond = ((new & (accept.is_null() | (accept > soon)))
                | (working & (resolve.is_null() | (resolve > soon))))
    else:
        raise ValueError(state)
    # The open statuses again, redundant for the result: the planner then reads a narrow index range
    # (archived, status, deadlines: migration 0014) instead of every current request.
    return Ticket.status.in_(("new", *_RESOLVING)) & cond & not_archived()


def _claim_level(ticket_id: int, level: int) -> bool:
    # Compare-and-set: a reminder goes out once per level, whatever restarts or parallel sweeps do.
    return (Ticket.update(sla_level=level)
            .where((Ticket.id == ticket_id) & (Ticket.sla_level == level - 1) & (Ticket.status == "new"))
            .execute()) == 1


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Remind storekeepers when the accept deadline passes, then escalate to admins."""
    now = now or utcnow()
    counts = {"reminded": 0, "escalated": 0}
    overdue = (Ticket.select().where((Ticket.status == "new") & not_archived()
                                     & (Ticket.accept_due_at <= now) & (Ticket.sla_level < 2)))
    admins = list(User.select().where((User.role == "admin") & User.active))
    for ticket in overdue:
        if ticket.sla_level == 0:
            with outbox.changes():
                if _claim_level(ticket.id, 1):
                    outbox.notify(staff_for(ticket), "sla_reminder", {"number": ticket.number, "level": 1},
                                  ticket=ticket)
                    counts["reminded"] += 1
            continue
        policy = SlaPolicy.get_or_none(SlaPolicy.ticket_type == ticket.type_id)
        escalate_at = ticket.accept_due_at + dt.timedelta(minutes=policy.escalate_minutes if policy else 60)
        if escalate_at <= now:
            with outbox.changes():
                if _claim_level(ticket.id, 2):
                    outbox.notify(admins, "sla_escalation", {"number": ticket.number, "level": 2}, ticket=ticket)
                    counts["escalated"] += 1
    return counts
