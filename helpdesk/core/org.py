"""The organisation: branches and warehouses (admins keep them; never deleted, deactivated)."""

from __future__ import annotations

import re

import peewee as pw

from helpdesk.core import audit, fields
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import N_, Conflict, ValidationError
from helpdesk.core.visibility import require_active, visible_branches
from helpdesk.db.database import write_transaction
from helpdesk.db.models import Branch, Warehouse

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


def clean_place(code: str, name: str, address: str) -> tuple[str, str, str]:
    """A branch's or warehouse's code (upper case), name and address, checked."""
    code, name, address = code.strip().upper(), fields.clean_text(name).strip(), fields.clean_text(address).strip()
    if not CODE_RE.match(code):
        raise ValidationError(N_("A code is 1–32 letters, digits, dots, dashes or underscores."), field="code")
    if not name or len(name) > 200:
        raise ValidationError(N_("Enter a name (200 characters at most)."), field="name")
    if len(address) > 300:
        raise ValidationError(N_("The address is too long (300 characters at most)."), field="address")
    return code, name, address


def save_warehouse(actor: Actor, code: str, name: str, address: str = "", active: bool = True,
                   warehouse: Warehouse | None = None) -> Warehouse:
    """Create a warehouse, or update one; the code stays unique."""
    require_admin(actor)
    code, name, address = clean_place(code, name, address)
    with write_transaction():
        clash = Warehouse.get_or_none(Warehouse.code == code)
        if clash is not None and (warehouse is None or clash.id != warehouse.id):
            raise Conflict(N_("The code %(code)s is taken."), field="code", code=code)
        before = None if warehouse is None else {"code": warehouse.code, "name": warehouse.name,
                                                 "address": warehouse.address, "active": warehouse.active}
        if warehouse is None:
            warehouse = Warehouse.create(code=code, name=name, address=address, active=active)
        else:
            warehouse.code, warehouse.name, warehouse.address, warehouse.active = code, name, address, active
            warehouse.save()
        audit.record(actor, "warehouse_save", entity="warehouse", entity_id=warehouse.id, before=before,
                     after={"code": code, "name": name, "address": address, "active": active})
    return warehouse


def save_branch(actor: Actor, code: str, name: str, address: str = "", warehouse_id: int | None = None,
                active: bool = True, branch: Branch | None = None) -> Branch:
    """Create a branch, or update one; the code stays unique."""
    require_admin(actor)
    code, name, address = clean_place(code, name, address)
    warehouse = fields.by_id(Warehouse, warehouse_id)
    if warehouse_id and warehouse is None:
        raise ValidationError(N_("Unknown warehouse."), field="warehouse")
    with write_transaction():
        clash = Branch.get_or_none(Branch.code == code)
        if clash is not None and (branch is None or clash.id != branch.id):
            raise Conflict(N_("The code %(code)s is taken."), field="code", code=code)
        before = None if branch is None else {"code": branch.code, "name": branch.name, "address": branch.address,
                                              "warehouse_id": branch.warehouse_id, "active": branch.active}
        if branch is None:
            branch = Branch.create(code=code, name=name, address=address, warehouse=warehouse, active=active)
        else:
            branch.code, branch.name, branch.address, branch.warehouse, branch.active = (
                code, name, address, warehouse, active)
            branch.save()
        audit.record(actor, "branch_save", entity="branch", entity_id=branch.id, before=before,
                     after={"code": code, "name": name, "address": address,
                            "warehouse_id": warehouse.id if warehouse else None, "active": active})
    return branch


def branches(actor: Actor) -> list[Branch]:
    """Branches by code: every one for admins (retired too), the ones the actor works with otherwise."""
    require_active(actor)
    query = Branch.select(Branch, Warehouse).join(Warehouse, join_type=pw.JOIN.LEFT_OUTER).order_by(Branch.code)
    if not actor.is_admin:
        query = query.where(Branch.id.in_([b.id for b in visible_branches(actor)]))
    return list(query)


def warehouses(actor: Actor) -> list[Warehouse]:
    """Warehouses by code: every one for admins, a storekeeper's own, the one serving a branch user."""
    require_active(actor)
    query = Warehouse.select().order_by(Warehouse.code)
    if actor.is_admin:
        return list(query)
    if actor.role == "storekeeper":
        return list(query.where(Warehouse.id == actor.user.warehouse_id))
    if actor.role == "branch" and actor.user.branch_id is not None:
        return list(query.where((Warehouse.id == actor.user.branch.warehouse_id) & Warehouse.active))
    return []


def branch_by_code(code: str, field: str = "branch") -> Branch:
    """A branch named by its code in input (the API speaks codes, not ids)."""
    branch = Branch.get_or_none(Branch.code == fields.clean_text(code).strip().upper())
    if branch is None:
        raise ValidationError(N_("Unknown branch %(code)s."), field=field, code=code)
    return branch


def warehouse_by_code(code: str, field: str = "warehouse") -> Warehouse:
    """A warehouse named by its code in input."""
    warehouse = Warehouse.get_or_none(Warehouse.code == fields.clean_text(code).strip().upper())
    if warehouse is None:
        raise ValidationError(N_("Unknown warehouse %(code)s."), field=field, code=code)
    return warehouse
