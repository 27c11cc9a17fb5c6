"""JSON API for the catalog: cartridge models, printer models with their cartridges, printers."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request, get

from helpdesk.core import catalog
from helpdesk.db.models import CartridgeModel, Printer
from helpdesk.web.api.common import ERRORS, ApiController, api_actor
from helpdesk.web.api.fields import CodeQuery


@dataclass
class CartridgeOut:
    id: int
    name: str
    vendor: str
    article: str
    onec_key: str | None
    active: bool


@dataclass
class CartridgeRef:
    id: int
    name: str


@dataclass
class PrinterModelOut:
    id: int
    name: str
    vendor: str
    active: bool
    cartridges: list[CartridgeRef]


@dataclass
class PrinterOut:
    id: int
    branch: str
    model_id: int
    model: str
    inventory_number: str
    location: str
    active: bool


def cartridge_out(row: CartridgeModel) -> CartridgeOut:
    return CartridgeOut(row.id, row.name, row.vendor, row.article, row.onec_key, row.active)


def printer_out(row: Printer) -> PrinterOut:
    return PrinterOut(row.id, row.branch.code, row.model_id, row.model.name, row.inventory_number, row.location,
                      row.active)


class CatalogController(ApiController):
    path = "/api/v1"
    tags = ["catalog"]

    @get("/cartridges", sync_to_thread=True, responses=ERRORS,
         summary="Cartridge models (admins also see retired ones)")
    def cartridges(self, request: Request) -> list[CartridgeOut]:
        return [cartridge_out(row) for row in catalog.cartridges(api_actor(request))]

    @get("/printer-models", sync_to_thread=True, responses=ERRORS,
         summary="Printer models with the cartridges they take")
    def printer_models(self, request: Request) -> list[PrinterModelOut]:
        return [PrinterModelOut(model.id, model.name, model.vendor, model.active,
                                [CartridgeRef(c.id, c.name) for c in takes])
                for model, takes in catalog.printer_models(api_actor(request))]

    @get("/printers", sync_to_thread=True, responses=ERRORS,
         summary="Printers of the branches the token's user works with; filter by branch code")
    def printers(self, request: Request, branch: CodeQuery = None) -> list[PrinterOut]:
        return [printer_out(row) for row in catalog.printers(api_actor(request), branch)]
