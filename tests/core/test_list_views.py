"""The list's SLA state, its filters (SLA, priority, mine) and the saved views with their counts."""

from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest

from helpdesk.core import lifecycle, sla, tickets, worklist
from helpdesk.core.errors import ValidationError
from helpdesk.db.database import db
from helpdesk.db.models import Ticket, not_archived, utcnow
from tests.conftest import Org


def _repair(org: Org, who: str = "bob", priority: str = "normal", text: str = "Printer jams\nsince Monday") -> Ticket:
    return tickets.create(org.actor(who), tickets.TicketDraft("repair", description=text, priority=priority))


def _due(ticket: Ticket, **deadlines: dt.datetime) -> Ticket:
    Ticket.update(**deadlines).where(Ticket.id == ticket.id).execute()
    return Ticket.get_by_id(ticket.id)


def test_sla_state_follows_the_running_deadline(org: Org) -> None:
    now = utcnow()
    ticket = _due(_repair(org), accept_due_at=now - dt.timedelta(minutes=1), resolve_due_at=now + dt.timedelta(days=1))
    assert sla.sla_state(ticket, now) == "overdue"
    assert sla.sla_state(ticket, now - dt.timedelta(minutes=30)) == "due_soon"
    assert sla.sla_state(ticket, now - dt.timedelta(hours=2)) == "ok"
    accepted = lifecycle.transition(org.actor("sam"), ticket, "accept")  # now the resolve deadline runs
    assert sla.running_deadline(accepted) == accepted.resolve_due_at
    assert sla.sla_state(accepted, now) == "ok"
    assert sla.sla_state(accepted, now + dt.timedelta(days=2)) == "overdue"
    rejected = lifecycle.transition(org.actor("sam"), accepted, "reject", "duplicate")
    assert sla.sla_state(rejected, now + dt.timedelta(days=2)) is None


def test_sla_filter_matches_the_state_of_each_row(org: Org) -> None:
    now = utcnow()
    late = _due(_repair(org), accept_due_at=now - dt.timedelta(minutes=5))
    soon = _due(_repair(org), accept_due_at=now + dt.timedelta(minutes=20))
    fine = _due(_repair(org), accept_due_at=now + dt.timedelta(hours=5))
    admin = org.actor("alice")
    for state, expected in (("overdue", late), ("due_soon", soon), ("ok", fine)):
        found = tickets.search(admin, tickets.TicketFilter(sla=state)).items
        assert [t.number for t in found] == [expected.number]
        assert sla.sla_state(found[0]) == state
    with pytest.raises(ValidationError):
        tickets.filtered(admin, tickets.TicketFilter(sla="late"))


def test_priority_and_mine_filters(org: Org) -> None:
    urgent = _repair(org, priority="urgent")
    _repair(org, who="carl")
    tickets.assign(org.actor("alice"), urgent, org.sam.id)
    sam, carl = org.actor("sam"), org.actor("carl")
    assert [t.id for t in tickets.search(sam, tickets.TicketFilter(priorities=("urgent", "high"))).items] == [urgent.id]
    assert [t.id for t in tickets.search(sam, tickets.TicketFilter(mine=True)).items] == [urgent.id]
    # A branch user's "mine" is what they asked for.
    assert [t.author_id for t in tickets.search(carl, tickets.TicketFilter(mine=True)).items] == [org.carl.id]


def test_views_and_their_counts_are_scoped_by_visibility(org: Org) -> None:
    now = utcnow()
    _due(_repair(org), accept_due_at=now - dt.timedelta(hours=1))  # B1, warehouse W1: overdue
    _repair(org, who="dan")  # B3, warehouse W2
    mine = _repair(org, who="carl")
    tickets.assign(org.actor("alice"), mine, org.sam.id)
    assert worklist.counts(org.actor("sam")) == {"mine": 1, "overdue": 1, "new": 2}
    assert worklist.counts(org.actor("sue")) == {"mine": 0, "overdue": 0, "new": 1}
    assert worklist.counts(org.actor("alice")) == {"mine": 0, "overdue": 1, "new": 3}
    assert worklist.counts(org.actor("dan")) == {"mine": 1, "overdue": 0}  # branch users: no "new" view
    view = worklist.view(org.actor("sam"), "mine")
    assert [t.id for t in tickets.search(org.actor("sam"), view.filter).items] == [mine.id]
    with pytest.raises(ValidationError):
        worklist.view(org.actor("dan"), "new")


def test_subject_is_the_first_line_or_the_order(org: Org) -> None:
    assert worklist.subject(_repair(org)) == "Printer jams"
    assert worklist.subject(_repair(org, text="x" * 200)).endswith("…")
    order = tickets.create(org.actor("bob"), tickets.TicketDraft("cartridges", lines=[(org.toner.id, 2)]))
    assert worklist.subject(order) == "HP 85A × 2"


def test_the_changed_notice_reads_one_index_step(sqlite_org: Org) -> None:
    # Every open list polls for the newest change: `NOT archived` made SQLite read every current row
    # (0.3 s at a million requests); `archived = false` is answered by the (archived, updated_at) index.
    sql, params = Ticket.select(pw.fn.MAX(Ticket.updated_at)).where(not_archived()).sql()
    plan = " ".join(row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "COVERING INDEX ticket_archived_updated_at (archived=?)" in plan, plan
