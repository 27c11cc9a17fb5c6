"""Importing stock balances from a file exported from 1C: the fallback when its OData cannot be reached.

A row names a warehouse (our code or name, or 1C's name or key) and a cartridge (article, name, or
1C's name or key), and the balance. Headers are recognised in our words and in 1C's usual ones
(«Склад», «Номенклатура», «Артикул», «Конечный остаток», «В наличии»). The balances are written as 1C's
(source `1c`, with the time of the import), like a sync would: by hand they stay unchangeable.
"""

from __future__ import annotations

import re
from typing import Any

from helpdesk.core import stock
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, ValidationError
from helpdesk.core.imports.base import Column, Context, Kind, Row, normalize, text
from helpdesk.db.models import CartridgeModel, Stock, Warehouse

NUMBER_RE = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def balance(value: str, key: str) -> int:
    """A whole balance; 1C writes "12,000" (three decimals) and "1 200" (spaces between thousands)."""
    cleaned = value.replace(" ", "").replace("\xa0", "").replace("\u202f", "")
    if not NUMBER_RE.match(cleaned):
        raise ValidationError(N_("%(value)s is not a number."), field=key, value=value)
    number = float(cleaned.replace(",", "."))
    if number < 0:
        raise ValidationError(N_("A balance cannot be negative (%(value)s)."), field=key, value=value)
    if number != int(number):
        raise ValidationError(N_("%(value)s is not a whole number."), field=key, value=value)
    if number > stock.MAX_QUANTITY:
        raise ValidationError(N_("Stock cannot exceed %(max)s."), field=key, max=stock.MAX_QUANTITY)
    return int(number)


class StockBalances(Kind):
    name = "stock"
    label = N_("Stock balances (from 1C)")
    matched_by = N_("Rows are matched by warehouse and cartridge; the balance replaces the stock.")
    columns = (
        Column("warehouse", N_("Warehouse"), True, text(300), example="W-MSK",
               help=N_("Our warehouse code or name, or the warehouse's name in 1C."), aliases=(N_("Warehouse code"),)),
        Column("cartridge", N_("Cartridge"), True, text(300), example="HP 85A",
               help=N_("The cartridge's article or name, or its name in 1C."),
               aliases=(N_("Nomenclature"), N_("Item"), N_("Cartridge model"))),
        Column("article", N_("Article"), parse=text(100), example="CE285A",
               help=N_("Optional: finds the cartridge by its article first.")),
        Column("quantity", N_("Balance"), True, balance, example="12",
               help=N_("A whole number, 0 or more."),
               aliases=(N_("Quantity"), N_("Closing balance"), N_("Available"), N_("In stock"))),
    )

    def resolve(self, values: dict[str, Any], ctx: Context, row: Row) -> None:
        found = ctx.lookups
        if values["warehouse"]:
            name = values["warehouse"]
            warehouse = (found.warehouses.get(name.strip().upper())
                         or next((w for w in found.warehouses.values() if normalize(w.name) == normalize(name)), None)
                         or found.onec["warehouse"].get(found.onec["warehouse_name"].get(normalize(name), ""))
                         or found.onec["warehouse"].get(name.strip().lower()))
            if warehouse is None:
                row.fail(ValidationError(N_("Unknown warehouse %(code)s."), field="warehouse", code=name))
            values["warehouse"] = warehouse.id if warehouse else None
        if values["cartridge"]:
            name = values["cartridge"]
            cartridge: CartridgeModel | None = (
                found.cartridge_by_article(values["article"] or "")
                or found.cartridge_by_article(name) or found.cartridge_by_name(name)
                or found.onec["cartridge"].get(found.onec["item_name"].get(normalize(name), ""))
                or found.onec["cartridge"].get(name.strip().lower()))
            if cartridge is None:
                row.fail(ValidationError(N_("Unknown cartridge model %(name)s."), field="cartridge", name=name))
            values["cartridge"] = cartridge.id if cartridge else None
        values["article"] = None  # only a way to find the cartridge

    def find(self, values: dict[str, Any], ctx: Context, row: Row) -> Any:
        return Stock.get_or_none((Stock.warehouse == values["warehouse"]) & (Stock.cartridge == values["cartridge"]))

    def current(self, item: Any, ctx: Context) -> dict[str, Any]:
        # A count kept by hand is replaced even when the figure is the same: from now on it is 1C's.
        return {"warehouse": item.warehouse_id, "cartridge": item.cartridge_id,
                "quantity": item.quantity if item.source == "1c" else None}

    def defaults(self) -> dict[str, Any]:
        return {"warehouse": None, "cartridge": None, "quantity": None}

    def clean(self, values: dict[str, Any], item: Any, ctx: Context) -> dict[str, Any]:
        return dict(values)

    def keys(self, target: dict[str, Any]) -> list[tuple[str, Any]]:
        return [("cartridge", (target["warehouse"], target["cartridge"]))]

    def write(self, actor: Actor, target: dict[str, Any], item: Any, ctx: Context) -> None:
        stock.set_from_1c_file(actor, Warehouse.get_by_id(target["warehouse"]),
                               CartridgeModel.get_by_id(target["cartridge"]), target["quantity"])
