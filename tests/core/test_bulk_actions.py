"""Bulk actions: each request goes through its own rule and audit; refusals are reported, not fatal."""

from __future__ import annotations

import pytest

from helpdesk.core import bulk, lifecycle, tickets
from helpdesk.core.errors import Forbidden, ValidationError
from helpdesk.db.models import AuditEvent, Ticket
from tests.conftest import Org


def _repair(org: Org, who: str = "bob") -> Ticket:
    return tickets.create(org.actor(who), tickets.TicketDraft("repair", description="Paper jam"))


def test_accept_selected_reports_what_was_refused(org: Org) -> None:
    mine, taken, other = _repair(org), _repair(org), _repair(org, who="dan")  # dan: warehouse W2
    lifecycle.transition(org.actor("alice"), taken, "accept")
    result = bulk.apply(org.actor("sam"), [mine.number, taken.number, other.number, "1999-000001"], "accept")
    assert result.done == [mine.number]
    assert [n for n, _ in result.refused] == [taken.number, other.number, "1999-000001"]
    assert Ticket.get_by_id(mine.id).status == "accepted"
    assert Ticket.get_by_id(other.id).status == "new"
    assert AuditEvent.select().where((AuditEvent.ticket == mine.id) & (AuditEvent.action == "accept")).count() == 1


def test_assign_and_archive_selected(org: Org) -> None:
    first, second = _repair(org), _repair(org, who="carl")
    result = bulk.apply(org.actor("alice"), [first.number, second.number], "assign", org.sam.id)
    assert result.done == [first.number, second.number] and not result.refused
    assert {t.assignee_id for t in Ticket.select()} == {org.sam.id}
    lifecycle.transition(org.actor("sam"), first, "reject", "duplicate")
    result = bulk.apply(org.actor("sam"), [first.number, second.number], "archive")
    assert result.done == [first.number]
    assert [n for n, _ in result.refused] == [second.number]  # still open: not archived
    assert Ticket.get_by_id(first.id).archived and not Ticket.get_by_id(second.id).archived
    assert AuditEvent.select().where((AuditEvent.ticket == first.id) & (AuditEvent.action == "archive")).count() == 1


def test_only_staff_and_sane_input(org: Org) -> None:
    ticket = _repair(org)
    with pytest.raises(Forbidden):
        bulk.apply(org.actor("bob"), [ticket.number], "accept")
    with pytest.raises(ValidationError):
        bulk.apply(org.actor("sam"), [], "accept")
    with pytest.raises(ValidationError):
        bulk.apply(org.actor("sam"), [ticket.number], "delete")
    with pytest.raises(ValidationError):
        bulk.apply(org.actor("sam"), [ticket.number], "assign")
