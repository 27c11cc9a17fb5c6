"""Stock per warehouse and cartridge model: 1C's balance shown as is, local stock kept by movements."""

from __future__ import annotations

from helpdesk.core import audit
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, Conflict, Forbidden, ValidationError
from helpdesk.db.database import write_transaction
from helpdesk.db.models import CartridgeModel, OrderLine, Stock, StockMovement, Ticket, Warehouse, utcnow


def quantities(warehouse_id: int | None) -> dict[int, Stock]:
    """Stock rows of a warehouse by cartridge id."""
    if warehouse_id is None:
        return {}
    return {row.cartridge_id: row for row in Stock.select().where(Stock.warehouse == warehouse_id)}


def adjust(actor: Actor, warehouse: Warehouse, cartridge: CartridgeModel, delta: int, reason: str) -> Stock:
    """A manual stock change by staff, kept as a movement with its reason."""
    if actor.role not in ("admin", "storekeeper", "system"):
        raise Forbidden(N_("Only staff may change stock."))
    if actor.role == "storekeeper" and actor.user.warehouse_id != warehouse.id:
        raise Forbidden(N_("You may change stock of your own warehouse only."))
    if not reason.strip():
        raise ValidationError(N_("Give a reason for the stock change."), field="reason")
    if delta == 0:
        raise ValidationError(N_("The change must not be zero."), field="delta")
    with write_transaction():
        row, _ = Stock.get_or_create(warehouse=warehouse, cartridge=cartridge, defaults={"quantity": 0})
        if row.source == "1c":
            raise Conflict(N_("Stock of this warehouse comes from 1C and cannot be changed by hand."))
        if row.quantity + delta < 0:
            raise ValidationError(N_("Stock cannot go below zero (now %(quantity)s)."), field="delta",
                                  quantity=row.quantity)
        before = row.quantity
        row.quantity += delta
        row.updated_at = utcnow()
        row.save()
        StockMovement.create(warehouse=warehouse, cartridge=cartridge, delta=delta, reason=reason.strip(),
                             user=actor.user)
        audit.record(actor, "stock_adjust", entity="stock", entity_id=f"{warehouse.code}/{cartridge.id}",
                     before={"quantity": before}, after={"quantity": row.quantity, "reason": reason.strip()})
    return row


def ship_order(actor: Actor, ticket: Ticket) -> None:
    """Take a shipped cartridge order out of locally kept stock (never out of 1C's)."""
    if ticket.type.kind != "cartridges" or ticket.warehouse_id is None:
        return
    rows = quantities(ticket.warehouse_id)
    for line in OrderLine.select().where(OrderLine.ticket == ticket):
        row = rows.get(line.cartridge_id)
        if row is None or row.source != "manual":
            continue
        if row.quantity < line.quantity:
            raise Conflict(N_("Not enough %(name)s in stock: %(have)s left, %(need)s ordered."),
                           name=line.cartridge.name, have=row.quantity, need=line.quantity)
        (Stock.update(quantity=Stock.quantity - line.quantity, updated_at=utcnow())
         .where(Stock.id == row.id).execute())
        StockMovement.create(warehouse=ticket.warehouse_id, cartridge=line.cartridge_id, delta=-line.quantity,
                             reason=f"shipped {ticket.number}", ticket=ticket, user=actor.user)
