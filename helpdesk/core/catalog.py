"""Catalog queries: what a branch can order, with stock, its printers' cartridges first."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.core import stock
from helpdesk.core.cache import cached
from helpdesk.db.models import Branch, CartridgeModel, Printer, PrinterModelCartridge, TicketType


@dataclass(frozen=True)
class CartridgeOffer:
    cartridge: CartridgeModel
    compatible: bool  # one of the branch's printers takes it
    in_stock: int | None  # None: the warehouse keeps no count of it
    stock_source: str | None


def compatible_cartridge_ids(branch: Branch) -> set[int]:
    query = (PrinterModelCartridge.select(PrinterModelCartridge.cartridge)
             .join(Printer, on=(Printer.model == PrinterModelCartridge.printer_model))
             .where((Printer.branch == branch) & Printer.active))
    return {row.cartridge_id for row in query}


def offers_for_branch(branch: Branch) -> list[CartridgeOffer]:
    """Active cartridge models for a branch: the ones its printers take first, then by name."""
    compatible = compatible_cartridge_ids(branch)
    levels = stock.quantities(branch.warehouse_id)
    offers = []
    for cartridge in CartridgeModel.select().where(CartridgeModel.active):
        row = levels.get(cartridge.id)
        offers.append(CartridgeOffer(cartridge, cartridge.id in compatible,
                                     row.quantity if row else None, row.source if row else None))
    offers.sort(key=lambda o: (not o.compatible, o.cartridge.name.lower()))
    return offers


def active_cartridges() -> list[CartridgeModel]:
    return list(CartridgeModel.select().where(CartridgeModel.active).order_by(CartridgeModel.name))


def active_types() -> list[TicketType]:
    return list(TicketType.select().where(TicketType.active).order_by(TicketType.sort, TicketType.id))


def active_types_by_code() -> dict[str, TicketType]:
    return cached("ticket_types", lambda: {t.code: t for t in active_types()})


def type_name(ticket_type: TicketType, lang: str) -> str:
    return ticket_type.name_en if lang == "en" else ticket_type.name_ru
