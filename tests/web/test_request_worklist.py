"""The requests list as a daily tool: subject, priority, SLA state, views with counts, bulk actions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from litestar.testing import TestClient

from helpdesk.core import lifecycle, tickets
from helpdesk.db.models import AuditEvent, Ticket, utcnow
from tests.conftest import Org
from tests.web.conftest import csrf_token, login


def _make(org: Org) -> tuple[Ticket, Ticket, Ticket]:
    late = tickets.create(org.actor("bob"), tickets.TicketDraft(
        "repair", description="Printer in the hall prints stripes\nsince Monday", priority="urgent"))
    Ticket.update(accept_due_at=utcnow() - dt.timedelta(hours=1)).where(Ticket.id == late.id).execute()
    order = tickets.create(org.actor("carl"), tickets.TicketDraft("cartridges", lines=[(org.toner.id, 3)]))
    other = tickets.create(org.actor("dan"), tickets.TicketDraft("it_help", description="Mail is down"))
    return late, order, other


def _row(page: str, number: str) -> str:
    rows = [row for row in page.split("<tr")[1:] if f'href="/requests/{number}"' in row]
    assert len(rows) == 1, f"no row for {number}"
    return "<tr" + rows[0].split("</tr>")[0]


def test_rows_say_what_each_request_is_about(client: TestClient, sqlite_org: Org) -> None:
    late, order, _ = _make(sqlite_org)
    login(client, sqlite_org.sam)
    page = client.get("/requests").text
    row = _row(page, late.number)
    assert "Printer in the hall prints stripes" in row and "since Monday" not in row
    assert "Срочный" in row and '<tr class="sla-overdue">' in row and "Просрочена" in row
    assert "HP 85A × 3" in _row(page, order.number)
    assert 'type="checkbox" name="status"' in page and "multiple" not in page  # no Ctrl+click


def test_views_link_with_counts_and_filter(client: TestClient, sqlite_org: Org) -> None:
    late, order, other = _make(sqlite_org)
    tickets.assign(sqlite_org.actor("alice"), order, sqlite_org.sam.id)
    login(client, sqlite_org.sam)
    page = client.get("/requests").text
    counts = dict(re.findall(r'data-view="(\w+)">[^<]*<span class="count">(\d+)</span>', page))
    assert counts == {"mine": "1", "overdue": "1", "new": "2"}
    overdue = client.get("/requests", params={"view": "overdue"}).text
    assert late.number in overdue and order.number not in overdue
    mine = client.get("/requests", params={"mine": "1"}).text
    assert order.number in mine and late.number not in mine
    assert late.number in client.get("/requests", params={"priority": "urgent"}).text
    assert order.number not in client.get("/requests", params={"priority": "urgent"}).text
    assert client.get("/requests", params={"view": "bogus", "sla": "x", "priority": "y"}).status_code == 200


def test_the_request_page_highlights_an_overdue_deadline(client: TestClient, sqlite_org: Org) -> None:
    late, _, _ = _make(sqlite_org)
    login(client, sqlite_org.bob)
    page = client.get(f"/requests/{late.number}").text
    assert 'class="deadline sla-overdue" id="running-deadline"' in page and "Просрочена" in page


def test_bulk_accept_reports_done_and_refused(client: TestClient, sqlite_org: Org) -> None:
    late, order, other = _make(sqlite_org)
    lifecycle.transition(sqlite_org.actor("alice"), order, "accept")
    login(client, sqlite_org.sam)
    token = csrf_token(client, "/requests")
    response = client.post("/requests/bulk", data={
        "_csrf_token": token, "action": "accept", "numbers": [late.number, order.number, other.number],
        "back": "/requests?status=new"})
    assert response.status_code == 200
    result = response.text
    assert "Принять: выполнено для 1 заявки" in result
    assert late.number in result and order.number in result and other.number in result
    assert 'href="/requests?status=new"' in result
    assert Ticket.get_by_id(late.id).status == "accepted" and Ticket.get_by_id(other.id).status == "new"
    assert AuditEvent.select().where((AuditEvent.ticket == late.id) & (AuditEvent.action == "accept")).count() == 1
    refused = client.post("/requests/bulk", data={"_csrf_token": token, "action": "accept",
                                                  "back": "https://evil.example/"})
    assert refused.status_code == 422 and "evil" not in refused.text


def test_branch_users_get_no_bulk_actions(client: TestClient, sqlite_org: Org) -> None:
    late, _, _ = _make(sqlite_org)
    login(client, sqlite_org.bob)
    assert 'id="bulk"' not in client.get("/requests").text
    token = csrf_token(client, "/requests")
    response = client.post("/requests/bulk", data={"_csrf_token": token, "action": "accept", "numbers": late.number})
    assert response.status_code == 403
    assert Ticket.get_by_id(late.id).status == "new"


def test_the_api_list_filters_by_sla_priority_and_mine(client: TestClient, sqlite_org: Org) -> None:
    from tests.web.conftest import api_token

    late, order, _ = _make(sqlite_org)
    tickets.assign(sqlite_org.actor("alice"), order, sqlite_org.sam.id)
    sam = api_token(sqlite_org, "sam")

    def numbers(**params: str) -> list[str]:
        response = client.get("/api/v1/requests", params=params, headers=sam)
        assert response.status_code == 200, response.text
        return [item["number"] for item in response.json()["items"]]

    assert numbers(sla="overdue") == [late.number]
    assert numbers(priority="urgent") == [late.number]
    assert numbers(mine="true") == [order.number]
    item = client.get("/api/v1/requests", params={"sla": "overdue"}, headers=sam).json()["items"][0]
    assert item["sla"] == "overdue"
    assert client.get("/api/v1/requests", params={"sla": "late"}, headers=sam).status_code == 422


def test_the_change_stamp_moves_when_a_visible_request_changes(client: TestClient, sqlite_org: Org) -> None:
    late, _, other = _make(sqlite_org)
    login(client, sqlite_org.sam)
    page = client.get("/requests").text
    stamp = re.search(r'data-live-url="/requests/changes" data-live-stamp="([^"]+)"', page).group(1)
    assert client.get("/requests/changes").json() == {"stamp": stamp}
    tickets.add_comment(sqlite_org.actor("dan"), other, "Another warehouse's request")  # not sam's to see
    assert client.get("/requests/changes").json() == {"stamp": stamp}
    one = client.get("/requests/changes", params={"number": late.number}).json()["stamp"]
    tickets.add_comment(sqlite_org.actor("bob"), late, "Still broken")
    assert client.get("/requests/changes").json() != {"stamp": stamp}
    assert client.get("/requests/changes", params={"number": late.number}).json()["stamp"] != one
    assert client.get("/requests/changes", params={"number": other.number}).status_code == 403


def test_a_long_list_says_how_many_up_to_a_cap(client: TestClient, sqlite_org: Org,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _make(sqlite_org)
    monkeypatch.setattr(tickets, "COUNT_LIMIT", 2)
    login(client, sqlite_org.alice)
    page = client.get("/requests").text
    assert re.search(r'<h1>[^<]*<span class="muted">2\+</span>', page), "the capped count says 2+"
    assert "из 1+" in page and "page=2" in page  # a next page while the count is capped
