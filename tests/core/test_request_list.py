"""The requests list: a page and what it shows of each row in a fixed number of queries; number search."""

from __future__ import annotations

from dataclasses import replace

from playhouse.test_utils import count_queries

from helpdesk.core import tickets
from helpdesk.db.models import OrderLine, Ticket
from tests.conftest import Org


def _fill(org: Org, count: int) -> None:
    for index in range(count):
        ticket = tickets.create(org.actor("bob"), tickets.TicketDraft(
            "cartridges", lines=[(org.toner.id, 1 + index % 3), (org.drum.id, 1)]))
        if index % 2:
            tickets.assign(org.actor("alice"), ticket, org.sam.id)


def _shown(page: tickets.Page) -> list[tuple]:
    """What the list page and the API read of each row."""
    return [(t.number, t.type.code, t.branch.code, t.author.display_name,
             t.assignee.display_name if t.assignee_id else None,
             [(line.cartridge.name, line.quantity) for line in t.lines]) for t in page.items]


def test_a_long_page_costs_no_more_queries_than_a_short_one(org: Org) -> None:
    _fill(org, 12)
    admin = org.actor("alice")
    tickets.search(admin, tickets.TicketFilter(per_page=1))  # the first fills the types' cache
    costs = []
    for per_page in (2, 12):
        with count_queries() as counter:
            shown = _shown(tickets.search(admin, tickets.TicketFilter(per_page=per_page)))
        costs.append(counter.count)
        assert len(shown) == per_page
    assert costs[0] == costs[1]


def test_the_loaded_rows_are_the_stored_ones(org: Org) -> None:
    _fill(org, 4)
    page = tickets.search(org.actor("sam"), tickets.TicketFilter())
    for number, type_code, branch, author, assignee, lines in _shown(page):
        ticket = Ticket.get(Ticket.number == number)
        assert (type_code, branch, author) == ("cartridges", "B1", "Bob")
        assert assignee == (ticket.assignee.display_name if ticket.assignee_id else None)
        stored = OrderLine.select().where(OrderLine.ticket == ticket).order_by(OrderLine.id)
        assert lines == [(line.cartridge.name, line.quantity) for line in stored]


def test_a_page_past_the_end_is_empty_but_counted(org: Org) -> None:
    _fill(org, 3)
    page = tickets.search(org.actor("alice"), tickets.TicketFilter(per_page=2, page=5))
    assert (page.items, page.total, page.pages) == ([], 3, 2)


def test_a_number_or_its_sequence_finds_numbers_and_descriptions(org: Org) -> None:
    bob = org.actor("bob")
    by_number = tickets.create(bob, tickets.TicketDraft("it_help", description="Mail is down"))
    sequence = by_number.number[5:]  # "000001": also found without the year, and as "1"
    by_text = tickets.create(bob, tickets.TicketDraft("it_help", description=f"Printer {sequence} jams"))
    tickets.create(bob, tickets.TicketDraft("it_help", description="Scanner is slow"))
    exact = tickets.search(org.actor("alice"), tickets.TicketFilter(text=f" {by_number.number} "))
    assert ([t.number for t in exact.items], exact.total) == ([by_number.number], 1)
    found = tickets.search(org.actor("alice"), tickets.TicketFilter(text=sequence))
    assert ({t.number for t in found.items}, found.total) == ({by_number.number, by_text.number}, 2)
    assert [t.number for t in tickets.search(org.actor("alice"), tickets.TicketFilter(text="1")).items] == [
        by_number.number]
    letters = tickets.search(org.actor("alice"), tickets.TicketFilter(text="MAIL IS"))
    assert [t.number for t in letters.items] == [by_number.number]  # letters still match whatever the case


def test_a_text_search_pages_and_sorts_like_the_plain_list(org: Org) -> None:
    _fill(org, 7)  # cartridge orders without descriptions: the year matches every number, nothing else
    admin = org.actor("alice")
    year = Ticket.select(Ticket.number).first().number[:4]
    for sort in ("-created", "status", "-updated"):
        for page in (1, 2, 3, 4):
            flt = tickets.TicketFilter(sort=sort, page=page, per_page=3)
            plain, found = tickets.search(admin, flt), tickets.search(admin, replace(flt, text=year))
            assert ([t.number for t in found.items], found.total) == ([t.number for t in plain.items], plain.total)
            assert _shown(found) == _shown(plain)


def test_a_capped_count_stops_there_and_still_pages(org: Org) -> None:
    _fill(org, 5)
    admin = org.actor("alice")
    exact = tickets.search(admin, tickets.TicketFilter(per_page=2))
    assert (exact.total, exact.capped) == (5, False)
    capped = tickets.search(admin, tickets.TicketFilter(per_page=2), count_up_to=3)
    assert (capped.total, capped.capped, len(capped.items)) == (3, True, 2)
    beyond = tickets.search(admin, tickets.TicketFilter(per_page=2, page=3), count_up_to=3)
    assert len(beyond.items) == 1  # the fifth request, past the counted three, is still listed
    enough = tickets.search(admin, tickets.TicketFilter(per_page=2), count_up_to=5)
    assert (enough.total, enough.capped) == (5, False)

