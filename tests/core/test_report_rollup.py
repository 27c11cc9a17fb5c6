"""The daily rollup (report_day) against the requests themselves after a random run of domain operations,
on both engines and in two time zones: its rows, and every report that reads it."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from helpdesk.core import cache, lifecycle, reports, rollup, tickets
from helpdesk.core.errors import DomainError
from helpdesk.db.models import BusinessCalendar, ReportDay, Ticket
from tests.conftest import Org

ACTIONS = ("accept", "start", "resolve", "reject", "cancel", "confirm")


@pytest.fixture(params=["Europe/Moscow", "America/New_York"])
def zone(request: pytest.FixtureRequest, org: Org) -> ZoneInfo:
    BusinessCalendar.delete().execute()
    BusinessCalendar.create(timezone=request.param, work_days="1,2,3,4,5", day_start="09:00", day_end="18:00")
    cache.invalidate()
    return ZoneInfo(request.param)


def _random_history(org: Org, seed: int, steps: int = 160) -> None:
    rnd = random.Random(seed)
    start = dt.datetime(2026, 1, 25)
    made: list[Ticket] = []
    for _ in range(steps):
        roll = rnd.random()
        if roll < 0.35 or not made:
            persona = rnd.choice(["bob", "bea", "carl", "dan"])
            kind = rnd.choice(["cartridges", "repair", "it_help"])
            lines = [(org.toner.id, rnd.randint(1, 3))] if kind == "cartridges" else []
            ticket = tickets.create(org.actor(persona), tickets.TicketDraft(kind, description="Не печатает", lines=lines))
            # Backdated to any minute of ten weeks, around midnights and month ends of both zones.
            Ticket.update(created_at=start + dt.timedelta(minutes=rnd.randrange(70 * 24 * 60))).where(
                Ticket.id == ticket.id).execute()
            made.append(ticket)
            continue
        ticket = Ticket.get_by_id(rnd.choice(made).id)
        try:
            if roll < 0.8:
                action = rnd.choice(ACTIONS)
                author = next(p for p in ("bob", "bea", "carl", "dan") if getattr(org, p).id == ticket.author_id)
                who = author if action in ("cancel", "confirm") else rnd.choice(["alice", "sam"])
                lifecycle.transition(org.actor(who), ticket, action, reason="no" if action == "reject" else "")
                if action == "resolve" and rnd.random() < 0.7:  # resolved some other day
                    Ticket.update(resolved_at=ticket.created_at + dt.timedelta(hours=rnd.randrange(1, 500))).where(
                        Ticket.id == ticket.id).execute()
            elif roll < 0.88:
                tickets.archive(org.actor("alice"), ticket)
            elif roll < 0.93:
                tickets.unarchive(org.actor("alice"), ticket)
            else:  # a repair by hand: another warehouse (or none), another type
                Ticket.update(warehouse=rnd.choice([org.w1.id, org.w2.id, None]),
                              type=rnd.choice([ticket.type_id, made[0].type_id])).where(
                    Ticket.id == ticket.id).execute()
        except DomainError:
            continue  # not allowed in that state: the rollup must not have moved either


def _expected_rows() -> Counter[tuple[object, ...]]:
    expected: Counter[tuple[object, ...]] = Counter()
    for t in Ticket.select():
        for kind, moment in ((0, t.created_at), (1, t.resolved_at)):
            if moment is not None:
                expected[(kind, moment.date(), t.warehouse_id or 0, t.type_id, t.status)] += 1
    return expected


def _reports(org: Org, flt: reports.ReportFilter) -> list[object]:
    found = []
    for persona in ("alice", "sam", "sue", "bob"):
        actor = org.actor(persona)
        found += [reports.requests_by_type_status(actor, flt), reports.trend(actor, flt, months=4)]
    return found


@pytest.mark.parametrize("seed", [1, 2])
def test_the_rollup_counts_what_the_requests_say(org: Org, zone: ZoneInfo, seed: int,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _random_history(org, seed)
    rows = Counter({(r.kind, r.day if isinstance(r.day, dt.date) else dt.date.fromisoformat(r.day), r.warehouse_id,
                     r.type_id, r.status): r.n for r in ReportDay.select() if r.n})
    assert rows == _expected_rows()
    filters = [reports.ReportFilter(reports.period(p, today=dt.date(2026, 3, 20)))
               for p in ("month", "last_month", "quarter", "year")]
    filters += [reports.ReportFilter(reports.period("custom", dt.date(2026, 2, 27), dt.date(2026, 3, 1))),
                reports.ReportFilter(reports.period("custom", dt.date(2026, 3, 8), dt.date(2026, 3, 8))),
                reports.ReportFilter(reports.period("month", today=dt.date(2026, 3, 20)), statuses=("new", "closed")),
                reports.ReportFilter(reports.period("quarter", today=dt.date(2026, 3, 20)), type_code="cartridges",
                                     warehouse_id=org.w1.id)]
    first = filters[0]
    assert rollup.span_counts(org.actor("alice"), first, Ticket.created_at, list(first.period.bounds()), (),
                              lambda *c: Ticket.select(*c)) is not None  # the rollup does answer
    rolled = [_reports(org, flt) for flt in filters]
    monkeypatch.setattr(rollup, "serves", lambda actor, flt: False)  # every figure from the requests
    counted = [_reports(org, flt) for flt in filters]
    assert rolled == counted
    assert any(row.total for found in counted for row in found[0])  # the periods did hold requests
