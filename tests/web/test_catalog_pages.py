"""Catalog (admins) and stock (storekeepers: their warehouse only)."""

from __future__ import annotations

from litestar.testing import TestClient

from helpdesk.core import catalog
from helpdesk.db.models import CartridgeModel, Printer, PrinterModel, Stock, StockMovement
from tests.conftest import Org
from tests.web.conftest import csrf_token, login


def test_catalog_is_for_admins(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.sam)
    for path in ("/catalog/cartridges", "/catalog/printer-models", "/catalog/printers"):
        assert client.get(path).status_code == 403, path


def test_cartridge_and_printer_model_make_the_bot_offer_it_first(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/catalog/cartridges")
    empty = client.post("/catalog/cartridges", data={"name": " ", "_csrf_token": token})
    assert empty.status_code == 422 and "Заполните это поле" in empty.text
    client.post("/catalog/cartridges", data={"name": "Kyocera TK-1170", "vendor": "Kyocera", "article": "1T02S50NL0",
                                             "onec_key": "00-000123", "_csrf_token": token})
    kyocera = CartridgeModel.get(CartridgeModel.name == "Kyocera TK-1170")
    assert kyocera.onec_key == "00-000123"
    client.post("/catalog/printer-models", data={"name": "Kyocera M2040", "vendor": "Kyocera",
                                                 "cartridges": [str(kyocera.id), str(sqlite_org.drum.id)],
                                                 "_csrf_token": token})
    model = PrinterModel.get(PrinterModel.name == "Kyocera M2040")
    assert {link.cartridge_id for link in model.cartridge_links} == {kyocera.id, sqlite_org.drum.id}
    client.post("/catalog/printers", data={"branch": str(sqlite_org.b2.id), "model": str(model.id),
                                           "inventory_number": "INV-77", "location": "Склад", "_csrf_token": token})
    assert Printer.get(Printer.inventory_number == "INV-77").branch_id == sqlite_org.b2.id
    offers = catalog.offers_for_branch(sqlite_org.b2)
    assert [o.cartridge.name for o in offers if o.compatible] == ["Brother DR-2300", "Kyocera TK-1170"]
    page = client.get(f"/catalog/printer-models?edit={model.id}").text
    assert f'value="{kyocera.id}" checked' in page


def test_stock_adjustments(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.sam)
    page = client.get("/stock").text
    assert "Main warehouse" in page and "North warehouse" not in page
    token = csrf_token(client, "/stock")
    client.post("/stock", data={"warehouse": str(sqlite_org.w1.id), "cartridge": str(sqlite_org.toner.id),
                                "delta": "+5", "reason": "Поставка", "_csrf_token": token})
    assert Stock.get(Stock.cartridge == sqlite_org.toner.id).quantity == 15
    below = client.post("/stock", data={"warehouse": str(sqlite_org.w1.id), "cartridge": str(sqlite_org.toner.id),
                                        "delta": "-20", "reason": "Списание", "_csrf_token": token})
    assert below.status_code == 422 and "меньше нуля" in below.text
    no_reason = client.post("/stock", data={"warehouse": str(sqlite_org.w1.id), "cartridge": str(sqlite_org.toner.id),
                                            "delta": "1", "reason": "", "_csrf_token": token})
    assert no_reason.status_code == 422
    other = client.post("/stock", data={"warehouse": str(sqlite_org.w2.id), "cartridge": str(sqlite_org.toner.id),
                                        "delta": "1", "reason": "x", "_csrf_token": token}, follow_redirects=False)
    assert other.status_code == 403 and not Stock.select().where(Stock.warehouse == sqlite_org.w2.id).exists(), \
        "another warehouse is refused, as in the API: core.stock decides whose stock one may see"
    assert client.get(f"/stock?warehouse={sqlite_org.w2.id}").status_code == 403
    assert [m.delta for m in StockMovement.select()] == [5]
    client.post("/logout", data={"_csrf_token": token})
    login(client, sqlite_org.bob)
    assert client.get("/stock").status_code == 403


def test_numbers_in_other_scripts_are_refused_not_crashed_on(client: TestClient, sqlite_org: Org) -> None:
    """'²' passes str.isdigit() but not int(): the forms must answer 422, not 500."""
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/stock")
    odd = client.post("/stock", data={"warehouse": str(sqlite_org.w1.id), "cartridge": str(sqlite_org.toner.id),
                                      "delta": "²", "reason": "x", "_csrf_token": token})
    assert odd.status_code == 422
    huge = client.post("/stock", data={"warehouse": str(sqlite_org.w1.id), "cartridge": "9" * 30,
                                       "delta": "9" * 30, "reason": "x", "_csrf_token": token})
    assert huge.status_code == 422 and not StockMovement.select().exists()
    model = client.post("/catalog/printer-models", data={"name": "Odd", "cartridges": ["²", "9" * 30],
                                                         "_csrf_token": token})
    assert model.status_code == 200, "values that are not ids are ignored, as any other non-number is"
    assert not PrinterModel.get(PrinterModel.name == "Odd").cartridge_links.exists()
