"""The new-request form: a printer to choose, quantities only for cartridge orders (refused elsewhere), ★ explained."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import TestClient

import helpdesk.web
from helpdesk.db.models import Ticket
from tests.conftest import Org
from tests.web.conftest import csrf_token, login


def test_form_offers_printers_explains_the_star_and_marks_the_cartridge_section(client: TestClient,
                                                                                 sqlite_org: Org) -> None:
    login(client, sqlite_org.bob)
    page = client.get("/requests/new").text
    assert f'<option value="{sqlite_org.printer.id}"' in page and "INV-1 · HP P1102 · Reception" in page
    assert "★ подходит к принтеру филиала." in page
    assert 'data-for-kind="cartridges"' in page and 'data-kind="cartridges"' in page and "data-sections" in page
    script = (Path(helpdesk.web.__file__).parent / "static" / "app.js").read_text()
    assert "[data-for-kind]" in script


def test_repair_with_a_printer_and_no_quantities(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.bob)
    token = csrf_token(client, "/requests/new")
    base = {"type": "repair", "description": "Замятие", "priority": "normal", "_csrf_token": token}
    refused = client.post("/requests/new", data={**base, f"qty_{sqlite_org.toner.id}": "2"})
    assert refused.status_code == 422 and "Картриджи перечисляет только заказ картриджей" in refused.text
    assert not Ticket.select().exists()
    made = client.post("/requests/new", data={**base, "printer": str(sqlite_org.printer.id)}, follow_redirects=False)
    assert made.status_code == 303
    assert Ticket.get().printer_id == sqlite_org.printer.id


def test_a_file_goes_with_the_new_request(client: TestClient, sqlite_org: Org) -> None:
    from helpdesk.db.models import Attachment
    login(client, sqlite_org.bob)
    token = csrf_token(client, "/requests/new")
    data = {"type": "repair", "description": "Замятие", "priority": "normal", "_csrf_token": token}
    empty = client.post("/requests/new", data=data, files={"file": ("photo.jpg", b"", "image/jpeg")},
                        follow_redirects=False)
    assert empty.status_code == 303 and empty.headers["location"] == "/requests/new"
    assert "Файл пуст" in client.get("/requests/new").text and not Ticket.select().exists()
    made = client.post("/requests/new", data=data, files={"file": ("photo.jpg", b"\xff\xd8 jpeg", "image/jpeg")},
                       follow_redirects=False)
    assert made.status_code == 303
    ticket = Ticket.get()
    assert made.headers["location"] == f"/requests/{ticket.number}"
    assert Attachment.get().file_name == "photo.jpg" and Attachment.get().ticket_id == ticket.id
    assert "photo.jpg" in client.get(made.headers["location"]).text
