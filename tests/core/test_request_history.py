"""What each role sees of a request's history: staff everything, branch users no internal notes."""

from __future__ import annotations

from helpdesk.core import history, lifecycle, tickets
from tests.conftest import Org


def _walk(org: Org) -> tickets.Ticket:
    bob, sam = org.actor("bob", "bot"), org.actor("sam")
    ticket = tickets.create(bob, tickets.TicketDraft("cartridges", lines=[(org.toner.id, 2)]))
    ticket = lifecycle.transition(sam, ticket, "accept")
    tickets.add_comment(sam, ticket, "Will ship today")
    tickets.add_comment(sam, ticket, "The author's boss asked twice", internal=True)
    return lifecycle.transition(sam, ticket, "resolve")


def test_staff_see_every_event_branch_users_no_internal_notes(org: Org) -> None:
    ticket = _walk(org)
    staff = [i.action for i in history.for_request(org.actor("sam"), ticket)]
    assert staff == ["create", "accept", "comment", "note", "resolve"]
    assert [i.action for i in history.for_request(org.actor("alice"), ticket)] == staff
    branch = history.for_request(org.actor("bea"), ticket)  # the author's colleague at the same branch
    assert [i.action for i in branch] == ["create", "accept", "comment", "resolve"]
    assert [(i.status, i.who, i.channel) for i in branch] == [
        ("new", "Bob", "bot"), ("accepted", "Sam", "web"), (None, "Sam", "web"), ("resolved", "Sam", "web")]
    assert [c.body for c in history.comments(org.actor("bob"), ticket)] == ["Will ship today"]
    assert len(history.comments(org.actor("sam"), ticket)) == 2


def test_others_see_nothing(org: Org) -> None:
    ticket = _walk(org)
    assert history.for_request(org.actor("carl"), ticket) == []  # another branch
    assert history.for_request(org.actor("sue"), ticket) == []  # another warehouse
    assert history.comments(org.actor("carl"), ticket) == []
