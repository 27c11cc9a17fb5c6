"""Search in the panel's requests list and the API's: ranked, within the role's requests."""

from __future__ import annotations

from litestar.testing import TestClient

from helpdesk.core import tickets
from tests.conftest import Org
from tests.web.conftest import api_token, login


def test_panel_and_api_search_rank_and_respect_visibility(client: TestClient, sqlite_org: Org) -> None:
    in_comment = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("it_help", description="Сканер"))
    tickets.add_comment(sqlite_org.actor("bob"), in_comment, "и принтер")
    described = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Принтер мнёт"))
    elsewhere = tickets.create(sqlite_org.actor("dan"), tickets.TicketDraft("repair", description="Принтер"))
    login(client, sqlite_org.bob)
    page = client.get("/requests", params={"q": "ПРИНТЕРА"}).text
    assert described.number in page and in_comment.number not in page.split(described.number)[0]  # ranked
    assert in_comment.number in page and elsewhere.number not in page
    assert 'value="relevance" selected' in page
    listed = client.get("/api/v1/requests", headers=api_token(sqlite_org, "alice"), params={"text": "принтер"}).json()
    assert [item["number"] for item in listed["items"]][-1] == in_comment.number and listed["total"] == 3
    carl = client.get("/api/v1/requests", headers=api_token(sqlite_org, "carl"), params={"text": "принтер"}).json()
    assert carl["total"] == 0
