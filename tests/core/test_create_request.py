"""Creating requests of each type, with clear validation errors."""

from __future__ import annotations

import pytest

from helpdesk.core import catalog, tickets
from helpdesk.core.errors import ValidationError
from helpdesk.db.models import OrderLine, OutboxMessage
from tests.conftest import Org


@pytest.mark.parametrize("type_code", ["repair", "maintenance", "it_help", "other"])
def test_create_each_type(org: Org, type_code: str) -> None:
    ticket = tickets.create(org.actor("bob", "bot"), tickets.TicketDraft(type_code, description="Something broke",
                                                                         printer_id=org.printer.id))
    assert ticket.status == "new" and ticket.type.code == type_code and ticket.channel == "bot"
    assert ticket.branch_id == org.b1.id and ticket.warehouse_id == org.w1.id
    assert ticket.accept_due_at > ticket.created_at
    assert ticket.resolve_due_at >= ticket.accept_due_at


def test_cartridge_order_merges_lines_and_notifies_the_warehouse(org: Org) -> None:
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft(
        "cartridges", lines=[(org.toner.id, 2), (org.drum.id, 1), (org.toner.id, 1)]))
    lines = {(line.cartridge_id, line.quantity) for line in OrderLine.select().where(OrderLine.ticket == ticket)}
    assert lines == {(org.toner.id, 3), (org.drum.id, 1)}
    notices = list(OutboxMessage.select().where(OutboxMessage.ticket == ticket))
    assert [(n.kind, n.address) for n in notices] == [("ticket_created", str(org.sam.telegram_id))]


@pytest.mark.parametrize("draft, field", [
    (tickets.TicketDraft("cartridges"), "lines"),
    (tickets.TicketDraft("cartridges", lines=[(1, 0)]), "lines"),
    (tickets.TicketDraft("cartridges", lines=[(1, 101)]), "lines"),
    (tickets.TicketDraft("cartridges", lines=[(999999, 1)]), "lines"),
    (tickets.TicketDraft("repair", description="  "), "description"),
    (tickets.TicketDraft("repair", description="x" * 4001), "description"),
    (tickets.TicketDraft("nope", description="hello"), "type"),
    (tickets.TicketDraft("repair", description="hello", priority="asap"), "priority"),
    (tickets.TicketDraft("repair", description="hello", printer_id=999999), "printer"),
])
def test_validation_errors_name_the_field(org: Org, draft: tickets.TicketDraft, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        tickets.create(org.actor("bob"), draft)
    assert err.value.field == field


def test_staff_must_choose_a_branch(org: Org) -> None:
    with pytest.raises(ValidationError):
        tickets.create(org.actor("sam"), tickets.TicketDraft("repair", description="Broken"))
    made = tickets.create(org.actor("sam"), tickets.TicketDraft("repair", description="Broken", branch_id=org.b2.id))
    assert made.branch_id == org.b2.id


def test_offers_put_compatible_cartridges_first_with_stock(org: Org) -> None:
    offers = catalog.offers_for_branch(org.b1)
    assert [o.cartridge.name for o in offers] == ["HP 85A", "Brother DR-2300"]
    assert (offers[0].compatible, offers[0].in_stock) == (True, 10)
    assert (offers[1].compatible, offers[1].in_stock) == (False, None)


def test_client_key_makes_creation_idempotent(org: Org) -> None:
    draft = tickets.TicketDraft("repair", description="Printer jams", client_key="tg:update:42")
    first = tickets.create(org.actor("bob", "bot"), draft)
    again = tickets.create(org.actor("bob", "bot"), draft)
    assert again.id == first.id
    assert tickets.search(org.actor("alice"), tickets.TicketFilter()).total == 1
