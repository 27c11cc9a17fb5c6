"""Import pages: template download, upload → preview → confirm, drafts bound to their admin, CSRF, admins only."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from litestar.testing import TestClient
from openpyxl import load_workbook

from helpdesk.db.models import AuditEvent, Branch, Stock, User, Warehouse
from tests.conftest import Org
from tests.web.conftest import csrf_token, login

GOOD = "Код;Название;Код склада\r\nKZN-01;Казань;W2\r\nB1;Филиал один, новый;\r\n".encode("cp1251")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD = "Код;Название;Код склада\r\nKZN-01;Казань;W404\r\n".encode("cp1251")


def upload(client: TestClient, data: bytes, kind: str = "branches", token: str | None = None) -> object:
    token = token if token is not None else csrf_token(client, "/import")
    return client.post("/import", data={"kind": kind, "_csrf_token": token},
                       files={"file": ("филиалы.csv", data, "text/csv")}, follow_redirects=False)


def test_template_download_opens_in_openpyxl(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    response = client.get("/import/branches/template.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response.headers["content-disposition"]
    data, notes = load_workbook(io.BytesIO(response.content)).worksheets
    assert [c.value for c in data[1]] == ["Код *", "Название *", "Адрес", "Код склада", "Активен"]
    assert data["A2"].value == "MSK-01" and notes.title == "Пояснения"
    assert client.get("/import/tickets/template.xlsx").status_code == 404


def test_upload_preview_confirm(client: TestClient, sqlite_org: Org, tmp_path: Path) -> None:
    login(client, sqlite_org.alice)
    page = client.get("/import?kind=users")
    assert page.status_code == 200 and 'value="users" selected' in page.text
    assert 'href="/import?kind=branches"' in client.get("/org/branches").text
    assert 'href="/import?kind=cartridges"' in client.get("/catalog/cartridges").text

    sent = upload(client, GOOD)
    assert sent.status_code == 303
    location = sent.headers["location"]
    assert re.fullmatch(r"/import/preview/[A-Za-z0-9_-]{43}", location)
    assert len(list((tmp_path / "data" / "imports").glob("*.json"))) == 1
    preview = client.get(location)
    assert preview.status_code == 200
    assert re.search(r'<span class="tile-value">1</span><span class="tile-label">Создать', preview.text)
    assert re.search(r'<span class="tile-value">1</span><span class="tile-label">Обновить', preview.text)
    assert "Казань" in preview.text and 'id="import-confirm"' in preview.text
    assert Branch.select().count() == 3  # nothing written before the confirm

    token = csrf_token(client, location)
    done = client.post(location, data={"_csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/import?done=branches&created=1&updated=1")
    assert "создано 1, обновлено 1" in client.get(done.headers["location"]).text
    assert Branch.get(Branch.code == "KZN-01").warehouse_id == sqlite_org.w2.id
    assert Branch.get_by_id(sqlite_org.b1.id).name == "Филиал один, новый"
    assert AuditEvent.select().where(AuditEvent.action == "branch_save").count() == 2
    assert not list((tmp_path / "data" / "imports").glob("*.json"))  # the draft is gone
    assert client.get(location).status_code == 404


def test_rows_with_errors_cannot_be_confirmed(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    location = upload(client, BAD).headers["location"]
    page = client.get(location)
    assert "Неизвестный склад W404." in page.text and 'id="import-confirm"' not in page.text
    refused = client.post(location, data={"_csrf_token": csrf_token(client, location)})
    assert refused.status_code == 422 and "Ничего не импортировано" in refused.text
    assert not Branch.select().where(Branch.code == "KZN-01").exists()
    broken = upload(client, b"PK\x03\x04 not really a workbook")
    assert broken.status_code == 303 and broken.headers["location"] == "/import", "post/redirect/get"
    broken = client.get("/import")
    assert broken.status_code == 422 and "Не удалось прочитать файл" in broken.text
    assert "Не удалось прочитать файл" not in client.get("/import").text, "shown once"
    missing = upload(client, "Название\r\nX\r\n".encode("cp1251"))
    missing = client.get(missing.headers["location"])
    assert missing.status_code == 200 and 'id="import-missing"' in missing.text and "Код" in missing.text
    assert 'id="import-confirm"' not in missing.text and "<details class=\"card filters-box\" id=\"import-mapping\" open" \
        in missing.text


def test_drafts_belong_to_the_admin_who_uploaded(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    location = upload(client, GOOD).headers["location"]
    other = User.create(display_name="Olga", role="admin")
    login(client, other)
    assert client.get(location).status_code == 404
    assert "Срок этого импорта истёк" in client.get(location).text


def test_cancel_discards_the_draft(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    location = upload(client, GOOD, kind="warehouses").headers["location"]
    token = csrf_token(client, location)
    assert client.post(f"{location}/cancel", data={"_csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get(location).status_code == 404
    assert Warehouse.select().count() == 2


def test_csrf_is_required(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    assert upload(client, GOOD, token="").status_code == 403
    location = upload(client, GOOD).headers["location"]
    assert client.post(location, data={}).status_code == 403
    assert not Branch.select().where(Branch.code == "KZN-01").exists()


@pytest.mark.parametrize("persona", ["sam", "bob"])
def test_only_admins(client: TestClient, sqlite_org: Org, persona: str) -> None:
    login(client, getattr(sqlite_org, persona))
    for path in ("/import", "/import/branches/template.xlsx"):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/requests")
    assert upload(client, GOOD, token=token).status_code == 403
    assert not Branch.select().where(Branch.code == "KZN-01").exists()


def test_confirm_button_counts_and_hides_when_nothing_changes(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    page = client.get(upload(client, GOOD).headers["location"]).text
    assert "Импортировать: новых — 1, изменённых — 1" in page and "built-in method" not in page
    b1 = Branch.get_by_id(sqlite_org.b1.id)
    same = f"Код;Название\r\n{b1.code};{b1.name}\r\n".encode("cp1251")
    page = client.get(upload(client, same).headers["location"]).text
    assert 'id="import-confirm"' not in page and "уже соответствует" in page


def test_kinds_listed_in_the_order_to_import(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    page = client.get("/import").text
    table = page.split('id="import-kinds"')[1]
    order = list(re.findall(r'href="/import/(\w+)/template.xlsx"', table))
    assert order == ["warehouses", "branches", "users", "cartridges", "printer_models", "printers", "stock"], order
    assert 'value="warehouses" selected' in page


def test_a_text_file_named_xlsx_is_told_as_not_excel(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    sent = client.post("/import", data={"kind": "branches", "_csrf_token": csrf_token(client, "/import")},
                       files={"file": ("филиалы.xlsx", "Название\r\nX\r\n".encode("cp1251"), XLSX)},
                       follow_redirects=False)
    page = client.get(sent.headers["location"])
    assert page.status_code == 422 and "не книга Excel" in page.text and "Нет обязательного столбца" not in page.text


STOCK_UNKNOWN = "Место хранения;Кол-во, шт.;Наименование ТМЦ\r\nW1;7;HP 85A\r\nW2;3;Brother DR-2300\r\n".encode("cp1251")


def test_columns_of_a_file_with_unknown_headers_are_chosen_on_the_preview(client: TestClient,
                                                                          sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    location = upload(client, STOCK_UNKNOWN, kind="stock").headers["location"]
    page = client.get(location)
    assert page.status_code == 200 and 'id="import-missing"' in page.text and 'id="import-confirm"' not in page.text
    assert '<option value="1">B «Кол-во, шт.»</option>' in page.text
    columns = f"{location}/columns"

    def choose(**chosen: str) -> str:
        fields = {f"column-{key}": value for key, value in chosen.items()}
        sent = client.post(columns, data={**fields, "_csrf_token": csrf_token(client, location)},
                           follow_redirects=False)
        assert sent.status_code == 303 and sent.headers["location"] == location
        return client.get(location).text

    wrong = choose(warehouse="0", cartridge="1", quantity="2")  # items and numbers swapped
    assert "Неизвестная модель картриджа 7." in wrong and "HP 85A — не число." in wrong
    assert 'id="import-confirm"' not in wrong
    assert '<option value="2" selected>C «Наименование ТМЦ»</option>' in wrong, "the draft keeps the choice"

    sent = client.post(columns, data={"column-warehouse": "0", "column-cartridge": "2", "column-quantity": "2",
                                      "_csrf_token": csrf_token(client, location)}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == location, "post/redirect/get"
    refused = client.get(location)
    assert refused.status_code == 422 and 'id="import-mapping-error"' in refused.text
    assert '<option value="2" selected>C «Наименование ТМЦ»</option>' in refused.text, "the choice comes back"

    right = choose(warehouse="0", cartridge="2", quantity="1", article="")
    assert 'id="import-missing"' not in right and 'id="import-confirm"' in right
    assert Stock.get(warehouse=sqlite_org.w1, cartridge=sqlite_org.toner).quantity == 10, "nothing written yet"
    assert not Stock.select().where(Stock.warehouse == sqlite_org.w2).exists()

    done = client.post(location, data={"_csrf_token": csrf_token(client, location)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/import?done=stock&created=1&updated=1")
    assert Stock.get(warehouse=sqlite_org.w1, cartridge=sqlite_org.toner).quantity == 7
    assert Stock.get(warehouse=sqlite_org.w2, cartridge=sqlite_org.drum).quantity == 3
