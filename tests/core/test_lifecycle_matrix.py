"""Every action × every status × every kind of actor: legal moves apply, the rest are refused clearly."""

from __future__ import annotations

import pytest

from helpdesk.core import lifecycle, tickets
from helpdesk.core.errors import Forbidden, InvalidTransition
from helpdesk.db.models import AuditEvent, Ticket
from tests.conftest import Org

STATUSES = ["new", "accepted", "in_progress", "resolved", "closed", "rejected", "cancelled"]
# Written out by hand from the product brief, independently of lifecycle.TRANSITIONS.
EXPECTED = {
    # action: (statuses it applies to, target, personas allowed)
    "accept": ({"new"}, "accepted", {"alice", "sam"}),
    "start": ({"accepted"}, "in_progress", {"alice", "sam"}),
    "resolve": ({"accepted", "in_progress"}, "resolved", {"alice", "sam"}),
    "reject": ({"new", "accepted", "in_progress"}, "rejected", {"alice", "sam"}),
    "cancel": ({"new"}, "cancelled", {"alice", "bob"}),  # bob is the author
    "confirm": ({"resolved"}, "closed", {"alice", "bob", "bea"}),  # bea: same branch
}
PERSONAS = ["alice", "sam", "sue", "bob", "bea", "carl"]


def _ticket_in(org: Org, status: str) -> Ticket:
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Printer jams paper"))
    Ticket.update(status=status).where(Ticket.id == ticket.id).execute()
    return Ticket.get_by_id(ticket.id)


def test_transition_matrix(org: Org) -> None:
    checked = 0
    for action, (sources, target, allowed) in EXPECTED.items():
        for status in STATUSES:
            for persona in PERSONAS:
                ticket = _ticket_in(org, status)
                events_before = AuditEvent.select().where(AuditEvent.ticket == ticket).count()
                actor = org.actor(persona)
                case = f"{persona} {action} on {status}"
                if persona not in allowed:
                    with pytest.raises(Forbidden):
                        lifecycle.transition(actor, ticket, action, reason="because")
                elif status not in sources:
                    with pytest.raises(InvalidTransition):
                        lifecycle.transition(actor, ticket, action, reason="because")
                else:
                    moved = lifecycle.transition(actor, ticket, action, reason="because")
                    assert moved.status == target, case
                    events = AuditEvent.select().where(AuditEvent.ticket == ticket).count()
                    assert events == events_before + 1, case
                    checked += 1
                    continue
                assert Ticket.get_by_id(ticket.id).status == status, f"{case}: a refused move changed the status"
                assert AuditEvent.select().where(AuditEvent.ticket == ticket).count() == events_before, case
    assert checked == 2 + 2 + 4 + 6 + 2 + 3


def test_allowed_actions_match_the_matrix(org: Org) -> None:
    for status in STATUSES:
        ticket = _ticket_in(org, status)
        for persona in PERSONAS:
            expected = sorted(a for a, (src, _, who) in EXPECTED.items() if status in src and persona in who)
            assert sorted(lifecycle.allowed_actions(org.actor(persona), ticket)) == expected, (persona, status)


def test_reject_needs_a_reason(org: Org) -> None:
    ticket = _ticket_in(org, "new")
    with pytest.raises(tickets.ValidationError) as err:
        lifecycle.transition(org.actor("sam"), ticket, "reject", reason="   ")
    assert err.value.field == "reason"
    moved = lifecycle.transition(org.actor("sam"), ticket, "reject", reason="Out of stock until Monday")
    assert moved.reject_reason == "Out of stock until Monday"
    assert moved.rejected_at is not None


def test_stale_copy_cannot_move_twice(org: Org) -> None:
    ticket = _ticket_in(org, "new")
    stale = Ticket.get_by_id(ticket.id)
    lifecycle.transition(org.actor("sam"), ticket, "accept")
    with pytest.raises(InvalidTransition):
        lifecycle.transition(org.actor("alice"), stale, "accept")


def test_archived_request_is_read_only(org: Org) -> None:
    ticket = _ticket_in(org, "new")
    Ticket.update(archived=True).where(Ticket.id == ticket.id).execute()
    with pytest.raises(InvalidTransition):
        lifecycle.transition(org.actor("alice"), Ticket.get_by_id(ticket.id), "accept")


def test_deactivated_user_can_do_nothing(org: Org) -> None:
    ticket = _ticket_in(org, "new")
    org.sam.active = False
    org.sam.save()
    with pytest.raises(Forbidden):
        lifecycle.transition(org.actor("sam"), ticket, "accept")
