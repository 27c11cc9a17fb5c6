"""JSON API for stock: levels per warehouse and manual adjustments (storekeepers: their own warehouse)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from litestar import Request, get, post
from litestar.params import FromQuery, JSONBody

from helpdesk.core import stock
from helpdesk.db.models import Stock
from helpdesk.web.api.common import ERRORS, ApiController, api_actor, utc


@dataclass
class StockOut:
    warehouse: str
    cartridge_id: int
    cartridge: str
    quantity: int
    source: str  # manual | 1c
    updated_at: dt.datetime


@dataclass
class AdjustmentIn:
    cartridge_id: int
    delta: int  # added to the quantity; negative takes stock out
    reason: str
    warehouse: str | None = None  # warehouse code; a storekeeper may omit it


@dataclass
class AdjustmentOut:
    warehouse: str
    cartridge_id: int
    delta: int
    reason: str
    quantity: int  # after the change


def stock_out(row: Stock) -> StockOut:
    return StockOut(row.warehouse.code, row.cartridge_id, row.cartridge.name, row.quantity, row.source,
                    utc(row.updated_at))


class StockController(ApiController):
    path = "/api/v1/stock"
    tags = ["stock"]

    @get("/", sync_to_thread=True, responses=ERRORS,
         summary="Stock levels: a storekeeper's warehouse; admins any, or one by warehouse code")
    def levels(self, request: Request, warehouse: FromQuery[str | None] = None) -> list[StockOut]:
        return [stock_out(row) for row in stock.levels(api_actor(request), warehouse)]

    @post("/adjustments", sync_to_thread=True, responses=ERRORS,
          summary="Change a stock level by hand, with a reason (kept as a movement and an audit event)")
    def adjust(self, request: Request, data: JSONBody[AdjustmentIn]) -> AdjustmentOut:
        row = stock.adjust_named(api_actor(request), data.warehouse, data.cartridge_id, data.delta, data.reason)
        return AdjustmentOut(row.warehouse.code, row.cartridge_id, data.delta, data.reason.strip(), row.quantity)
