"""JSON API for stock: levels per warehouse and manual adjustments (storekeepers: their own warehouse)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec
from litestar import Request, get, post
from litestar.params import JSONBody

from helpdesk.core import stock
from helpdesk.db.models import Stock
from helpdesk.web.api.common import ERRORS, ApiController, api_actor, utc
from helpdesk.web.api.fields import Code, CodeQuery, Id, StockDelta, StockReason


@dataclass
class StockOut:
    warehouse: str
    cartridge_id: int
    cartridge: str
    quantity: int
    source: str  # manual | 1c
    updated_at: dt.datetime


class AdjustmentIn(msgspec.Struct):
    cartridge_id: Id
    delta: StockDelta  # added to the quantity; negative takes stock out; never zero
    reason: StockReason
    warehouse: Code | None = None  # warehouse code; a storekeeper may omit it


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
    def levels(self, request: Request, warehouse: CodeQuery = None) -> list[StockOut]:
        return [stock_out(row) for row in stock.levels(api_actor(request), warehouse)]

    @post("/adjustments", sync_to_thread=True, responses=ERRORS,
          summary="Change a stock level by hand, with a reason (kept as a movement and an audit event)")
    def adjust(self, request: Request, data: JSONBody[AdjustmentIn]) -> AdjustmentOut:
        row = stock.adjust_named(api_actor(request), data.warehouse, data.cartridge_id, data.delta, data.reason)
        return AdjustmentOut(row.warehouse.code, row.cartridge_id, data.delta, data.reason.strip(), row.quantity)
