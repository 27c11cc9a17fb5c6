"""The reports page and the workbooks: filters in the URL, bars that lead to the list, files two readers open."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
from litestar.testing import TestClient
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from helpdesk import cli
from helpdesk.core import lifecycle, sla, tickets
from helpdesk.db.models import Branch, Ticket
from tests.conftest import Org
from tests.web.conftest import api_token, login


def _orders(org: Org) -> list[Ticket]:
    """Three orders and a repair, this month: B1 orders 3 + 2 toners, B2 one drum; B1's first is shipped."""
    Branch.update(name="=HYPERLINK(\"http://x\")").where(Branch.id == org.b2.id).execute()
    made = [tickets.create(org.actor("bob"), tickets.TicketDraft("cartridges", lines=[(org.toner.id, 3)])),
            tickets.create(org.actor("bea"), tickets.TicketDraft("cartridges", lines=[(org.toner.id, 2)])),
            tickets.create(org.actor("carl"), tickets.TicketDraft("cartridges", lines=[(org.drum.id, 1)])),
            tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="-2+3 не печатает",
                                                                 printer_id=org.printer.id))]
    for action in ("accept", "resolve"):
        lifecycle.transition(org.actor("sam"), Ticket.get_by_id(made[0].id), action)
    sla.store_durations()
    return made


def _cells(path_or_bytes: Path | bytes, sheet: str) -> list[list[object]]:
    book = load_workbook(BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes)
    return [[c.value for c in row] for row in book[sheet].iter_rows()]


def test_a_manager_sees_cartridges_and_follows_a_bar_to_the_list(client: TestClient, sqlite_org: Org) -> None:
    made = _orders(sqlite_org)
    login(client, sqlite_org.alice)
    page = client.get("/reports", params={"period": "month"})
    assert page.status_code == 200
    section = page.text.split('id="cartridges-by-branch"')[1].split("</section>")[0]
    assert "<svg" in section and "Branch one" in section
    assert re.search(r"<td>5</td><td>3</td>", section), "B1 ordered 5 and shipped 3"
    links = [unescape(h) for h in re.findall(r'<a href="(/requests\?[^"]+)"><text', section)]
    assert links, "every bar is a link"
    listed = client.get(links[0]).text  # the longest bar: Branch one's orders
    assert made[0].number in listed and made[1].number in listed and made[2].number not in listed
    assert made[3].number not in listed, "the bar counts cartridge orders only"
    assert 'id="lead-times"' in page.text and 'id="sla-accept"' in page.text and 'id="heat-map"' in page.text


def test_bad_period_is_told_and_the_month_shown(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    page = client.get("/reports", params={"period": "custom", "from": "2026-03-10", "to": "2026-03-01"})
    assert page.status_code == 200 and "Период заканчивается раньше" in page.text


def test_reports_are_for_staff_and_scoped(client: TestClient, sqlite_org: Org) -> None:
    _orders(sqlite_org)
    login(client, sqlite_org.bob)
    assert client.get("/reports").status_code == 403
    assert client.get("/reports.xlsx").status_code == 403


def test_report_workbook_reads_back_in_two_readers(client: TestClient, sqlite_org: Org) -> None:
    _orders(sqlite_org)
    login(client, sqlite_org.alice)
    response = client.get("/reports.xlsx", params={"period": "month"})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames[0] == "Фильтры" and "Картриджи по филиалам" in book.sheetnames
    cover = book["Фильтры"]
    assert cover["A2"].value == "Время выгрузки" and isinstance(cover["B2"].value, dt.datetime)
    sheet = book["Картриджи по филиалам"]
    assert [c.value for c in sheet[1]] == ["Код филиала", "Филиал", "Заказано", "Отгружено"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D3"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [["B1", "Branch one", 5, 3], ["B2", "'=HYPERLINK(\"http://x\")", 1, 0], ["Итого", None, 6, 3]]
    assert sheet["A4"].font.bold, "the totals row stands out"
    lead = book["Сроки выполнения, рабочие часы"]
    assert lead["D2"].number_format == "0.0" and isinstance(lead["C2"].value, int)
    trend = book["Заявки по месяцам"]
    assert isinstance(trend["A2"].value, dt.datetime) and trend["A2"].number_format == "mm.yyyy"
    calamine = CalamineWorkbook.from_filelike(BytesIO(response.content))
    assert calamine.sheet_names == book.sheetnames
    assert calamine.get_sheet_by_name("Картриджи по филиалам").to_python()[1] == ["B1", "Branch one", 5.0, 3.0]
    one = client.get("/reports.xlsx", params={"period": "month", "section": "sla"})
    assert load_workbook(BytesIO(one.content)).sheetnames == ["Фильтры", "Соблюдение SLA"]
    assert client.get("/reports.xlsx", params={"section": "nonsense"}).status_code == 422


def test_requests_export_reads_back_and_the_cli_writes_the_same_cells(
        client: TestClient, sqlite_org: Org, sqlite_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = _orders(sqlite_org)
    login(client, sqlite_org.alice)
    response = client.get("/requests.xlsx", params={"branch": sqlite_org.b1.id, "type": "cartridges"})
    book = load_workbook(BytesIO(response.content))
    sheet = book["Заявки"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold and sheet.auto_filter.ref == "A1:R3"
    headers = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=2, max_row=3, values_only=True)}
    assert set(rows) == {made[0].number, made[1].number}
    shipped = rows[made[0].number]
    assert shipped["Количество"] == 3 and isinstance(shipped["Создана"], dt.datetime)
    assert sheet["H2"].number_format == "dd.mm.yyyy hh:mm" and isinstance(shipped["Время выполнения, ч"], float)
    total = [c.value for c in sheet[4]]
    assert total[0] == "Итого" and total[headers.index("Количество")] == "=SUM(R2:R3)"
    calamine = CalamineWorkbook.from_filelike(BytesIO(response.content)).get_sheet_by_name("Заявки").to_python()
    assert calamine[0] == headers and {calamine[1][0], calamine[2][0]} == set(rows)

    monkeypatch.setenv("HELPDESK_DATABASE_URL", sqlite_db)
    target = tmp_path / "cli.xlsx"
    assert cli.main(["export", str(target), "--branch", "B1", "--type", "cartridges",
                     "--data-dir", str(tmp_path / "data")]) == 0
    panel_cover, cli_cover = _cells(response.content, "Фильтры"), _cells(target, "Фильтры")
    assert panel_cover[2:] == cli_cover[2:] and panel_cover[1][0] == cli_cover[1][0]  # the export time aside
    assert _cells(response.content, "Заявки") == _cells(target, "Заявки")


def test_requests_export_escapes_formulas(client: TestClient, sqlite_org: Org) -> None:
    made = _orders(sqlite_org)
    login(client, sqlite_org.alice)
    sheet = load_workbook(BytesIO(client.get("/requests.xlsx", params={"type": "repair"}).content))["Заявки"]
    assert sheet["A2"].value == made[3].number and sheet["L2"].value == "'-2+3 не печатает"
    assert sheet["D2"].value == "Branch one"


def test_the_api_gives_the_same_numbers_to_staff_only(client: TestClient, sqlite_org: Org) -> None:
    _orders(sqlite_org)
    response = client.get("/api/v1/reports", params={"period": "month"}, headers=api_token(sqlite_org, "alice"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(r["code"], r["ordered"], r["shipped"]) for r in body["cartridges_by_branch"]] == [("B1", 5, 3),
                                                                                              ("B2", 1, 0)]
    assert body["lead_times"][0]["group"] == "all" and body["lead_times"][0]["resolved"] == 1
    assert len(body["heat_map"]) == 7 and body["backlog"][0]["age"] == "Меньше суток"
    sam = client.get("/api/v1/reports", headers=api_token(sqlite_org, "sam")).json()
    assert {r["code"] for r in sam["cartridges_by_branch"]} == {"B1", "B2"}, "W1 serves B1 and B2"
    assert client.get("/api/v1/reports", headers=api_token(sqlite_org, "bob")).status_code == 403
    wrong = client.get("/api/v1/reports", params={"period": "custom", "from": "2026-03-02", "to": "2026-03-01"},
                       headers=api_token(sqlite_org, "alice"))
    assert wrong.status_code == 422 and wrong.json()["field"] == "to"


def test_a_branch_workbook_for_scheduled_reports(sqlite_org: Org) -> None:
    from helpdesk.core import reports
    from helpdesk.export.report_book import branch_workbook

    _orders(sqlite_org)
    book = load_workbook(BytesIO(branch_workbook(sqlite_org.b1.id, reports.period("month"))))
    rows = [[c.value for c in r] for r in book["Картриджи по филиалам"].iter_rows(min_row=2)]
    assert rows == [["B1", "Branch one", 5, 3], ["Итого", None, 5, 3]]
    assert ["Филиал", "B1 Branch one"] in [[c.value for c in r] for r in book["Фильтры"].iter_rows()]
