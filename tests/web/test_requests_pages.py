"""The requests pages: list with filters, Excel export, one request with its actions, the new form."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from litestar.testing import TestClient
from openpyxl import load_workbook

from helpdesk.core import attachments, tickets
from helpdesk.db.models import Ticket
from tests.conftest import Org
from tests.web.conftest import csrf_token, login


def _make(org: Org) -> list[Ticket]:
    return [
        tickets.create(org.actor("bob"), tickets.TicketDraft("cartridges", lines=[(org.toner.id, 2)])),
        tickets.create(org.actor("carl"), tickets.TicketDraft("repair", description="=HYPERLINK(\"http://x\")")),
        tickets.create(org.actor("dan"), tickets.TicketDraft("it_help", description="Mail is down")),
    ]


def test_list_shows_only_what_the_role_may_see_and_filters(client: TestClient, sqlite_org: Org) -> None:
    made = _make(sqlite_org)
    login(client, sqlite_org.sam)
    page = client.get("/requests").text
    assert made[0].number in page and made[1].number in page and made[2].number not in page
    filtered = client.get("/requests", params={"type": "repair"}).text
    assert made[1].number in filtered and made[0].number not in filtered
    by_text = client.get("/requests", params={"q": "HYPERLINK"}).text
    assert made[1].number in by_text and made[0].number not in by_text
    assert made[0].number not in client.get("/requests", params={"status": "closed"}).text
    assert client.get("/requests", params={"status": "bogus", "page": "x", "from": "not-a-date"}).status_code == 200


def test_excel_export_of_the_filtered_list(client: TestClient, sqlite_org: Org) -> None:
    made = _make(sqlite_org)
    login(client, sqlite_org.alice)
    response = client.get("/requests.xlsx", params={"status": "new"})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(BytesIO(response.content))["Заявки"]  # after the cover sheet
    assert sheet["A1"].value == "Номер" and sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    numbers = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row)]
    assert sorted(numbers) == sorted(t.number for t in made)
    assert sheet.cell(row=sheet.max_row, column=1).value == "Итого", "a totals row closes the list"
    row = numbers.index(made[1].number) + 2
    assert sheet.cell(row=row, column=12).value.startswith("'="), "formula injection is defused"
    assert isinstance(sheet.cell(row=row, column=8).value, dt.datetime), "dates are real dates"


def test_request_page_lifecycle_comments_and_assignment(client: TestClient, sqlite_org: Org) -> None:
    ticket = _make(sqlite_org)[0]
    login(client, sqlite_org.sam)
    url = f"/requests/{ticket.number}"
    page = client.get(url).text
    assert 'data-action="accept"' in page and "HP 85A" in page
    token = csrf_token(client, url)
    assert client.post(f"{url}/transition", data={"action": "accept", "_csrf_token": token},
                       follow_redirects=False).status_code == 303
    refused = client.post(f"{url}/transition", data={"action": "accept", "_csrf_token": token})
    assert refused.status_code == 422 and "невозможно" in refused.text
    empty_reason = client.post(f"{url}/transition", data={"action": "reject", "reason": " ", "_csrf_token": token})
    assert empty_reason.status_code == 422 and "Укажите причину" in empty_reason.text
    client.post(f"{url}/comment", data={"body": "Везём завтра", "_csrf_token": token})
    client.post(f"{url}/comment", data={"body": "Проверить барабан", "internal": "on", "_csrf_token": token})
    client.post(f"{url}/assign", data={"assignee": str(sqlite_org.sam.id), "_csrf_token": token})
    assert Ticket.get_by_id(ticket.id).assignee_id == sqlite_org.sam.id
    client.post("/logout", data={"_csrf_token": token})
    login(client, sqlite_org.bob)
    page = client.get(url).text
    assert "Везём завтра" in page and "Проверить барабан" not in page, "internal notes stay internal"
    assert 'data-action="cancel"' not in page


def test_other_branch_request_and_files_are_403(client: TestClient, sqlite_org: Org, tmp_path) -> None:  # noqa: ANN001
    made = _make(sqlite_org)
    uploads = client.app.state.settings.uploads_dir
    uploads.mkdir(parents=True, exist_ok=True)
    row = attachments.add(sqlite_org.actor("carl"), made[1], uploads, "photo.jpg", b"\xff\xd8\xff\xd9", "image/jpeg")
    login(client, sqlite_org.bob)
    assert client.get(f"/requests/{made[1].number}").status_code == 403
    assert client.get(f"/requests/{made[1].number}/files/{row.id}").status_code == 403
    client.post("/logout", data={"_csrf_token": csrf_token(client, "/")})
    login(client, sqlite_org.carl)
    got = client.get(f"/requests/{made[1].number}/files/{row.id}")
    assert got.status_code == 200 and got.content == b"\xff\xd8\xff\xd9"


def test_new_request_form(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.bob)
    form = client.get("/requests/new").text
    assert f'name="qty_{sqlite_org.toner.id}"' in form and "★</span> HP 85A" in form
    token = csrf_token(client, "/requests/new")
    bad = client.post("/requests/new", data={"type": "cartridges", "_csrf_token": token,
                                             f"qty_{sqlite_org.toner.id}": "0"})
    assert bad.status_code == 422 and "хотя бы один картридж" in bad.text
    made = client.post("/requests/new", data={"type": "cartridges", "_csrf_token": token, "client_key": "k1",
                                              f"qty_{sqlite_org.toner.id}": "3"}, follow_redirects=False)
    assert made.status_code == 303
    again = client.post("/requests/new", data={"type": "cartridges", "_csrf_token": token, "client_key": "k1",
                                               f"qty_{sqlite_org.toner.id}": "3"}, follow_redirects=False)
    assert again.headers["location"] == made.headers["location"], "a double submit creates one request"
    assert Ticket.select().count() == 1 and Ticket.get().lines[0].quantity == 3


def test_assignee_list_leaves_out_other_warehouses(client: TestClient, sqlite_org: Org) -> None:
    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Замятие"))
    login(client, sqlite_org.alice)
    form = client.get(f"/requests/{ticket.number}").text.split('name="assignee"')[1].split("</select>")[0]
    assert f'value="{sqlite_org.sam.id}"' in form and f'value="{sqlite_org.sue.id}"' not in form


def test_excel_export_names_the_local_day_and_has_numbers_to_count(client: TestClient, sqlite_org: Org) -> None:
    from helpdesk.core import lifecycle
    from helpdesk.db.models import BusinessCalendar
    BusinessCalendar.update(timezone="Pacific/Kiritimati").execute()  # UTC+14: its date is ahead of UTC's
    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("cartridges", lines=[(sqlite_org.toner.id, 2)]))
    for action in ("accept", "resolve"):
        lifecycle.transition(sqlite_org.actor("sam"), ticket, action)
    login(client, sqlite_org.alice)
    response = client.get("/requests.xlsx")
    local_day = dt.datetime.now(dt.timezone(dt.timedelta(hours=14))).date()
    assert f'filename="requests-{local_day.isoformat()}.xlsx"' in response.headers["content-disposition"]
    sheet = load_workbook(BytesIO(response.content))["Заявки"]  # after the cover sheet
    headers = [c.value for c in sheet[1]]
    for name in ("Выполнить до", "Время выполнения, ч", "Код филиала", "Причина отказа", "Количество"):
        assert name in headers, name
    row = {h: sheet.cell(row=2, column=i + 1).value for i, h in enumerate(headers)}
    assert row["Код филиала"] == "B1" and row["Количество"] == 2
    assert isinstance(row["Время выполнения, ч"], (int, float)) and isinstance(row["Выполнить до"], dt.datetime)
