"""JSON API for the organisation: branches and warehouses, as far as the token's user works with them."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request, get

from helpdesk.core import org
from helpdesk.web.api.common import ERRORS, ApiController, api_actor


@dataclass
class BranchOut:
    id: int
    code: str
    name: str
    address: str
    warehouse: str | None  # the code of the warehouse that serves it
    active: bool


@dataclass
class WarehouseOut:
    id: int
    code: str
    name: str
    address: str
    active: bool


class OrgController(ApiController):
    path = "/api/v1"
    tags = ["organisation"]

    @get("/branches", sync_to_thread=True, responses=ERRORS,
         summary="Branches: all for admins, a storekeeper's warehouse's, a branch user's own")
    def branches(self, request: Request) -> list[BranchOut]:
        return [BranchOut(b.id, b.code, b.name, b.address, b.warehouse.code if b.warehouse_id else None, b.active)
                for b in org.branches(api_actor(request))]

    @get("/warehouses", sync_to_thread=True, responses=ERRORS,
         summary="Warehouses: all for admins, a storekeeper's own, the one serving a branch user")
    def warehouses(self, request: Request) -> list[WarehouseOut]:
        return [WarehouseOut(w.id, w.code, w.name, w.address, w.active) for w in org.warehouses(api_actor(request))]
