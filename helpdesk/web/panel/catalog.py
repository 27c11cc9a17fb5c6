"""Catalog pages (admins) and stock (storekeepers for their warehouse, admins for any)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from peewee import JOIN

from helpdesk.core import catalog_admin, fields, stock
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, DomainError, ValidationError
from helpdesk.core.fields import parse_int
from helpdesk.db.models import (
    Branch,
    CartridgeModel,
    Printer,
    PrinterModel,
    PrinterModelCartridge,
    StockMovement,
    Ticket,
    Warehouse,
)
from helpdesk.i18n import get_language
from helpdesk.web.panel.forms import recall, refuse, web_actor
from helpdesk.web.panel.session import Form


def _edit_id(request: Request) -> int | None:
    return parse_int(request.query_params.get("edit"))


class CartridgesPage(Controller):
    path = "/catalog/cartridges"

    def _context(self, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
        return {"items": list(CartridgeModel.select().order_by(CartridgeModel.active.desc(), CartridgeModel.name)),
                "values": values, "errors": errors}

    @get("/", sync_to_thread=True)
    def show(self, request: Request) -> Template:
        row = CartridgeModel.get_or_none(CartridgeModel.id == _edit_id(request)) if _edit_id(request) else None
        values = {"id": row.id, "name": row.name, "vendor": row.vendor, "article": row.article,
                  "onec_key": row.onec_key or "", "active": row.active} if row else {"active": True}
        if back := recall(request):
            return Template("catalog/cartridges.html", context=self._context(back.values, back.errors),
                            status_code=back.status)
        return Template("catalog/cartridges.html", context=self._context(values, {}))

    @post("/", sync_to_thread=True)
    def save(self, request: Request, data: Form) -> Template | Redirect:
        actor = web_actor(request)
        row = CartridgeModel.get_or_none(CartridgeModel.id == parse_int(data.get("id"))) if data.get("id") else None
        try:
            catalog_admin.save_cartridge(actor, str(data.get("name", "")), str(data.get("vendor", "")),
                                         str(data.get("article", "")), str(data.get("onec_key", "")),
                                         active=row is None or data.get("active") == "on", cartridge=row)
        except DomainError as exc:
            return refuse(request, exc, dict(data))
        return Redirect(self.path, status_code=303)


class PrinterModelsPage(Controller):
    path = "/catalog/printer-models"

    def _context(self, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
        takes: dict[int, list[str]] = {}
        for link in PrinterModelCartridge.select(PrinterModelCartridge, CartridgeModel).join(CartridgeModel):
            takes.setdefault(link.printer_model_id, []).append(link.cartridge.name)
        return {"items": list(PrinterModel.select().order_by(PrinterModel.active.desc(), PrinterModel.name)),
                "takes": takes, "cartridges": list(CartridgeModel.select().where(CartridgeModel.active)
                                                   .order_by(CartridgeModel.name)),
                "values": values, "errors": errors}

    @get("/", sync_to_thread=True)
    def show(self, request: Request) -> Template:
        row = PrinterModel.get_or_none(PrinterModel.id == _edit_id(request)) if _edit_id(request) else None
        values: dict[str, Any] = {"active": True, "cartridges": []}
        if row:
            values = {"id": row.id, "name": row.name, "vendor": row.vendor, "active": row.active,
                      "cartridges": [link.cartridge_id for link in row.cartridge_links]}
        if back := recall(request):
            values = {**back.values, "cartridges": [parse_int(c) for c in back.values.get("cartridges", [])]}
            return Template("catalog/printer_models.html", context=self._context(values, back.errors),
                            status_code=back.status)
        return Template("catalog/printer_models.html", context=self._context(values, {}))

    @post("/", sync_to_thread=True)
    def save(self, request: Request, data: Form) -> Template | Redirect:
        actor = web_actor(request)
        row = PrinterModel.get_or_none(PrinterModel.id == parse_int(data.get("id"))) if data.get("id") else None
        chosen = data.get("cartridges", [])
        ids = [i for c in (chosen if isinstance(chosen, list) else [chosen]) if (i := parse_int(c)) is not None]
        try:
            catalog_admin.save_printer_model(actor, str(data.get("name", "")), str(data.get("vendor", "")), ids,
                                             active=row is None or data.get("active") == "on", model=row)
        except DomainError as exc:
            return refuse(request, exc, {**dict(data), "cartridges": [str(i) for i in ids]})
        return Redirect(self.path, status_code=303)


class PrintersPage(Controller):
    path = "/catalog/printers"

    def _context(self, request: Request, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
        branch_filter = parse_int(request.query_params.get("branch"))
        query = Printer.select().order_by(Printer.branch, Printer.inventory_number)
        if branch_filter:
            query = query.where(Printer.branch == branch_filter)
        return {"items": list(query.limit(500)), "values": values, "errors": errors, "branch_filter": branch_filter,
                "branches": list(Branch.select().where(Branch.active).order_by(Branch.code)),
                "models": list(PrinterModel.select().where(PrinterModel.active).order_by(PrinterModel.name))}

    @get("/", sync_to_thread=True)
    def show(self, request: Request) -> Template:
        row = Printer.get_or_none(Printer.id == _edit_id(request)) if _edit_id(request) else None
        values = {"id": row.id, "branch": row.branch_id, "model": row.model_id, "active": row.active,
                  "inventory_number": row.inventory_number, "location": row.location} if row else {"active": True}
        if back := recall(request):
            return Template("catalog/printers.html", context=self._context(request, back.values, back.errors),
                            status_code=back.status)
        return Template("catalog/printers.html", context=self._context(request, values, {}))

    @post("/", sync_to_thread=True)
    def save(self, request: Request, data: Form) -> Template | Redirect:
        actor = web_actor(request)
        row = Printer.get_or_none(Printer.id == parse_int(data.get("id"))) if data.get("id") else None
        try:
            catalog_admin.save_printer(actor, parse_int(data.get("branch")), parse_int(data.get("model")),
                                       str(data.get("inventory_number", "")), str(data.get("location", "")),
                                       active=row is None or data.get("active") == "on", printer=row)
        except DomainError as exc:
            return refuse(request, exc, dict(data))
        return Redirect(self.path, status_code=303)


class StockPage(Controller):
    """Stock of one warehouse: counts, manual adjustments with a reason, recent movements."""

    path = "/stock"

    def _warehouse(self, actor: Actor, requested: int | None) -> tuple[Warehouse | None, list[Warehouse]]:
        warehouses = stock.warehouses_in_view(actor)
        chosen = stock.warehouse_in_view(actor, warehouse_id=requested)
        # The page lists one warehouse at a time, so "every warehouse" (an admin's default) opens the first.
        return chosen or (warehouses[0] if warehouses else None), warehouses

    def _context(self, actor: Actor, requested: int | None, errors: dict[str, str]) -> dict[str, Any]:
        warehouse, warehouses = self._warehouse(actor, requested)
        rows = stock.quantities(warehouse.id) if warehouse else {}
        movements = list(StockMovement.select(StockMovement, Ticket.id, Ticket.number)
                         .join(Ticket, JOIN.LEFT_OUTER, on=(StockMovement.ticket == Ticket.id))
                         .where(StockMovement.warehouse == warehouse)
                         .order_by(StockMovement.id.desc()).limit(30)) if warehouse else []
        lang = get_language()
        return {"warehouse": warehouse, "warehouses": warehouses, "rows": rows, "movements": movements,
                "reasons": {m.id: stock.movement_reason(m, lang) for m in movements},
                "cartridges": list(CartridgeModel.select().where(CartridgeModel.active).order_by(CartridgeModel.name)),
                "errors": errors}

    @get("/", sync_to_thread=True)
    def show(self, request: Request) -> Template:
        actor = Actor(request.user, "web")
        back = recall(request)
        return Template("stock.html", context=self._context(actor, parse_int(request.query_params.get("warehouse")),
                                                            back.errors if back else {}),
                        status_code=back.status if back else 200)

    @post("/", sync_to_thread=True)
    def adjust(self, request: Request, data: Form) -> Template | Redirect:
        actor = Actor(request.user, "web")
        warehouse_id = parse_int(data.get("warehouse"))
        try:
            warehouse, _ = self._warehouse(actor, warehouse_id)
            cartridge = CartridgeModel.get_or_none(CartridgeModel.id == parse_int(data.get("cartridge")))
            if warehouse is None or cartridge is None:
                raise ValidationError(N_("Unknown cartridge model."), field="cartridge")
            delta = fields.parse_int(data.get("delta"), signed=True) or 0
            stock.adjust(actor, warehouse, cartridge, delta, str(data.get("reason", "")))
        except DomainError as exc:
            return refuse(request, exc, dict(data),
                          to=f"{self.path}?warehouse={warehouse_id}" if warehouse_id else self.path)
        return Redirect(f"{self.path}?warehouse={warehouse.id}", status_code=303)


ADMIN_ROUTES = [CartridgesPage, PrinterModelsPage, PrintersPage]
STAFF_ROUTES = [StockPage]
