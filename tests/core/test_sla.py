"""SLA deadlines in business hours; reminders and escalation go out once per level."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from helpdesk.core import sla, tickets
from helpdesk.db.models import Holiday, OutboxMessage, Ticket
from tests.conftest import Org

MSK = ZoneInfo("Europe/Moscow")


def utc(y: int, mo: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    """A Moscow wall-clock time as naive UTC."""
    return dt.datetime(y, mo, d, h, mi, tzinfo=MSK).astimezone(dt.UTC).replace(tzinfo=None)


CAL = sla.Calendar()


def test_within_the_working_day() -> None:
    assert sla.add_business_minutes(utc(2026, 11, 25, 10), 60, CAL) == utc(2026, 11, 25, 11)


def test_after_hours_starts_next_morning() -> None:
    assert sla.add_business_minutes(utc(2026, 11, 25, 20), 60, CAL) == utc(2026, 11, 26, 10)
    assert sla.add_business_minutes(utc(2026, 11, 25, 7), 30, CAL) == utc(2026, 11, 25, 9, 30)


def test_spans_the_weekend() -> None:
    # Friday 17:30 + 1 hour: 30 minutes on Friday, 30 on Monday.
    assert sla.add_business_minutes(utc(2026, 11, 27, 17, 30), 60, CAL) == utc(2026, 11, 30, 9, 30)


def test_skips_holidays() -> None:
    cal = sla.Calendar(holidays=frozenset({dt.date(2026, 11, 30)}))
    assert sla.add_business_minutes(utc(2026, 11, 27, 17, 30), 60, cal) == utc(2026, 12, 1, 9, 30)


def test_calendar_from_database(org: Org) -> None:
    Holiday.create(day=dt.date(2027, 1, 1), name="Новый год")
    cal = sla.load_calendar()
    assert cal.timezone.key == "Europe/Moscow" and dt.date(2027, 1, 1) in cal.holidays
    assert cal.day_start == dt.time(9) and cal.work_days == frozenset({1, 2, 3, 4, 5})


def test_reminder_then_escalation_once_each(org: Org) -> None:
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Printer is dead"))
    due = ticket.accept_due_at
    assert sla.sweep(now=due - dt.timedelta(minutes=1)) == {"reminded": 0, "escalated": 0}
    assert sla.sweep(now=due + dt.timedelta(minutes=1)) == {"reminded": 1, "escalated": 0}
    assert sla.sweep(now=due + dt.timedelta(minutes=2)) == {"reminded": 0, "escalated": 0}, "sent once"
    assert sla.sweep(now=due + dt.timedelta(minutes=61)) == {"reminded": 0, "escalated": 1}
    assert sla.sweep(now=due + dt.timedelta(minutes=120)) == {"reminded": 0, "escalated": 0}
    kinds = [(m.kind, m.address) for m in OutboxMessage.select().where(OutboxMessage.ticket == ticket)
             .order_by(OutboxMessage.id)]
    assert kinds == [("ticket_created", "1002"), ("sla_reminder", "1002"), ("sla_escalation", "1001")]
    assert Ticket.get_by_id(ticket.id).sla_level == 2


def test_accepted_requests_are_not_reminded(org: Org) -> None:
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Printer is dead"))
    Ticket.update(status="accepted").where(Ticket.id == ticket.id).execute()
    assert sla.sweep(now=ticket.accept_due_at + dt.timedelta(days=1)) == {"reminded": 0, "escalated": 0}
