"""The list's filters are answered from indexes on SQLite (migration 0024): a count or a page's ids that read
rows cost ~0.1-0.4 s at a million requests (bench/web_requests.py); here the plans say which is read."""

from __future__ import annotations

import datetime as dt
import logging

import peewee as pw
import pytest

from helpdesk.core import sla, tickets
from helpdesk.core.actors import Actor
from helpdesk.db.database import db
from helpdesk.db.models import Ticket, utcnow
from tests.conftest import Org


def _plan(query: pw.ModelSelect) -> str:
    sql, params = query.sql()
    return " | ".join(row[3] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())


def _count_and_ids(actor: Actor, flt: tickets.TicketFilter) -> tuple[str, str]:
    query = tickets.filtered(actor, flt)
    return _plan(query.order_by().select(pw.SQL("1"))), _plan(query.select(Ticket.id).limit(25))


def _fill(org: Org) -> None:
    for n, priority in enumerate(("urgent", "high", "normal", "low")):
        for who in ("bob", "carl", "dan"):
            tickets.create(org.actor(who), tickets.TicketDraft("repair", description=f"Printer {n}", priority=priority))
    Ticket.update(assignee=org.sam.id).where(Ticket.branch == org.b1.id).execute()
    db.execute_sql("ANALYZE")


def test_priority_and_type_period_filters_read_no_rows(sqlite_org: Org) -> None:
    _fill(sqlite_org)
    today = utcnow().date()
    period = tickets.TicketFilter(type_code="repair", created_from=today - dt.timedelta(days=30), created_to=today)
    for persona in ("alice", "sam", "bob"):
        actor = sqlite_org.actor(persona)
        count, _ = _count_and_ids(actor, tickets.TicketFilter(priorities=("urgent", "high")))
        assert "COVERING INDEX" in count, (persona, count)
        count, ids = _count_and_ids(actor, period)
        assert "COVERING INDEX" in count and "COVERING INDEX" in ids, (persona, count, ids)


def test_mine_reads_the_persons_current_requests_not_their_history(sqlite_org: Org) -> None:
    _fill(sqlite_org)
    for persona, index in (("sam", "ticket_assignee_id_archived_status"), ("alice", "ticket_assignee_id_archived_status"),
                           ("bob", "ticket_author_id_archived_status")):
        count, ids = _count_and_ids(sqlite_org.actor(persona), tickets.TicketFilter(mine=True, sla="ok"))
        assert f"INDEX {index} " in ids and f"INDEX {index} " in count, (persona, count, ids)


def test_an_sla_count_reads_each_deadlines_index_alone(sqlite_org: Org, caplog: pytest.LogCaptureFixture) -> None:
    _fill(sqlite_org)
    past = utcnow() - dt.timedelta(hours=1)
    Ticket.update(status="in_progress", resolve_due_at=past).where(Ticket.priority == "high").execute()
    Ticket.update(accept_due_at=past).where(Ticket.priority == "urgent").execute()
    for persona in ("alice", "sam", "bob"):
        actor = sqlite_org.actor(persona)
        overdue = tickets.TicketFilter(sla="overdue")
        expected = sum(1 for t in tickets.filtered(actor, overdue) if sla.sla_state(t) == "overdue")
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="peewee"):
            assert tickets.count(actor, overdue) == expected > 0
        plans = [" | ".join(row[3] for row in db.execute_sql("EXPLAIN QUERY PLAN " + r.msg[0], r.msg[1]).fetchall())
                 for r in caplog.records if isinstance(r.msg, tuple) and r.msg[0].startswith("SELECT COUNT")]
        assert plans and all("COVERING INDEX" in p and "MULTI-INDEX OR" not in p for p in plans), (persona, plans)


def test_the_archive_newest_first_reads_the_archived_index(sqlite_org: Org) -> None:
    _fill(sqlite_org)
    Ticket.update(archived=True).where(Ticket.priority.in_(("normal", "low"))).execute()
    db.execute_sql("ANALYZE")  # with statistics SQLite scanned the table for a partial index of ids alone
    for persona in ("alice", "sam", "bob"):
        _, ids = _count_and_ids(sqlite_org.actor(persona), tickets.TicketFilter(archived=True))
        assert "COVERING INDEX" in ids and "TEMP B-TREE" not in ids, (persona, ids)
    _, ids = _count_and_ids(sqlite_org.actor("alice"), tickets.TicketFilter(archived=True))
    assert "INDEX ticket_archived_id " in ids, ids
