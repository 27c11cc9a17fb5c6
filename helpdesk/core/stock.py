"""Stock per warehouse and cartridge model: 1C's balance shown as is, local stock kept by movements."""

from __future__ import annotations

from helpdesk.core import audit, fields, org
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, Conflict, Forbidden, NotFound, ValidationError
from helpdesk.core.visibility import require_active
from helpdesk.db.database import write_transaction
from helpdesk.db.models import CartridgeModel, OrderLine, Stock, StockMovement, Ticket, Warehouse, utcnow
from helpdesk.i18n import translate

MAX_REASON = 300  # a manual change's reason
MAX_DELTA = 1_000_000  # one manual change; far above any real delivery, far below the column's range
MAX_QUANTITY = 1_000_000_000  # stays inside PostgreSQL's 32-bit integer however many changes add up


def quantities(warehouse_id: int | None) -> dict[int, Stock]:
    """Stock rows of a warehouse by cartridge id."""
    if warehouse_id is None:
        return {}
    return {row.cartridge_id: row for row in Stock.select().where(Stock.warehouse == warehouse_id)}


def adjust(actor: Actor, warehouse: Warehouse | None, cartridge: CartridgeModel | None, delta: int,
           reason: str) -> Stock:
    """A manual stock change by staff, kept as a movement with its reason and an audit event.

    No warehouse means the storekeeper's own; no cartridge is an unknown one (input named a missing id).
    """
    require_active(actor)
    if not actor.is_staff:
        raise Forbidden(N_("Only staff may change stock."))
    if warehouse is None and actor.role == "storekeeper":
        warehouse = actor.user.warehouse
    if warehouse is None:
        raise ValidationError(N_("Choose a warehouse."), field="warehouse")
    if actor.role == "storekeeper" and actor.user.warehouse_id != warehouse.id:
        raise Forbidden(N_("You may change stock of your own warehouse only."))
    if cartridge is None:
        raise ValidationError(N_("Unknown cartridge model."), field="cartridge_id")
    reason = fields.text(reason, "reason", MAX_REASON)
    if not reason:
        raise ValidationError(N_("Give a reason for the stock change."), field="reason")
    if delta == 0:
        raise ValidationError(N_("The change must not be zero."), field="delta")
    fields.integer(delta, "delta", -MAX_DELTA, MAX_DELTA)
    with write_transaction():
        row, _ = Stock.get_or_create(warehouse=warehouse, cartridge=cartridge, defaults={"quantity": 0})
        if row.source == "1c" or (warehouse.onec_key and cartridge.onec_key):
            # Decided: refused, not overwritten later: a figure typed here would silently vanish at the next sync.
            raise Conflict(N_("This stock comes from 1C and cannot be changed by hand: change it in 1C, it shows "
                              "here after the next sync."))
        if row.quantity + delta < 0:
            raise ValidationError(N_("Stock cannot go below zero (now %(quantity)s)."), field="delta",
                                  quantity=row.quantity)
        if row.quantity + delta > MAX_QUANTITY:
            raise ValidationError(N_("Stock cannot exceed %(max)s."), field="delta", max=MAX_QUANTITY)
        before = row.quantity
        row.quantity += delta
        row.updated_at = utcnow()
        row.save()
        StockMovement.create(warehouse=warehouse, cartridge=cartridge, delta=delta, reason=reason, user=actor.user)
        audit.record(actor, "stock_adjust", entity="stock", entity_id=f"{warehouse.code}/{cartridge.id}",
                     before={"quantity": before}, after={"quantity": row.quantity, "reason": reason})
    return row


def set_from_1c_file(actor: Actor, warehouse: Warehouse, cartridge: CartridgeModel, quantity: int) -> Stock:
    """A balance from a file exported from 1C (the import's fallback for a sync): kept as 1C's, with its time."""
    require_active(actor)
    if not actor.is_admin:
        raise Forbidden(N_("Only an administrator may do this."))
    fields.integer(quantity, "quantity", 0, MAX_QUANTITY)
    with write_transaction():
        row, _ = Stock.get_or_create(warehouse=warehouse, cartridge=cartridge, defaults={"quantity": 0})
        before = {"quantity": row.quantity, "source": row.source}
        row.quantity, row.source, row.updated_at = quantity, "1c", utcnow()
        row.save()
        audit.record(actor, "stock_import", entity="stock", entity_id=f"{warehouse.code}/{cartridge.id}",
                     before=before, after={"quantity": quantity, "source": "1c"})
    return row


def warehouses_in_view(actor: Actor) -> list[Warehouse]:
    """The warehouses whose stock the actor may see: a storekeeper's own, every active one for an admin.

    Branch staff see stock only while ordering (the catalog's offers), never these lists.
    """
    require_active(actor)
    if actor.role == "storekeeper":
        if actor.user.warehouse_id is None:
            raise Forbidden(N_("You may see stock of your own warehouse only."))
        return [actor.user.warehouse]
    if not actor.is_admin:
        raise Forbidden(N_("Only staff may see stock levels."))
    return list(Warehouse.select().where(Warehouse.active).order_by(Warehouse.code))


def warehouse_in_view(actor: Actor, warehouse_code: str | None = None, *,
                      warehouse_id: int | None = None) -> Warehouse | None:
    """The warehouse whose stock the actor asks about, by code or id: a storekeeper's own when none is named.

    None means every warehouse (admins only).
    """
    allowed = warehouses_in_view(actor)
    if actor.role == "storekeeper":
        own = allowed[0]
        if (warehouse_code and warehouse_code.strip().upper() != own.code) or (
                warehouse_id is not None and warehouse_id != own.id):
            raise Forbidden(N_("You may see stock of your own warehouse only."))
        return own
    if warehouse_code:
        return org.warehouse_by_code(warehouse_code)
    if warehouse_id is not None:
        warehouse = fields.by_id(Warehouse, warehouse_id)
        if warehouse is None:
            raise NotFound(N_("Warehouse %(id)s was not found."), id=warehouse_id)
        return warehouse
    return None


def levels(actor: Actor, warehouse_code: str | None = None) -> list[Stock]:
    """Stock rows with their warehouse and cartridge, for one warehouse or (admins) all of them."""
    chosen = warehouse_in_view(actor, warehouse_code)
    query = (Stock.select(Stock, Warehouse, CartridgeModel).join(Warehouse).switch(Stock).join(CartridgeModel)
             .order_by(Warehouse.code, CartridgeModel.name, Stock.id))
    if chosen is not None:
        query = query.where(Stock.warehouse == chosen)
    return list(query)


def adjust_named(actor: Actor, warehouse_code: str | None, cartridge_id: int, delta: int, reason: str) -> Stock:
    """adjust() for input that names the warehouse by code and the cartridge by id (the API)."""
    if not actor.is_staff:  # before looking anything up: the answer must not tell what exists
        raise Forbidden(N_("Only staff may change stock."))
    warehouse = org.warehouse_by_code(warehouse_code) if warehouse_code else None
    return adjust(actor, warehouse, fields.by_id(CartridgeModel, cartridge_id), delta, reason)


SHIPPED = N_("shipped for request %(number)s")


def movement_reason(movement: StockMovement, lang: str) -> str:
    """A shipment's reason is written by the program: a sentence in the reader's language, not the stored key."""
    if movement.ticket_id is not None:
        return translate(SHIPPED, lang, number=movement.ticket.number)
    return movement.reason


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
