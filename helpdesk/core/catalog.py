"""Catalog queries: what a branch can order, with stock, its printers' cartridges first; catalog lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from helpdesk.core import fields, org, stock, stock_age
from helpdesk.core.actors import Actor
from helpdesk.core.cache import cached
from helpdesk.core.visibility import require_active, visible_branches
from helpdesk.db.models import (
    Branch,
    CartridgeModel,
    Printer,
    PrinterModel,
    PrinterModelCartridge,
    TicketType,
)


@dataclass(frozen=True)
class CartridgeOffer:
    cartridge: CartridgeModel
    compatible: bool  # one of the branch's printers takes it
    in_stock: int | None  # None: the warehouse keeps no count of it
    stock_source: str | None
    stock_updated_at: dt.datetime | None = None  # how old the count is (1C's last sync, the last movement)

    def stock_note(self, lang: str) -> str:
        """What every channel shows next to the cartridge: count, source and age (core.stock_age)."""
        return stock_age.stock_note(self.in_stock, self.stock_source, self.stock_updated_at, lang)


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
                                     row.quantity if row else None, row.source if row else None,
                                     row.updated_at if row else None))
    offers.sort(key=lambda o: (not o.compatible, o.cartridge.name.lower()))
    return offers


def active_cartridges() -> list[CartridgeModel]:
    return list(CartridgeModel.select().where(CartridgeModel.active).order_by(CartridgeModel.name))


def active_types() -> list[TicketType]:
    return list(TicketType.select().where(TicketType.active).order_by(TicketType.sort, TicketType.id))


def active_types_by_code() -> dict[str, TicketType]:
    return cached("ticket_types", lambda: {t.code: t for t in active_types()})


def types_by_id() -> dict[int, TicketType]:
    """Every type, retired ones too (old requests keep theirs), from the short cache."""
    return cached("ticket_types_by_id", lambda: {t.id: t for t in TicketType.select()})


def type_name(ticket_type: TicketType, lang: str) -> str:
    return ticket_type.name_en if lang == "en" else ticket_type.name_ru


# --- catalog lists: everyone orders from the catalog; retired entries are the admins' business ---

def cartridges(actor: Actor) -> list[CartridgeModel]:
    """Cartridge models by name: all for admins, the active ones for everyone else."""
    require_active(actor)
    query = CartridgeModel.select().order_by(CartridgeModel.name, CartridgeModel.id)
    return list(query if actor.is_admin else query.where(CartridgeModel.active))


def printer_models(actor: Actor) -> list[tuple[PrinterModel, list[CartridgeModel]]]:
    """Printer models with the cartridges they take (two queries, however many models)."""
    require_active(actor)
    query = PrinterModel.select().order_by(PrinterModel.name, PrinterModel.id)
    models = list(query if actor.is_admin else query.where(PrinterModel.active))
    takes: dict[int, list[CartridgeModel]] = {}
    links = (PrinterModelCartridge.select(PrinterModelCartridge, CartridgeModel).join(CartridgeModel)
             .order_by(CartridgeModel.name))
    for link in links:
        if actor.is_admin or link.cartridge.active:
            takes.setdefault(link.printer_model_id, []).append(link.cartridge)
    return [(model, takes.get(model.id, [])) for model in models]


def printers(actor: Actor, branch_code: str | None = None) -> list[Printer]:
    """Printers of the branches the actor works with (a branch user: their own branch only).

    A branch outside the actor's reach answers like one without printers, so codes cannot be probed;
    admins reach every branch, so an unknown code is a mistake to tell them about.
    """
    require_active(actor)
    if branch_code and actor.is_admin:
        org.branch_by_code(branch_code)
    query = (Printer.select(Printer, Branch, PrinterModel).join(Branch).switch(Printer).join(PrinterModel)
             .order_by(Branch.code, Printer.inventory_number, Printer.id))
    if branch_code:
        query = query.where(Branch.code == fields.clean_text(branch_code).strip().upper())
    if not actor.is_admin:
        query = query.where(Printer.branch.in_([b.id for b in visible_branches(actor)]) & Printer.active)
    return list(query)
