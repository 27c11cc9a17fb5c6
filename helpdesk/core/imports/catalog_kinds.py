"""Importing the catalog: cartridge models, printer models with their cartridges, printers (`catalog_admin`)."""

from __future__ import annotations

from typing import Any

from helpdesk.core import catalog_admin, fields
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, ValidationError
from helpdesk.core.imports.base import Column, Context, Kind, Row, code, name_list, text
from helpdesk.core.imports.org_kinds import ACTIVE
from helpdesk.db.models import CartridgeModel, Printer, PrinterModel

# Limits are the columns' own sizes, the same ones catalog_admin checks against.
NAME = Column("name", N_("Name"), True, text(CartridgeModel.name.max_length))
VENDOR = Column("vendor", N_("Vendor"), parse=text(CartridgeModel.vendor.max_length), example="HP")


class Cartridges(Kind):
    name = "cartridges"
    label = N_("Cartridges")
    matched_by = N_("Rows are matched by article, or by name when the article is empty.")
    columns = (
        Column(NAME.key, NAME.label, True, NAME.parse, example="HP 85A",
               help=N_("The key to match rows when the article is empty.")),
        VENDOR,
        Column("article", N_("Article"), parse=text(CartridgeModel.article.max_length), example="CE285A",
               help=N_("The key to match rows.")),
        Column("onec_key", N_("1C key"), parse=text(CartridgeModel.onec_key.max_length),
               help=N_("The nomenclature key in 1C, for the stock sync.")),
        ACTIVE,
    )

    def find(self, values: dict[str, Any], ctx: Context, row: Row) -> Any:
        found = ctx.lookups
        if values["article"]:
            # A model kept so far without an article gets one instead of a twin.
            return (found.cartridge_by_article(values["article"])
                    or found.cartridge_by_name(values["name"], without_article=True))
        return found.cartridge_by_name(values["name"])

    def current(self, item: Any, ctx: Context) -> dict[str, Any]:
        return {"name": item.name, "vendor": item.vendor, "article": item.article, "onec_key": item.onec_key or "",
                "active": item.active}

    def defaults(self) -> dict[str, Any]:
        return {"name": None, "vendor": "", "article": "", "onec_key": "", "active": True}

    def clean(self, values: dict[str, Any], item: Any, ctx: Context) -> dict[str, Any]:
        return {**values, "name": fields.text(values["name"], "name", CartridgeModel.name.max_length, True)}

    def keys(self, target: dict[str, Any]) -> list[tuple[str, Any]]:
        if target["article"]:
            return [("article", target["article"].casefold())]
        return [("name", target["name"].casefold())]

    def write(self, actor: Actor, target: dict[str, Any], item: Any, ctx: Context) -> None:
        catalog_admin.save_cartridge(actor, target["name"], target["vendor"], target["article"], target["onec_key"],
                                     target["active"], cartridge=item)


class PrinterModels(Kind):
    name = "printer_models"
    label = N_("Printer models")
    matched_by = N_("Rows are matched by name.")
    columns = (
        Column(NAME.key, NAME.label, True, text(PrinterModel.name.max_length), example="HP LaserJet P1102"),
        VENDOR,
        Column("cartridges", N_("Cartridges"), parse=name_list, example="CE285A",
               help=N_("Articles or names of existing cartridge models, separated by commas.")),
        ACTIVE,
    )

    def resolve(self, values: dict[str, Any], ctx: Context, row: Row) -> None:
        if values["cartridges"] is None:
            return
        ids = set()
        for token in values["cartridges"]:
            cartridge = ctx.lookups.cartridge_by_article(token) or ctx.lookups.cartridge_by_name(token)
            if cartridge is None:
                row.fail(ValidationError(N_("Unknown cartridge model %(name)s."), field="cartridges", name=token))
            else:
                ids.add(cartridge.id)
        values["cartridges"] = tuple(sorted(ids))

    def find(self, values: dict[str, Any], ctx: Context, row: Row) -> Any:
        return ctx.lookups.printer_models.get(values["name"].casefold())

    def current(self, item: Any, ctx: Context) -> dict[str, Any]:
        return {"name": item.name, "vendor": item.vendor, "cartridges": ctx.lookups.model_cartridges.get(item.id, ()),
                "active": item.active}

    def defaults(self) -> dict[str, Any]:
        return {"name": None, "vendor": "", "cartridges": (), "active": True}

    def clean(self, values: dict[str, Any], item: Any, ctx: Context) -> dict[str, Any]:
        return {**values, "name": fields.text(values["name"], "name", PrinterModel.name.max_length, True)}

    def keys(self, target: dict[str, Any]) -> list[tuple[str, Any]]:
        return [("name", target["name"].casefold())]

    def write(self, actor: Actor, target: dict[str, Any], item: Any, ctx: Context) -> None:
        catalog_admin.save_printer_model(actor, target["name"], target["vendor"], list(target["cartridges"]),
                                         target["active"], model=item)


class Printers(Kind):
    name = "printers"
    label = N_("Printers")
    matched_by = N_("Rows are matched by inventory number.")
    columns = (
        Column("inventory_number", N_("Inventory number"), True, text(Printer.inventory_number.max_length),
               N_("The key to match rows."), "INV-0001"),
        Column("branch", N_("Branch code"), True, code, N_("The code of an existing branch."), "MSK-01",
               aliases=(N_("Branch"),)),
        Column("model", N_("Printer model"), True, text(PrinterModel.name.max_length),
               N_("The name of an existing printer model."), "HP LaserJet P1102", aliases=(N_("Model"),)),
        Column("location", N_("Location"), parse=text(Printer.location.max_length), example=N_("Reception")),
        ACTIVE,
    )

    def resolve(self, values: dict[str, Any], ctx: Context, row: Row) -> None:
        if values["branch"] and values["branch"] not in ctx.lookups.branches:
            row.fail(ValidationError(N_("Unknown branch %(code)s."), field="branch", code=values["branch"]))
            values["branch"] = None
        if values["model"]:
            model = ctx.lookups.printer_models.get(values["model"].casefold())
            if model is None:
                row.fail(ValidationError(N_("Unknown printer model %(name)s."), field="model", name=values["model"]))
            values["model"] = model.id if model else None

    def find(self, values: dict[str, Any], ctx: Context, row: Row) -> Any:
        return ctx.lookups.printers.get(values["inventory_number"].casefold())

    def current(self, item: Any, ctx: Context) -> dict[str, Any]:
        return {"inventory_number": item.inventory_number, "branch": ctx.lookups.branch_codes.get(item.branch_id),
                "model": item.model_id, "location": item.location, "active": item.active}

    def defaults(self) -> dict[str, Any]:
        return {"inventory_number": None, "branch": None, "model": None, "location": "", "active": True}

    def clean(self, values: dict[str, Any], item: Any, ctx: Context) -> dict[str, Any]:
        return dict(values)

    def keys(self, target: dict[str, Any]) -> list[tuple[str, Any]]:
        return [("inventory_number", target["inventory_number"].casefold())]

    def write(self, actor: Actor, target: dict[str, Any], item: Any, ctx: Context) -> None:
        catalog_admin.save_printer(actor, ctx.lookups.branches[target["branch"]].id, target["model"],
                                   target["inventory_number"], target["location"], target["active"], printer=item)
