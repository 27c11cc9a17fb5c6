"""Dashboard figures: visibility, the organisation's days, SLA watch."""

from __future__ import annotations

import datetime as dt

from helpdesk.core import stats, tickets
from helpdesk.db.models import Ticket, utcnow
from tests.conftest import Org


def _make(org: Org, persona: str, type_code: str = "repair") -> Ticket:
    return tickets.create(org.actor(persona), tickets.TicketDraft(type_code, description="Не печатает"))


def _set(ticket: Ticket, **fields: object) -> None:
    Ticket.update(**fields).where(Ticket.id == ticket.id).execute()


def test_sla_watch_counts_late_and_soon_deadlines_it_may_see(org: Org) -> None:
    now = utcnow()
    late_accept, soon_accept, late_resolve, fine, other_branch = (
        _make(org, "bob"), _make(org, "bob"), _make(org, "bea"), _make(org, "bob"), _make(org, "dan"))
    _set(late_accept, accept_due_at=now - dt.timedelta(minutes=5))
    _set(soon_accept, accept_due_at=now + dt.timedelta(minutes=20))
    _set(late_resolve, status="in_progress", resolve_due_at=now - dt.timedelta(hours=1))
    _set(fine, accept_due_at=now + dt.timedelta(hours=5))
    _set(other_branch, accept_due_at=now - dt.timedelta(hours=1))
    assert stats.sla_watch(org.actor("alice"), now) == stats.SlaWatch(breached=3, due_soon=1)
    assert stats.sla_watch(org.actor("sam"), now) == stats.SlaWatch(breached=2, due_soon=1), "W1 serves B1 and B2"
    assert stats.sla_watch(org.actor("dan"), now) == stats.SlaWatch(breached=1, due_soon=0)


def test_days_are_the_organisations_days(org: Org) -> None:
    # 22:30 UTC on the 9th is 01:30 on the 10th in Moscow (UTC+3): it counts for the 10th.
    now = dt.datetime(2026, 3, 10, 12, 0)
    late_evening, morning, old = _make(org, "bob"), _make(org, "bob", "it_help"), _make(org, "carl")
    _set(late_evening, created_at=dt.datetime(2026, 3, 9, 22, 30))
    _set(morning, created_at=dt.datetime(2026, 3, 10, 6, 0), resolved_at=dt.datetime(2026, 3, 10, 9, 0),
         status="resolved")
    _set(old, created_at=dt.datetime(2026, 1, 1, 9, 0))
    days = stats.per_day(org.actor("alice"), days=30, now=now)
    assert len(days) == 30 and days[-1].day == dt.date(2026, 3, 10)
    assert (days[-1].created, days[-1].resolved) == (2, 1) and days[-2].created == 0
    assert sum(d.created for d in days) == 2, "January is outside the last 30 days"
    assert stats.today(org.actor("alice"), now) == {"created": 2, "resolved": 1}
    assert stats.today(org.actor("carl"), now) == {"created": 0, "resolved": 0}


def test_open_requests_by_type_and_branch(org: Org) -> None:
    for persona, type_code in (("bob", "repair"), ("bea", "repair"), ("carl", "it_help"), ("dan", "repair")):
        _make(org, persona, type_code)
    closed = _make(org, "carl", "repair")
    _set(closed, status="closed")
    by_type = [(t.code, n) for t, n in stats.open_by_type(org.actor("alice"))]
    assert by_type == [("repair", 3), ("it_help", 1)]
    assert [(b.code, n) for b, n in stats.open_by_branch(org.actor("sam"))] == [("B1", 2), ("B2", 1)]
    assert [(b.code, n) for b, n in stats.open_by_branch(org.actor("bob"))] == [("B1", 2)]


def test_resolved_is_counted_apart_from_open(org: Org) -> None:
    """Open = new, accepted, in progress; a resolved request awaits its author and is counted on its own."""
    for status in ("new", "accepted", "in_progress", "resolved", "resolved", "closed"):
        _set(_make(org, "bob"), status=status)
    counts = stats.open_counts(org.actor("alice"))
    assert counts.by_status == {"new": 1, "accepted": 1, "in_progress": 1} and counts.total == 3
    assert counts.awaiting == 2
    assert sum(n for _, n in stats.open_by_type(org.actor("alice"))) == 3
    assert stats.open_counts(org.actor("dan")).total == 0  # another branch's requests are not counted
