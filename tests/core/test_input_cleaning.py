"""One cleaning rule for text from outside, and literal substring search, on SQLite and PostgreSQL."""

from __future__ import annotations

from helpdesk.core import fields, lifecycle, tickets
from helpdesk.db.models import Ticket
from tests.conftest import Org


def test_control_characters_go_and_newlines_are_one_kind() -> None:
    assert fields.clean_text("a\x00b\x1bc\x7f\r\nd\re\tf\ud800") == "abc\nd\ne\tf"
    assert fields.text(" \x00 ok \x08", "name", 10) == "ok"


def test_control_characters_never_reach_the_database(org: Org) -> None:
    bob = org.actor("bob")
    ticket = tickets.create(bob, tickets.TicketDraft("repair", description="Jam\x00med\r\npaper", asset="PC\x00-1"))
    fresh = Ticket.get_by_id(ticket.id)
    assert (fresh.description, fresh.asset) == ("Jammed\npaper", "PC-1")
    comment = tickets.add_comment(bob, ticket, "still\x00 broken\x0c")
    assert comment.body == "still broken"
    rejected = lifecycle.transition(org.actor("alice"), ticket, "reject", "dup\x00licate")
    assert rejected.reject_reason == "duplicate"
    assert tickets.search(bob, tickets.TicketFilter(text="\x00")).total == 1  # an empty search, no error
    assert tickets.search(bob, tickets.TicketFilter(text="Jam\x00med")).total == 1


def test_percent_and_underscore_are_no_wildcards(org: Org) -> None:
    """The search reads words (full-text index): punctuation separates them and never matches by itself."""
    bob = org.actor("bob")
    for text in ("Toner 100% empty", "Toner 1000 pages", "code a_b", "code axb", "path C:\\docs"):
        tickets.create(bob, tickets.TicketDraft("repair", description=text))

    def found(text: str) -> list[str]:
        return sorted(t.description for t in tickets.search(bob, tickets.TicketFilter(text=text)).items)

    assert found("100%") == ["Toner 100% empty"]
    assert found("100") == ["Toner 100% empty"]  # words, not substrings: 1000 is another number
    assert found("1000") == ["Toner 1000 pages"]
    assert found("a_b") == ["code a_b"]
    assert found("%") == [] and found("_") == []  # not "anything"
    assert found("C:\\docs") == ["path C:\\docs"]
