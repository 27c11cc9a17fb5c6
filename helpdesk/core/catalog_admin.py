"""Keeping the catalog (admins): cartridge models, printer models with their cartridges, printers."""

from __future__ import annotations

from helpdesk.core import audit
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import N_, ValidationError
from helpdesk.core.fields import by_id
from helpdesk.core.fields import text as _text
from helpdesk.db.database import write_transaction
from helpdesk.db.models import Branch, CartridgeModel, Printer, PrinterModel, PrinterModelCartridge


def save_cartridge(actor: Actor, name: str, vendor: str = "", article: str = "", onec_key: str = "",
                   active: bool = True, cartridge: CartridgeModel | None = None) -> CartridgeModel:
    require_admin(actor)
    fields = {"name": _text(name, "name", 200, True), "vendor": _text(vendor, "vendor", 100),
              "article": _text(article, "article", 100), "onec_key": _text(onec_key, "onec_key", 100) or None,
              "active": active}
    with write_transaction():
        if cartridge is None:
            cartridge = CartridgeModel.create(**fields)
        else:
            CartridgeModel.update(**fields).where(CartridgeModel.id == cartridge.id).execute()
        audit.record(actor, "cartridge_save", entity="cartridge", entity_id=cartridge.id, after=fields)
    return CartridgeModel.get_by_id(cartridge.id)


def save_printer_model(actor: Actor, name: str, vendor: str = "", cartridge_ids: list[int] | None = None,
                       active: bool = True, model: PrinterModel | None = None) -> PrinterModel:
    """A printer model and the cartridges it takes (the bot offers those first)."""
    require_admin(actor)
    fields = {"name": _text(name, "name", 200, True), "vendor": _text(vendor, "vendor", 100), "active": active}
    wanted = set(cartridge_ids or [])
    known = {c.id for c in CartridgeModel.select(CartridgeModel.id).where(CartridgeModel.id.in_(list(wanted)))}
    if wanted - known:
        raise ValidationError(N_("Unknown cartridge model."), field="cartridges")
    with write_transaction():
        if model is None:
            model = PrinterModel.create(**fields)
        else:
            PrinterModel.update(**fields).where(PrinterModel.id == model.id).execute()
            PrinterModelCartridge.delete().where(PrinterModelCartridge.printer_model == model).execute()
        for cartridge_id in sorted(wanted):
            PrinterModelCartridge.create(printer_model=model, cartridge=cartridge_id)
        audit.record(actor, "printer_model_save", entity="printer_model", entity_id=model.id,
                     after={**fields, "cartridges": sorted(wanted)})
    return PrinterModel.get_by_id(model.id)


def save_printer(actor: Actor, branch_id: int | None, model_id: int | None, inventory_number: str = "",
                 location: str = "", active: bool = True, printer: Printer | None = None) -> Printer:
    require_admin(actor)
    branch = by_id(Branch, branch_id)
    if branch is None:
        raise ValidationError(N_("Choose a branch."), field="branch")
    model = by_id(PrinterModel, model_id)
    if model is None:
        raise ValidationError(N_("Choose a printer model."), field="model")
    fields = {"branch": branch, "model": model, "inventory_number": _text(inventory_number, "inventory_number", 64),
              "location": _text(location, "location", 200), "active": active}
    with write_transaction():
        if printer is None:
            printer = Printer.create(**fields)
        else:
            Printer.update(**fields).where(Printer.id == printer.id).execute()
        audit.record(actor, "printer_save", entity="printer", entity_id=printer.id,
                     after={"branch": branch.code, "model": model.name, "inventory_number":
                            fields["inventory_number"], "location": fields["location"], "active": active})
    return Printer.get_by_id(printer.id)
