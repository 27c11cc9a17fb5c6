"""The dashboard's charts: server-rendered SVG whose bars lead to the filtered list."""

from __future__ import annotations

import re

from litestar.testing import TestClient

from helpdesk.core import tickets
from helpdesk.db.models import Ticket
from tests.conftest import Org
from tests.web.conftest import login


def test_charts_are_inline_svg_and_link_to_the_list(client: TestClient, sqlite_org: Org) -> None:
    for persona in ("bob", "bea", "dan"):
        tickets.create(sqlite_org.actor(persona), tickets.TicketDraft("repair", description="Замятие бумаги"))
    login(client, sqlite_org.alice)
    page = client.get("/").text
    assert page.count('<svg class="chart"') == 3, "per day, by type, by branch"
    scripts = re.findall(r"<script[^>]*>", page)
    assert all('src="/static/app.js' in tag for tag in scripts), "charts need no JavaScript; only the packaged one"
    bar = re.search(r'<a href="(/requests\?type=repair[^"]*)"><text[^>]*>Ремонт</text><rect[^>]*><title>Ремонт: 3', page)
    assert bar, "a bar per type with its count, linked to the list"
    listing = client.get(bar.group(1).replace("&amp;", "&")).text
    assert listing.count('class="badge status-new"') == 3
    assert re.search(r'<title>\d\d\.\d\d: новых заявок 3</title>', page), "today's bar"
    assert 'id="today"><span class="tile-value">3 / 0</span>' in page

    login(client, sqlite_org.bob)
    page = client.get("/").text
    assert page.count('<svg class="chart"') == 2, "a branch sees no branch ranking"
    assert "Ремонт: 2" in page, "only its own branch's requests"


def test_open_tiles_leave_out_resolved_which_has_its_own(client: TestClient, sqlite_org: Org) -> None:
    for _ in range(3):
        tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Замятие бумаги"))
    Ticket.update(status="resolved").where(Ticket.id == Ticket.select(Ticket.id).limit(1)).execute()
    login(client, sqlite_org.sam)
    page = client.get("/").text
    assert re.search(r'<span class="tile-value">2</span><span class="tile-label">Открытые заявки', page), page
    assert re.search(r'id="awaiting" href="/requests\?status=resolved"><span class="tile-value">1</span>'
                     r'<span class="tile-label">Ждут подтверждения автора', page)
    assert 'href="/requests?status=resolved"><span class="tile-value">1</span><span class="tile-label">Выполнена' \
        not in page


def test_no_open_requests_reads_as_text_not_tags(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    page = client.get("/").text
    assert '<p class="muted">Открытых заявок нет.</p>' in page
    assert "&lt;p" not in page


def test_branch_labels_fit_left_of_their_bars(client: TestClient, sqlite_org: Org) -> None:
    from helpdesk.db.models import Branch
    Branch.update(name="Санкт-Петербург, Невский проспект").where(Branch.id == sqlite_org.b1.id).execute()
    tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Замятие бумаги"))
    login(client, sqlite_org.alice)
    page = client.get("/").text
    labels = re.findall(r'<text class="axis label" x="(\d+)"[^>]*>([^<]+)</text>', page)
    assert any(text.startswith("Санкт-Петербург") for _, text in labels), labels
    for x, text in labels:
        assert len(text) * 9 <= int(x), f"{text!r} runs off the chart's left edge"


def test_sla_tiles_and_latest_requests_are_links(client: TestClient, sqlite_org: Org) -> None:
    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Замятие бумаги"))
    login(client, sqlite_org.alice)
    page = client.get("/").text
    assert re.search(r'<a class="tile[^"]*" id="sla-breached" href="/requests\?sla=overdue', page)
    assert re.search(r'<a class="tile[^"]*" id="sla-due-soon" href="/requests\?sla=due_soon', page)
    assert f'<a href="/requests/{ticket.number}">{ticket.number}</a>' in page


def test_checklist_names_printer_models_and_each_admin_can_hide_it(client: TestClient, sqlite_org: Org) -> None:
    from helpdesk.db.models import User
    from tests.web.conftest import csrf_token
    login(client, sqlite_org.alice)
    page = client.get("/").text
    assert 'href="/catalog/printer-models"' in page.split('id="getting-started"')[1].split("</section>")[0]
    hidden = client.post("/checklist/dismiss", data={"_csrf_token": csrf_token(client, "/")}, follow_redirects=False)
    assert hidden.status_code == 303 and 'id="getting-started"' not in client.get("/").text
    login(client, User.create(display_name="Olga", role="admin"))
    assert 'id="getting-started"' in client.get("/").text, "another admin still sees it"
    login(client, sqlite_org.sam)
    assert client.post("/checklist/dismiss", data={"_csrf_token": csrf_token(client, "/")}).status_code == 403
