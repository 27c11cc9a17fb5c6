"""Which of our warehouses and cartridge models is which in 1C (their `Ref_Key`), with help to find them.

1C's items are searched in the copy kept by the last sync or refresh (`OnecItem`), by name, article or
code; a cartridge's suggestions are the items with its article first, then those whose name holds its
name. Unmapping a pair hands its stock back to local keeping, with the last known quantity.
"""

from __future__ import annotations

import re

from helpdesk.core import audit, fields
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import N_, NotFound, ValidationError
from helpdesk.db.database import write_transaction
from helpdesk.db.models import CartridgeModel, OnecItem, Stock, Warehouse

GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SEARCH_LIMIT = 50


def _fold(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е").casefold()


def search(actor: Actor, text: str, kind: str = "item", limit: int = SEARCH_LIMIT) -> list[OnecItem]:
    """1C's items (or warehouses) whose name, article or code holds every word of `text`."""
    require_admin(actor)
    words = _fold(fields.clean_text(text or "")).split()
    query = OnecItem.select().where(OnecItem.kind == kind).order_by(OnecItem.name, OnecItem.id)
    found = []
    for item in query:
        haystack = _fold(f"{item.name} {item.article} {item.code}")
        if all(word in haystack for word in words):
            found.append(item)
            if len(found) >= limit:
                break
    return found


def suggestions(cartridge: CartridgeModel, items: list[OnecItem] | None = None, limit: int = 3) -> list[OnecItem]:
    """1C items that may be this cartridge: same article first, then the name inside theirs."""
    pool = items if items is not None else list(OnecItem.select().where(OnecItem.kind == "item"))
    article, name = _fold(cartridge.article), _fold(cartridge.name)
    by_article = [i for i in pool if article and _fold(i.article) == article]
    by_name = [i for i in pool if name and name in _fold(i.name) and i not in by_article]
    return (by_article + by_name)[:limit]


def warehouse_suggestions(warehouse: Warehouse, items: list[OnecItem]) -> list[OnecItem]:
    name = _fold(warehouse.name)
    return [i for i in items if name and (name in _fold(i.name) or _fold(i.name) in name)][:3]


def _key(value: str) -> str | None:
    value = fields.clean_text(value or "").strip()
    if not value:
        return None
    if not GUID_RE.match(value):
        raise ValidationError(N_("A 1C key looks like 5d5a2c3e-0b1f-11e6-80c9-00155d000b05 (its Ref_Key)."),
                              field="onec_key")
    return value.lower()


def map_cartridge(actor: Actor, cartridge_id: int, key: str) -> CartridgeModel:
    """Tie a cartridge model to a 1C item (an empty key unties it)."""
    require_admin(actor)
    cartridge = fields.by_id(CartridgeModel, cartridge_id)
    if cartridge is None:
        raise NotFound(N_("Cartridge model %(id)s was not found."), id=cartridge_id)
    new = _key(key)
    with write_transaction():
        before = cartridge.onec_key
        CartridgeModel.update(onec_key=new).where(CartridgeModel.id == cartridge.id).execute()
        if new is None:  # its figures are kept locally from now on
            Stock.update(source="manual").where((Stock.cartridge == cartridge.id) & (Stock.source == "1c")).execute()
        audit.record(actor, "onec_map", entity="cartridge", entity_id=str(cartridge.id), before={"onec_key": before},
                     after={"onec_key": new})
    cartridge.onec_key = new
    return cartridge


def map_warehouse(actor: Actor, warehouse_id: int, key: str) -> Warehouse:
    """Tie a warehouse to a 1C warehouse (an empty key unties it)."""
    require_admin(actor)
    warehouse = fields.by_id(Warehouse, warehouse_id)
    if warehouse is None:
        raise NotFound(N_("Warehouse %(id)s was not found."), id=warehouse_id)
    new = _key(key)
    with write_transaction():
        before = warehouse.onec_key
        Warehouse.update(onec_key=new).where(Warehouse.id == warehouse.id).execute()
        if new is None:
            Stock.update(source="manual").where((Stock.warehouse == warehouse.id) & (Stock.source == "1c")).execute()
        audit.record(actor, "onec_map", entity="warehouse", entity_id=warehouse.code, before={"onec_key": before},
                     after={"onec_key": new})
    warehouse.onec_key = new
    return warehouse


def map_by_article(actor: Actor) -> int:
    """Tie every unmapped cartridge whose article matches exactly one 1C item; how many were tied."""
    require_admin(actor)
    by_article: dict[str, list[OnecItem]] = {}
    for item in OnecItem.select().where((OnecItem.kind == "item") & (OnecItem.article != "")):
        by_article.setdefault(_fold(item.article), []).append(item)
    tied = 0
    for cartridge in unmapped_cartridges():
        matches = by_article.get(_fold(cartridge.article), []) if cartridge.article else []
        if len(matches) == 1:
            map_cartridge(actor, cartridge.id, matches[0].key)
            tied += 1
    return tied


def unmapped_cartridges() -> list[CartridgeModel]:
    return list(CartridgeModel.select().where(CartridgeModel.active & CartridgeModel.onec_key.is_null())
                .order_by(CartridgeModel.name))


def is_mapped(warehouse: Warehouse, cartridge: CartridgeModel) -> bool:
    """Stock of this pair comes from 1C: local changes are refused (the next sync would overwrite them)."""
    return bool(warehouse.onec_key and cartridge.onec_key)


def names_by_key() -> dict[str, OnecItem]:
    return {item.key: item for item in OnecItem.select()}
