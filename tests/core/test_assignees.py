"""Who may hold a request: the list offered is the rule `assign` enforces; whoever accepts holds it."""

from __future__ import annotations

from helpdesk.core import lifecycle, tickets
from helpdesk.core.visibility import assignees_for
from helpdesk.db.models import AuditEvent, Ticket
from tests.conftest import Org


def test_the_list_offers_only_people_who_may_take_the_request(org: Org) -> None:
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Замятие"))
    offered = assignees_for(org.actor("alice"), ticket)
    assert {u.display_name for u in offered} == {"Alice", "Sam"}, "Sue keeps another warehouse"
    for user in offered:
        tickets.assign(org.actor("alice"), ticket, user.id)
    assert assignees_for(org.actor("bob"), ticket) == []


def test_an_admin_who_accepts_becomes_the_assignee(org: Org) -> None:
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Замятие"))
    lifecycle.transition(org.actor("alice"), ticket, "accept")
    assert Ticket.get_by_id(ticket.id).assignee_id == org.alice.id
    event = AuditEvent.get(AuditEvent.action == "accept")
    assert event.before["assignee_id"] is None and event.after["assignee_id"] == org.alice.id


def test_accepting_keeps_an_existing_assignee(org: Org) -> None:
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Замятие"))
    tickets.assign(org.actor("alice"), ticket, org.sam.id)
    lifecycle.transition(org.actor("alice"), Ticket.get_by_id(ticket.id), "accept")
    assert Ticket.get_by_id(ticket.id).assignee_id == org.sam.id
