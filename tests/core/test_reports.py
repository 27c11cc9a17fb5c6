"""Reports against numbers worked out by hand, on both engines and in two time zones.

March 2026 (the organisation's days), working hours 09:00-18:00 Monday to Friday, no holidays:

    R1 B1 cartridges HP 85A x3 + drum x1  created Mon 02.03 09:00, accepted 09:30 (30 min), shipped Tue 03.03
                                          10:00 (600 min); accept by 10:00 met, resolve by Mon 17:00 missed
    R2 B1 cartridges HP 85A x2            created Sun 01.03 00:30, accepted Mon 10:00 (60 min), still accepted;
                                          accept by Mon 10:00 met, resolve by Mon 17:00 passed: missed
    R3 B2 cartridges drum x5              created Sat 28.02 23:30 (February!), shipped Mon 02.03 12:00
    R4 B1 repair on printer INV-1         created Wed 04.03 14:00, still new, accept by 15:00 and resolve by
                                          Thu 14:00 passed: both missed
    R5 B3 it_help                         created Thu 05.03 09:00, accepted 11:00 (120 min), resolved Fri 06.03
                                          09:00 (540 min), closed; accept by 10:00 missed, resolve by 09:00 met
    R6 B2 cartridges HP 85A x4            created Tue 10.03 11:00, cancelled (ordered nothing)

"Now" is Fri 20.03 12:00. New York changes to summer time on 08.03, which the local times cross.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from helpdesk.core import cache, lifecycle, reports, sla, tickets
from helpdesk.core.errors import ValidationError
from helpdesk.db.models import BusinessCalendar, Holiday, Ticket
from tests.conftest import Org


@pytest.fixture(params=["Europe/Moscow", "America/New_York"])
def zone(request: pytest.FixtureRequest, org: Org) -> ZoneInfo:
    Holiday.delete().execute()
    BusinessCalendar.delete().execute()
    BusinessCalendar.create(timezone=request.param, work_days="1,2,3,4,5", day_start="09:00", day_end="18:00")
    cache.invalidate()
    return ZoneInfo(request.param)


class Data:
    def __init__(self, org: Org, zone: ZoneInfo) -> None:
        self.org, self.zone = org, zone
        self.now = self.at(20, 12)

    def at(self, day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
        local = dt.datetime(2026, month, day, hour, minute, tzinfo=self.zone)
        return local.astimezone(dt.UTC).replace(tzinfo=None)

    def make(self, persona: str, type_code: str, lines: list[tuple[int, int]] | None = None,
             printer: bool = False, **times: object) -> Ticket:
        ticket = tickets.create(self.org.actor(persona), tickets.TicketDraft(
            type_code, description="Не печатает", lines=lines or [], printer_id=self.org.printer.id if printer else None))
        Ticket.update(**times).where(Ticket.id == ticket.id).execute()
        return Ticket.get_by_id(ticket.id)


@pytest.fixture
def data(org: Org, zone: ZoneInfo) -> Data:
    d = Data(org, zone)
    toner, drum = org.toner.id, org.drum.id
    d.r1 = d.make("bob", "cartridges", [(toner, 3), (drum, 1)], status="resolved", created_at=d.at(2, 9),
                  accepted_at=d.at(2, 9, 30), resolved_at=d.at(3, 10), accept_due_at=d.at(2, 10),
                  resolve_due_at=d.at(2, 17))
    d.r2 = d.make("bea", "cartridges", [(toner, 2)], status="accepted", created_at=d.at(1, 0, 30),
                  accepted_at=d.at(2, 10), accept_due_at=d.at(2, 10), resolve_due_at=d.at(2, 17))
    d.r3 = d.make("carl", "cartridges", [(drum, 5)], status="resolved", created_at=d.at(28, 23, 30, month=2),
                  accepted_at=d.at(2, 9), resolved_at=d.at(2, 12), accept_due_at=d.at(2, 10),
                  resolve_due_at=d.at(2, 17))
    d.r4 = d.make("bob", "repair", printer=True, status="new", created_at=d.at(4, 14), accept_due_at=d.at(4, 15),
                  resolve_due_at=d.at(5, 14))
    d.r5 = d.make("dan", "it_help", status="closed", created_at=d.at(5, 9), accepted_at=d.at(5, 11),
                  resolved_at=d.at(6, 9), closed_at=d.at(6, 10), accept_due_at=d.at(5, 10), resolve_due_at=d.at(6, 9))
    d.r6 = d.make("carl", "cartridges", [(toner, 4)], status="cancelled", created_at=d.at(10, 11),
                  cancelled_at=d.at(10, 12), accept_due_at=d.at(10, 12), resolve_due_at=d.at(11, 11))
    sla.store_durations()
    d.march = reports.ReportFilter(reports.period("month", today=dt.date(2026, 3, 20)))
    return d


def test_a_period_is_the_organisations_days(data: Data) -> None:
    assert data.march.period == reports.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), "month")
    assert data.march.period.bounds() == (data.at(1, 0), data.at(1, 0, month=4))
    today = dt.date(2026, 2, 14)
    assert reports.period("last_month", today=today) == reports.Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31),
                                                                       "last_month")
    assert reports.period("quarter", today=today).last == dt.date(2026, 3, 31)
    assert reports.period("last_quarter", today=today) == reports.Period(
        dt.date(2025, 10, 1), dt.date(2025, 12, 31), "last_quarter")
    assert reports.period("year", today=today).first == dt.date(2026, 1, 1)
    with pytest.raises(ValidationError):
        reports.period("custom", dt.date(2026, 3, 2), dt.date(2026, 3, 1))


def test_cartridges_per_branch_and_model(data: Data) -> None:
    alice = data.org.actor("alice")
    by_branch = [(r.code, r.ordered, r.shipped) for r in reports.cartridges_by_branch(alice, data.march)]
    assert by_branch == [("B1", 6, 4), ("B2", 0, 5)]
    by_model = [(r.name, r.ordered, r.shipped) for r in reports.cartridges_by_model(alice, data.march)]
    assert by_model == [("HP 85A", 5, 3), ("Brother DR-2300", 1, 6)]
    only_drum = reports.ReportFilter(data.march.period, cartridge_id=data.org.drum.id)
    assert [(r.code, r.ordered, r.shipped) for r in reports.cartridges_by_branch(alice, only_drum)] == [
        ("B1", 1, 1), ("B2", 0, 5)]


def test_a_branch_user_sees_only_the_branch(data: Data) -> None:
    bob = data.org.actor("bob")
    assert [(r.code, r.ordered, r.shipped) for r in reports.cartridges_by_branch(bob, data.march)] == [("B1", 6, 4)]
    total = reports.sla_compliance(bob, data.march, data.now)[0]
    assert (total.accept_due, total.accept_met, total.resolve_due, total.resolve_met) == (3, 2, 3, 0)
    assert {t.number for t in reports.breaches(bob, data.march, data.now)} == {data.r1.number, data.r2.number,
                                                                            data.r4.number}
    assert sum(m.created for m in reports.trend(bob, data.march)) == 3
    sue = data.org.actor("sue")  # W2 serves B3 only
    assert [r.name for r in reports.lead_times(sue, data.march, "branch")] == ["Branch three"]


def test_requests_by_type_and_status(data: Data) -> None:
    rows = {r.type.code: (r.total, {s: n for s, n in r.by_status.items() if n})
            for r in reports.requests_by_type_status(data.org.actor("alice"), data.march)}
    assert rows == {"cartridges": (3, {"resolved": 1, "accepted": 1, "cancelled": 1}),
                    "repair": (1, {"new": 1}), "it_help": (1, {"closed": 1})}


def test_lead_times_in_business_minutes(data: Data) -> None:
    alice = data.org.actor("alice")
    assert Ticket.get_by_id(data.r2.id).accept_minutes == 60, "Sunday night counts from Monday 09:00"
    [overall] = reports.lead_times(alice, data.march, "all")
    assert overall.accept == reports.LeadTime(3, 60, 120)  # 30, 60, 120
    assert overall.resolve == reports.LeadTime(2, 540, 600)  # 540, 600
    by_branch = {r.name: (r.accept, r.resolve) for r in reports.lead_times(alice, data.march, "branch")}
    assert by_branch == {"Branch one": (reports.LeadTime(2, 30, 60), reports.LeadTime(1, 600, 600)),
                         "Branch three": (reports.LeadTime(1, 120, 120), reports.LeadTime(1, 540, 540))}
    by_type = {r.name: r.accept.median for r in reports.lead_times(alice, data.march, "type")}
    assert by_type == {"cartridges": 30, "it_help": 120}


def test_sla_compliance_and_breaches(data: Data) -> None:
    alice = data.org.actor("alice")
    total, *rows = reports.sla_compliance(alice, data.march, data.now)
    assert (total.accept_due, total.accept_met, total.resolve_due, total.resolve_met) == (4, 2, 4, 1)
    assert (total.accept_percent, total.resolve_percent) == (50.0, 25.0)
    assert [(r.name, r.accept_due, r.accept_met, r.resolve_due, r.resolve_met) for r in rows] == [
        ("Branch one", 3, 2, 3, 0), ("Branch three", 1, 0, 1, 1), ("Branch two", 0, 0, 0, 0)]
    assert [t.number for t in reports.breaches(alice, data.march, data.now)] == [
        data.r5.number, data.r4.number, data.r1.number, data.r2.number]


def test_backlog_printers_trend_and_heat_map(data: Data) -> None:
    alice = data.org.actor("alice")
    assert [b.count for b in reports.backlog(alice, data.march, data.now)] == [0, 0, 0, 2, 0]
    assert [(p.inventory_number, p.repairs) for p in reports.top_printers(alice, data.march)] == [("INV-1", 1)]
    months = reports.trend(alice, data.march)
    assert len(months) == 12 and months[-1].first == dt.date(2026, 3, 1)
    assert (months[-1].created, months[-1].resolved, months[-2].created, months[-2].resolved) == (5, 3, 1, 0)
    grid = reports.heat_map(alice, data.march)
    cells = {(day, hour): n for day, row in enumerate(grid) for hour, n in enumerate(row) if n}
    assert cells == {(0, 9): 1, (6, 0): 1, (2, 14): 1, (3, 9): 1, (1, 11): 1}


def test_the_lifecycle_stores_business_minutes(org: Org, zone: ZoneInfo) -> None:
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Не печатает"))
    monday = dt.datetime(2026, 3, 2, 9, 0, tzinfo=zone).astimezone(dt.UTC).replace(tzinfo=None)
    Ticket.update(created_at=monday - dt.timedelta(days=3)).where(Ticket.id == ticket.id).execute()  # Friday 09:00
    ticket = lifecycle.transition(org.actor("sam"), Ticket.get_by_id(ticket.id), "accept")
    expected = sla.business_minutes_between(monday - dt.timedelta(days=3), ticket.accepted_at, sla.load_calendar())
    assert ticket.accept_minutes == expected and expected >= 540, "Friday's whole working day at least"


def test_migration_0018_backfills_the_same_minutes(data: Data) -> None:
    import importlib

    from helpdesk.db.database import db

    stored = {t.id: (t.accept_minutes, t.resolve_minutes) for t in Ticket.select()}
    Ticket.update(accept_minutes=None, resolve_minutes=None).execute()
    importlib.import_module("helpdesk.db.migrations.0018_report_lead_times")._backfill(db, batch=2)
    assert {t.id: (t.accept_minutes, t.resolve_minutes) for t in Ticket.select()} == stored
    assert stored[data.r1.id] == (30, 600) and stored[data.r4.id] == (None, None)
