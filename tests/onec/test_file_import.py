"""Stock from a file exported from 1C (the fallback): good files, and bad ones told row by row."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from helpdesk.core import imports, onec_mapping
from helpdesk.core.errors import ValidationError
from helpdesk.core.imports import drafts
from helpdesk.db.models import AuditEvent, OnecItem, Stock
from tests.conftest import Org

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def _csv_1251(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("cp1251")


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_1c_export_as_csv_replaces_the_stock(org: Org) -> None:
    admin = org.actor("alice")
    OnecItem.create(key="5d5a2c3e-0b1f-11e6-80c9-00155d000b05", kind="item", name="Фотобарабан Brother DR-2300")
    onec_mapping.map_cartridge(admin, org.drum.id, "5d5a2c3e-0b1f-11e6-80c9-00155d000b05")
    data = _csv_1251("Склад;Номенклатура;Артикул;Конечный остаток\n"
                     "W1;Картридж HP 85A;CE285A;1 200,000\n"  # found by article, 1C's number format
                     "North warehouse;Фотобарабан Brother DR-2300;;3\n")  # our name; 1C's item name
    preview = imports.preview(admin, "stock", "остатки.csv", data)
    assert not preview.has_errors, [(r.number, [e.text("en") for e in r.errors]) for r in preview.rows]
    assert [r.action for r in preview.rows] == ["update", "create"]
    imports.apply(admin, preview)
    rows = {(s.warehouse.code, s.cartridge.name): (s.quantity, s.source) for s in Stock.select()}
    assert rows == {("W1", "HP 85A"): (1200, "1c"), ("W2", "Brother DR-2300"): (3, "1c")}
    assert AuditEvent.select().where(AuditEvent.action == "stock_import").count() == 2


def test_xlsx_with_our_headers(org: Org) -> None:
    admin = org.actor("alice")
    data = _xlsx([["Warehouse", "Cartridge", "Balance"], ["W2", "HP 85A", 7]])
    preview = imports.preview(admin, "stock", "stock.xlsx", data)
    assert not preview.has_errors
    imports.apply(admin, preview)
    assert Stock.get(warehouse=org.w2, cartridge=org.toner).quantity == 7


UNKNOWN_HEADERS = ("Место хранения;Кол-во, шт.;Наименование ТМЦ\n"
                   "W1;7;HP 85A\n"
                   "W2;3;Brother DR-2300\n")


def test_unknown_headers_are_mapped_by_the_admin_then_imported(org: Org, tmp_path: Path) -> None:
    admin = org.actor("alice")
    found = imports.preview(admin, "stock", "отчёт.csv", _csv_1251(UNKNOWN_HEADERS))
    assert found.mapping == {} and found.missing == ["warehouse", "cartridge", "quantity"]
    assert found.ignored == ["Место хранения", "Кол-во, шт.", "Наименование ТМЦ"]
    assert all(r.errors for r in found.rows) and found.file_columns[1] == (1, "B «Кол-во, шт.»")
    with pytest.raises(ValidationError) as twice:
        imports.remap(admin, found, {"warehouse": 0, "cartridge": 2, "quantity": 2})
    assert twice.value.text("en") == "The file's column C «Наименование ТМЦ» is chosen for both “Cartridge” and “Balance”."
    mapped = imports.remap(admin, found, {"warehouse": 0, "cartridge": 2, "quantity": 1, "article": None})
    assert mapped.columns == ["warehouse", "quantity", "cartridge"] and mapped.ignored == []
    assert not mapped.has_errors and [r.action for r in mapped.rows] == ["update", "create"]
    # The draft keeps the choice: read back, it is checked with the same columns.
    token = drafts.save(tmp_path, admin, mapped)
    kept = drafts.load(tmp_path, admin, token)
    assert kept.mapping == mapped.mapping and [r.cells for r in kept.rows] == [r.cells for r in mapped.rows]
    assert Stock.get(warehouse=org.w1, cartridge=org.toner).quantity == 10, "nothing written before confirm"
    assert not Stock.select().where(Stock.warehouse == org.w2).exists()
    imports.apply(admin, kept)
    assert Stock.get(warehouse=org.w1, cartridge=org.toner).quantity == 7
    assert (Stock.get(warehouse=org.w2, cartridge=org.drum).quantity, Stock.get(warehouse=org.w2,
                                                                             cartridge=org.drum).source) == (3, "1c")


def test_a_wrong_mapping_gives_per_row_errors_and_writes_nothing(org: Org) -> None:
    admin = org.actor("alice")
    found = imports.preview(admin, "stock", "отчёт.csv", _csv_1251(UNKNOWN_HEADERS))
    wrong = imports.remap(admin, found, {"warehouse": 0, "cartridge": 1, "quantity": 2})  # items and numbers swapped
    errors = {r.number: sorted(e.text("en") for e in r.errors) for r in wrong.rows}
    assert errors == {2: ["HP 85A is not a number.", "Unknown cartridge model 7."],
                      3: ["Brother DR-2300 is not a number.", "Unknown cartridge model 3."]}
    with pytest.raises(imports.ImportHasErrors):
        imports.apply(admin, wrong)
    half = imports.remap(admin, found, {"warehouse": 0, "quantity": 1})  # no column for the cartridge
    assert half.missing == ["cartridge"]
    assert {e.field for r in half.rows for e in r.errors} == {"cartridge"}
    assert Stock.get(warehouse=org.w1, cartridge=org.toner).quantity == 10
    assert Stock.select().count() == 1


def test_bad_rows_are_told_and_nothing_is_written(org: Org) -> None:
    admin = org.actor("alice")
    data = _csv_1251("Склад;Номенклатура;Остаток\n"
                     "W1;HP 85A;много\n"
                     "W1;HP 85A;2,5\n"
                     "W9;HP 85A;1\n"
                     "W1;Неизвестный картридж;1\n"
                     "W1;Brother DR-2300;-4\n")
    preview = imports.preview(admin, "stock", "bad.csv", data)
    errors = {r.number: [e.text("ru") for e in r.errors] for r in preview.rows}
    assert "не число" in errors[2][0]
    assert "не целое число" in errors[3][0]
    assert "W9" in errors[4][0]
    assert "Неизвестный картридж" in errors[5][0]
    assert "отрицательным" in errors[6][0]
    with pytest.raises(imports.ImportHasErrors):
        imports.apply(admin, preview)
    assert Stock.get(warehouse=org.w1, cartridge=org.toner).quantity == 10
