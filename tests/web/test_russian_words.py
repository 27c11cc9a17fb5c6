"""Words the program writes itself read in the reader's language: channels, shipments, dates, the first admin."""

from __future__ import annotations

from litestar.testing import TestClient

from helpdesk.core import lifecycle, tickets
from helpdesk.db.models import Holiday
from tests.conftest import Org
from tests.web.conftest import csrf_token, login


def test_shipments_and_channels_are_words_not_keys(client: TestClient, sqlite_org: Org) -> None:
    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("cartridges", lines=[(sqlite_org.toner.id, 2)]))
    for action in ("accept", "resolve"):
        lifecycle.transition(sqlite_org.actor("sam", "bot"), ticket, action)
    login(client, sqlite_org.sam)
    stock = client.get("/stock").text
    assert f'<a href="/requests/{ticket.number}">выдано по заявке {ticket.number}</a>' in stock
    assert "shipped" not in stock
    history = client.get(f"/requests/{ticket.number}").text
    assert "<td>Telegram-бот</td>" in history and "<td>bot</td>" not in history and "<td>web</td>" not in history


def test_holidays_are_written_as_the_panel_writes_dates(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    client.post("/settings/holidays", data={"day": "2027-01-07", "name": "Рождество",
                                            "_csrf_token": csrf_token(client, "/settings")})
    assert Holiday.select().count() == 1
    page = client.get("/settings").text
    assert "07.01.2027" in page and "2027-01-07</span>" not in page
    assert "Праздник 07.01.2027" in client.get("/audit").text
