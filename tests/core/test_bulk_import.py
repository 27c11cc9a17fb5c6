"""Bulk import: xlsx and csv in, a preview with per-row errors, all or nothing out, updates by natural key."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from playhouse.test_utils import count_queries

from helpdesk.core import imports
from helpdesk.core.actors import Actor
from helpdesk.core.errors import Forbidden, NotFound, ValidationError
from helpdesk.core.imports import drafts
from helpdesk.core.imports.base import Row
from helpdesk.core.imports.service import KINDS
from helpdesk.db.models import AuditEvent, Branch, CartridgeModel, Printer, PrinterModel, User, Warehouse
from helpdesk.i18n import translate
from tests.conftest import Org


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[str]], encoding: str = "cp1251", delimiter: str = ";") -> bytes:
    return "\r\n".join(delimiter.join(row) for row in rows).encode(encoding)


def by_number(preview: imports.Preview) -> dict[int, Row]:
    return {row.number: row for row in preview.rows}


def errors(preview: imports.Preview, lang: str = "en") -> dict[int, list[str]]:
    return {row.number: [e.text(lang) for e in row.errors] for row in preview.rows if row.errors}


def test_xlsx_creates_updates_and_leaves_unchanged(org: Org) -> None:
    alice = org.actor("alice")
    data = xlsx([["Code", "Name", "Address", "Warehouse code", "Active", "Comment"],
                 ["kzn-01", "Kazan", "Bauman St. 1", "w2", None, "new"],
                 ["B1", "Branch one renamed", None, None, None, "rename"],
                 ["B2", "Branch two", None, "W1", "yes", "same as now"]])
    preview = imports.preview(alice, "branches", "branches.xlsx", data)
    assert preview.counts == {"create": 1, "update": 1, "unchanged": 1, "errors": 0}
    assert preview.columns == ["code", "name", "address", "warehouse", "active"]
    assert preview.ignored == ["Comment"]
    assert by_number(preview)[3].changed == ["name"]
    assert Branch.select().count() == 3  # a preview writes nothing

    summary = imports.apply(alice, preview)
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 1)
    kazan = Branch.get(Branch.code == "KZN-01")
    assert (kazan.name, kazan.address, kazan.warehouse_id, kazan.active) == ("Kazan", "Bauman St. 1", org.w2.id, True)
    b1 = Branch.get_by_id(org.b1.id)
    assert (b1.name, b1.warehouse_id) == ("Branch one renamed", org.w1.id)  # an empty cell keeps the value


def test_csv_in_cp1251_with_semicolons_and_russian_headers(org: Org) -> None:
    data = csv_bytes([["Код", "Название", "Адрес", "Склад"], [], ["SPB-1", "Санкт-Петербург, Невский", "Невский пр., 1",
                                                                 "W2"]])
    preview = imports.preview(org.actor("alice"), "branches", "филиалы.csv", data)
    assert errors(preview) == {} and preview.rows[0].number == 3  # numbered as the spreadsheet shows it
    assert preview.rows[0].target["name"] == "Санкт-Петербург, Невский"
    imports.apply(org.actor("alice"), preview)
    assert Branch.get(Branch.code == "SPB-1").address == "Невский пр., 1"


@pytest.mark.parametrize("encoding, delimiter", [("utf-8-sig", ","), ("utf-8", ";"), ("utf-16", "\t")])
def test_csv_encodings_and_delimiters(org: Org, encoding: str, delimiter: str) -> None:
    data = csv_bytes([["CODE", " name ", "код склада"], ["W-S", "Южный склад", "x"]],
                     encoding, delimiter)
    preview = imports.preview(org.actor("alice"), "warehouses", "w.csv", data)
    assert preview.ignored == ["код склада"]  # warehouses have no warehouse column
    assert preview.rows[0].target["name"] == "Южный склад" and preview.rows[0].action == "create"


def test_per_row_errors_and_nothing_written(org: Org) -> None:
    alice = org.actor("alice")
    data = xlsx([["Code", "Name", "Warehouse code", "Active"],
                 ["OK-1", "Fine", "W1", "да"],
                 ["bad code!", "Bad code", None, None],
                 ["OK-2", None, "NOPE", "perhaps"],
                 ["ok-1", "Twin", None, None],
                 ["OK-3", "x" * 201, None, None]])
    preview = imports.preview(alice, "branches", "bad.xlsx", data)
    assert preview.counts == {"create": 1, "update": 0, "unchanged": 0, "errors": 4}
    assert errors(preview) == {
        3: ["A code is 1–32 letters, digits, dots, dashes or underscores."],
        4: ["Fill this in.", "Write yes or no.", "Unknown warehouse NOPE."],
        5: ["Duplicate of row 2 (the same Code)."],
        6: ["Too long (200 characters at most)."],
    }
    assert errors(preview, "ru")[5] == ["Повтор строки 2 (совпадает: Код)."]
    with pytest.raises(imports.ImportHasErrors):
        imports.apply(alice, preview)
    assert Branch.select().count() == 3 and AuditEvent.select().count() == 0


def test_reimport_updates_instead_of_duplicating(org: Org) -> None:
    alice = org.actor("alice")
    rows = [["Code", "Name", "Warehouse code"], *[[f"R-{i}", f"Branch {i}", "W1"] for i in range(5)]]
    imports.apply(alice, imports.preview(alice, "branches", "a.xlsx", xlsx(rows)))
    again = imports.preview(alice, "branches", "a.xlsx", xlsx(rows))
    assert again.counts == {"create": 0, "update": 0, "unchanged": 5, "errors": 0}
    rows[2][1] = "Branch one, moved"
    summary = imports.apply(alice, imports.preview(alice, "branches", "a.xlsx", xlsx(rows)))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 4)
    assert Branch.select().count() == 3 + 5
    assert Branch.get(Branch.code == "R-1").name == "Branch one, moved"


def test_five_hundred_branches_in_few_queries(org: Org) -> None:
    alice = org.actor("alice")
    data = xlsx([["Код", "Название", "Код склада"], *[[f"BR-{i:04d}", f"Филиал {i}", "W1"] for i in range(500)]])
    with count_queries() as counter:
        preview = imports.preview(alice, "branches", "big.xlsx", data)
    assert preview.counts["create"] == 500 and counter.count < 10  # tables read once, not once per row
    summary = imports.apply(alice, preview)
    assert summary.created == 500
    assert Branch.select().where(Branch.code.startswith("BR-")).count() == 500
    assert AuditEvent.select().where(AuditEvent.action == "branch_save").count() == 500


def test_only_admins_import(org: Org) -> None:
    data = xlsx([["Code", "Name"], ["W9", "Spare"]])
    preview = imports.preview(org.actor("alice"), "warehouses", "w.xlsx", data)
    for persona in ("sam", "bob"):
        with pytest.raises(Forbidden):
            imports.preview(org.actor(persona), "warehouses", "w.xlsx", data)
        with pytest.raises(Forbidden):
            imports.apply(org.actor(persona), preview)
    assert not Warehouse.select().where(Warehouse.code == "W9").exists()


def test_audit_events_one_per_written_row(org: Org) -> None:
    alice = org.actor("alice")
    data = xlsx([["Code", "Name"], ["W1", "Main warehouse"], ["W2", "North, renamed"], ["W3", "New"]])
    imports.apply(alice, imports.preview(alice, "warehouses", "w.xlsx", data))
    saved = list(AuditEvent.select().where(AuditEvent.action == "warehouse_save").order_by(AuditEvent.id))
    assert [e.after["code"] for e in saved] == ["W2", "W3"]
    assert saved[0].before["name"] == "North warehouse" and saved[0].actor_id == org.alice.id
    summary = AuditEvent.get(AuditEvent.action == "bulk_import")
    assert summary.after == {"file": "w.xlsx", "created": 1, "updated": 1, "unchanged": 1}


def test_users_by_login_or_telegram_with_roles_in_words(org: Org) -> None:
    data = xlsx([["Имя", "Роль", "Код филиала", "Код склада", "Telegram ID", "Логин", "Язык"],
                 ["Анна Петрова", "Сотрудник филиала", "b2", None, 777001, "APetrova", "en"],
                 ["Bob Builder", "branch", "B2", None, None, "bob", None],
                 ["Sam", "Кладовщик", None, "W2", 1002, None, None],
                 ["Alice", "branch", "B1", None, None, "alice", None],
                 ["Carl", "branch", None, None, 1005, "carl", None],
                 ["Zed", "boss", None, None, "12x", None, None],
                 ["Nobody", "admin", None, None, None, None, "fr"]])
    preview = imports.preview(org.actor("alice"), "users", "users.xlsx", data)
    assert errors(preview) == {
        5: ["You cannot take the administrator role away from yourself."],
        6: ["This Telegram account is already linked to a user."],
        7: ["Unknown role boss.", "12x is not a whole number."],
        8: ["Unknown language.", "Give a login or a Telegram ID."],
    }
    rows = by_number(preview)
    assert {n: r.action for n, r in rows.items() if not r.errors} == {2: "create", 3: "update", 4: "update"}
    assert rows[2].target["username"] == "apetrova" and rows[2].target["language"] == "en"
    assert rows[3].changed == ["display_name", "branch"] and rows[4].changed == ["warehouse"]


def test_users_import_writes_through_the_domain(org: Org) -> None:
    alice = org.actor("alice")
    data = xlsx([["Full name", "Role", "Branch code", "Warehouse code", "Telegram ID", "Login", "Email", "Active"],
                 ["Анна Петрова", "Сотрудник филиала", "b2", None, "777 001", "APetrova", "anna@example.com", None],
                 ["Bob", "storekeeper", None, "W2", None, "bob", None, "no"],
                 ["Carl", "branch", None, None, 2006, "carl", None, None]])
    summary = imports.apply(alice, imports.preview(alice, "users", "u.xlsx", data))
    assert (summary.created, summary.updated) == (1, 2)
    anna = User.get(User.username == "apetrova")
    assert (anna.role, anna.branch_id, anna.telegram_id, anna.email) == ("branch", org.b2.id, 777001, "anna@example.com")
    assert anna.password_hash is None
    bob = User.get_by_id(org.bob.id)
    assert (bob.role, bob.branch_id, bob.warehouse_id, bob.active) == ("storekeeper", None, org.w2.id, False)
    assert User.get_by_id(org.carl.id).telegram_id == 2006
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert actions.count("user_create") == 1 and "user_update" in actions and "user_deactivate" in actions


def test_catalog_kinds_reference_each_other(org: Org) -> None:
    alice = org.actor("alice")
    cartridges = xlsx([["Name", "Vendor", "Article", "1C key"],
                       ["HP 85A black", "HP", "ce285a", "00-123"],
                       ["Canon 725", "Canon", "CRG-725", None]])
    summary = imports.apply(alice, imports.preview(alice, "cartridges", "c.xlsx", cartridges))
    assert (summary.created, summary.updated) == (1, 1)
    assert CartridgeModel.get_by_id(org.toner.id).name == "HP 85A black"  # matched by article, any case
    models = xlsx([["Name", "Vendor", "Cartridges"], ["Canon LBP6000", "Canon", "CRG-725, Brother DR-2300"],
                   ["HP P1102", "HP", "CE285A; nonsense"]])
    preview = imports.preview(alice, "printer_models", "m.xlsx", models)
    assert errors(preview) == {3: ["Unknown cartridge model nonsense."]}
    models = xlsx([["Name", "Vendor", "Cartridges"], ["Canon LBP6000", "Canon", "CRG-725, Brother DR-2300"]])
    imports.apply(alice, imports.preview(alice, "printer_models", "m.xlsx", models))
    lbp = PrinterModel.get(PrinterModel.name == "Canon LBP6000")
    assert sorted(link.cartridge.name for link in lbp.cartridge_links) == ["Brother DR-2300", "Canon 725"]
    printers = xlsx([["Inventory number", "Branch", "Model", "Location"],
                     ["inv-1", "B2", "canon lbp6000", "Hall"], ["INV-2", "B3", "HP P1102", None],
                     ["INV-3", "B9", "Xerox", None]])
    preview = imports.preview(alice, "printers", "p.xlsx", printers)
    assert errors(preview) == {4: ["Unknown branch B9.", "Unknown printer model Xerox."]}
    assert [r.action for r in preview.rows[:2]] == ["update", "create"]
    printers = xlsx([["Inventory number", "Branch", "Model", "Location"], ["inv-1", "B2", "canon lbp6000", "Hall"]])
    imports.apply(alice, imports.preview(alice, "printers", "p.xlsx", printers))
    moved = Printer.get_by_id(org.printer.id)
    assert (moved.branch_id, moved.model_id, moved.location) == (org.b2.id, lbp.id, "Hall")
    assert Printer.select().count() == 1


def test_limits_and_file_level_errors(org: Org) -> None:
    alice = org.actor("alice")
    cases = {
        b"x" * (imports.MAX_BYTES + 1): "The file is larger than 5 MB.",
        b"": "The file is empty.",
        b"\xd0\xcf\x11\xe0rest": "Old .xls files cannot be read: save the file as .xlsx or .csv.",
        b"PK\x03\x04broken": "The file could not be read: upload an .xlsx or .csv table.",
        csv_bytes([["Code", "Name"], *[[f"C{i}", "x"] for i in range(imports.MAX_ROWS + 1)]], "utf-8", ","):
            "The file has more than 10000 rows: split it into several files.",
    }
    for data, message in cases.items():
        with pytest.raises(ValidationError) as caught:
            imports.preview(alice, "warehouses", "f.csv", data)
        assert caught.value.text("en") == message
    # Headers we do not know refuse no file: the preview asks which column holds what (see tests/onec).
    missing = imports.preview(alice, "warehouses", "f.csv", csv_bytes([["Name", "Address"], ["A", "B"]]))
    assert missing.missing == ["code"] and missing.columns == ["name", "address"]
    assert [e.text("en") for e in missing.rows[0].errors] == ["No column of the file is chosen for this."]
    twice = imports.preview(alice, "warehouses", "f.csv", csv_bytes([["Code", "Name", "code"], ["C1", "x", "C2"]]))
    assert twice.mapping == {"code": 0, "name": 1} and twice.ignored == ["code"], "the first one counts"
    ok = csv_bytes([["Code", "Name"], *[[f"C{i}", "x"] for i in range(imports.MAX_ROWS)]], "utf-8", ",")
    assert len(imports.preview(alice, "warehouses", "f.csv", ok).rows) == imports.MAX_ROWS
    with pytest.raises(NotFound):
        imports.preview(alice, "tickets", "f.csv", ok)


def test_apply_checks_again_against_the_database(org: Org) -> None:
    alice = org.actor("alice")
    data = csv_bytes([["Full name", "Role", "Login", "Telegram ID"], ["Olga", "admin", "olga", "43"]])
    preview = imports.preview(alice, "users", "u.csv", data)
    assert preview.rows[0].action == "create"
    User.create(display_name="Olga, faster", role="admin", username="olga")  # meanwhile, elsewhere
    User.create(display_name="Someone", role="admin", telegram_id=43)
    with pytest.raises(imports.ImportHasErrors) as caught:
        imports.apply(alice, preview)
    assert errors(caught.value.preview) == {2: ["This Telegram account is already linked to a user."]}
    assert User.select().where(User.display_name == "Olga").count() == 0
    assert AuditEvent.select().count() == 0


def test_template_has_translated_headers_example_and_notes(org: Org) -> None:
    for name, kind in KINDS.items():
        for lang in ("ru", "en"):
            book = load_workbook(io.BytesIO(imports.template(name, lang)))
            data, notes = book.worksheets
            header = [c.value for c in data[1]]
            assert header == [translate(c.label, lang) + (" *" if c.required else "") for c in kind.columns]
            assert any(c.value for c in data[2]) and notes.max_row > len(kind.columns)
        names = [n for c in kind.columns for n in c.names]
        assert len(names) == len(set(names)), name  # no header means two columns
    alice = org.actor("alice")
    preview = imports.preview(alice, "warehouses", "t.xlsx", imports.template("warehouses", "ru"))
    assert preview.counts["create"] == 1 and preview.rows[0].target["active"] is True


def test_drafts_are_bound_to_their_user_and_expire(org: Org, tmp_path: Path) -> None:
    alice = org.actor("alice")
    preview = imports.preview(alice, "warehouses", "w.csv", csv_bytes([["Code", "Name"], ["W7", "Seven"]]))
    token = drafts.save(tmp_path, alice, preview)
    again = drafts.load(tmp_path, alice, token)
    assert again.rows[0].cells == {"code": "W7", "name": "Seven"} and again.rows[0].action == "create"
    other = User.create(display_name="Other admin", role="admin")
    for actor, bad in [(org.actor("alice"), "../../etc/passwd"), (org.actor("alice"), "x" * 43),
                       (Actor(other), token)]:
        with pytest.raises(NotFound):
            drafts.load(tmp_path, actor, bad)
    drafts.purge(tmp_path, now=10**12)
    with pytest.raises(NotFound):
        drafts.load(tmp_path, alice, token)
