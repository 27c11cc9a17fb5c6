"""Every change leaves an audit event with who, when, channel, before and after."""

from __future__ import annotations

import pytest

from helpdesk.core import lifecycle, tickets
from helpdesk.core.errors import Forbidden
from helpdesk.db.models import AuditEvent
from tests.conftest import Org


def test_each_change_is_audited_with_actor_channel_and_diff(org: Org) -> None:
    bob, sam = org.actor("bob", "bot"), org.actor("sam", "web")
    ticket = tickets.create(bob, tickets.TicketDraft("cartridges", lines=[(org.toner.id, 2)]))
    ticket = tickets.assign(sam, ticket, org.sam.id)
    ticket = lifecycle.transition(sam, ticket, "accept")
    tickets.add_comment(sam, ticket, "Will ship today")
    tickets.add_comment(sam, ticket, "Check the drum too", internal=True)
    ticket = lifecycle.transition(sam, ticket, "resolve")
    ticket = lifecycle.transition(bob, ticket, "confirm")

    events = list(AuditEvent.select().where(AuditEvent.ticket == ticket).order_by(AuditEvent.id))
    summary = [(e.action, e.actor.display_name, e.channel) for e in events]
    assert summary == [
        ("create", "Bob", "bot"), ("assign", "Sam", "web"), ("accept", "Sam", "web"), ("comment", "Sam", "web"),
        ("note", "Sam", "web"), ("resolve", "Sam", "web"), ("confirm", "Bob", "bot"),
    ]
    assert all(e.created_at is not None for e in events)
    accept = events[2]
    assert accept.before["status"] == "new" and accept.after["status"] == "accepted"
    assert events[1].before == {"assignee_id": None} and events[1].after == {"assignee_id": org.sam.id}
    assert events[0].after["lines"] == [[org.toner.id, 2]]


def test_refused_change_leaves_no_event(org: Org) -> None:
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Broken chair"))
    count = AuditEvent.select().count()
    with pytest.raises(Forbidden):
        lifecycle.transition(org.actor("carl"), ticket, "cancel")
    assert AuditEvent.select().count() == count
