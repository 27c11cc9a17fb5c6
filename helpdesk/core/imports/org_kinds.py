"""Importing the organisation: warehouses, branches and users (written by `org`, `people`, `user_admin`)."""

from __future__ import annotations

from typing import Any

from helpdesk.core import org, people, user_admin
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, Conflict, ValidationError
from helpdesk.core.imports.base import (
    YES,
    Column,
    Context,
    Kind,
    Row,
    boolean,
    code,
    integer,
    language,
    role,
    text,
)

ACTIVE = Column("active", N_("Active"), parse=boolean, example=YES,
                help=N_("yes or no; an empty cell keeps the current state (new items are active)."))


def _code(example: str) -> Column:
    return Column("code", N_("Code"), True, code, N_("1–32 letters, digits, dots, dashes or underscores."), example)


def _known(codes: dict[str, Any], values: dict[str, Any], key: str, message: str, row: Row) -> None:
    if values[key] and values[key] not in codes:
        row.fail(ValidationError(message, field=key, code=values[key]))
        values[key] = None


class Warehouses(Kind):
    name = "warehouses"
    label = N_("Warehouses")
    matched_by = N_("Rows are matched by code.")
    columns = (
        _code("W-MSK"),
        Column("name", N_("Name"), True, text(200), example=N_("Main warehouse")),
        Column("address", N_("Address"), parse=text(300), example=N_("Moscow, 1 Lenin Street")),
        ACTIVE,
    )

    def find(self, values: dict[str, Any], ctx: Context, row: Row) -> Any:
        return ctx.lookups.warehouses.get(values["code"])

    def current(self, item: Any, ctx: Context) -> dict[str, Any]:
        return {"code": item.code, "name": item.name, "address": item.address, "active": item.active}

    def defaults(self) -> dict[str, Any]:
        return {"code": None, "name": None, "address": "", "active": True}

    def clean(self, values: dict[str, Any], item: Any, ctx: Context) -> dict[str, Any]:
        code_, name, address = org.clean_place(values["code"] or "", values["name"] or "", values["address"] or "")
        return {"code": code_, "name": name, "address": address, "active": values["active"]}

    def keys(self, target: dict[str, Any]) -> list[tuple[str, Any]]:
        return [("code", target["code"])]

    def write(self, actor: Actor, target: dict[str, Any], item: Any, ctx: Context) -> None:
        org.save_warehouse(actor, target["code"], target["name"], target["address"], target["active"], warehouse=item)


class Branches(Warehouses):
    name = "branches"
    label = N_("Branches")
    columns = (
        _code("MSK-01"),
        Column("name", N_("Name"), True, text(200), example=N_("Moscow, Tverskaya")),
        Column("address", N_("Address"), parse=text(300), example=N_("Moscow, 7 Tverskaya Street")),
        Column("warehouse", N_("Warehouse code"), parse=code, example="W-MSK", aliases=(N_("Warehouse"),),
               help=N_("The code of an existing warehouse that serves the branch.")),
        ACTIVE,
    )

    def resolve(self, values: dict[str, Any], ctx: Context, row: Row) -> None:
        _known(ctx.lookups.warehouses, values, "warehouse", N_("Unknown warehouse %(code)s."), row)

    def find(self, values: dict[str, Any], ctx: Context, row: Row) -> Any:
        return ctx.lookups.branches.get(values["code"])

    def current(self, item: Any, ctx: Context) -> dict[str, Any]:
        return {**super().current(item, ctx), "warehouse": ctx.lookups.warehouse_codes.get(item.warehouse_id)}

    def defaults(self) -> dict[str, Any]:
        return {**super().defaults(), "warehouse": None}

    def clean(self, values: dict[str, Any], item: Any, ctx: Context) -> dict[str, Any]:
        return {**super().clean(values, item, ctx), "warehouse": values["warehouse"]}

    def write(self, actor: Actor, target: dict[str, Any], item: Any, ctx: Context) -> None:
        warehouse = ctx.lookups.warehouses.get(target["warehouse"] or "")
        org.save_branch(actor, target["code"], target["name"], target["address"],
                        warehouse.id if warehouse else None, target["active"], branch=item)


PLACEMENT = ("display_name", "role", "branch", "warehouse", "active")
CONTACTS = ("telegram_id", "username", "email", "language")


class Users(Kind):
    name = "users"
    label = N_("Users")
    matched_by = N_("Rows are matched by login, or by Telegram ID when the login is empty; give at least one.")
    columns = (
        Column("display_name", N_("Full name"), True, text(200), example=N_("Anna Petrova")),
        Column("role", N_("Role"), True, role, N_("admin, storekeeper or branch, or the role's name."),
               N_("Branch staff")),
        Column("branch", N_("Branch code"), parse=code, example="MSK-01", aliases=(N_("Branch"),),
               help=N_("Branch staff: the code of their branch.")),
        Column("warehouse", N_("Warehouse code"), parse=code, aliases=(N_("Warehouse"),),
               help=N_("Storekeepers: the code of their warehouse.")),
        Column("telegram_id", N_("Telegram ID"), parse=integer, example="123456789",
               help=N_("The user's numeric Telegram ID.")),
        Column("username", N_("Login"), parse=text(64), example="apetrova",
               help=N_("For the web panel; passwords are not imported.")),
        Column("email", N_("Email"), parse=text(254), example="anna@example.com"),
        Column("language", N_("Language"), parse=language, example="ru", help=N_("ru or en.")),
        ACTIVE,
    )

    def resolve(self, values: dict[str, Any], ctx: Context, row: Row) -> None:
        _known(ctx.lookups.branches, values, "branch", N_("Unknown branch %(code)s."), row)
        _known(ctx.lookups.warehouses, values, "warehouse", N_("Unknown warehouse %(code)s."), row)
        if values["username"]:
            values["username"] = values["username"].lower()

    def find(self, values: dict[str, Any], ctx: Context, row: Row) -> Any:
        if not values["username"] and values["telegram_id"] is None:
            row.fail(ValidationError(N_("Give a login or a Telegram ID."), field="username"))
            return None
        by_login = ctx.lookups.user_by_login.get(values["username"] or "")
        return by_login or ctx.lookups.user_by_telegram.get(values["telegram_id"])

    def current(self, item: Any, ctx: Context) -> dict[str, Any]:
        return {"display_name": item.display_name, "role": item.role,
                "branch": ctx.lookups.branch_codes.get(item.branch_id),
                "warehouse": ctx.lookups.warehouse_codes.get(item.warehouse_id), "telegram_id": item.telegram_id,
                "username": item.username, "email": item.email or "", "language": item.language,
                "active": item.active}

    def defaults(self) -> dict[str, Any]:
        return {"display_name": None, "role": None, "branch": None, "warehouse": None, "telegram_id": None,
                "username": None, "email": "", "language": "ru", "active": True}

    def clean(self, values: dict[str, Any], item: Any, ctx: Context) -> dict[str, Any]:
        found = ctx.lookups
        target = {**values, "display_name": people.clean_display_name(values["display_name"] or ""),
                  "branch": values["branch"] if values["role"] == "branch" else None,
                  "warehouse": values["warehouse"] if values["role"] == "storekeeper" else None}
        people.check_placement(values["role"] or "", found.branches.get(target["branch"] or ""),
                               found.warehouses.get(target["warehouse"] or ""))
        owner = found.user_by_login.get(target["username"] or "")
        if owner is not None and owner.id != getattr(item, "id", None):
            raise Conflict(N_("The login %(username)s is taken."), field="username", username=target["username"])
        owner = found.user_by_telegram.get(target["telegram_id"])
        if owner is not None and owner.id != getattr(item, "id", None):
            raise Conflict(N_("This Telegram account is already linked to a user."), field="telegram_id")
        if item is not None and item.id == ctx.actor.user_id:
            if target["role"] != "admin":
                raise Conflict(N_("You cannot take the administrator role away from yourself."), field="role")
            if not target["active"]:
                raise Conflict(N_("You cannot deactivate yourself."), field="active")
        return target

    def keys(self, target: dict[str, Any]) -> list[tuple[str, Any]]:
        return [(key, target[key]) for key in ("username", "telegram_id") if target[key] is not None]

    def write(self, actor: Actor, target: dict[str, Any], item: Any, ctx: Context) -> None:
        found = ctx.lookups
        if item is None:
            user = people.create_user(
                actor, target["display_name"], target["role"], branch=found.branches.get(target["branch"] or ""),
                warehouse=found.warehouses.get(target["warehouse"] or ""), telegram_id=target["telegram_id"],
                username=target["username"], email=target["email"] or None, language=target["language"])
            if not target["active"]:
                people.set_active(actor, user, False)
            return
        before = self.current(item, ctx)
        if any(before[key] != target[key] for key in PLACEMENT):
            item = user_admin.update_user(actor, item, display_name=target["display_name"], role=target["role"],
                                          branch_code=target["branch"], warehouse_code=target["warehouse"],
                                          active=target["active"])
        if any(before[key] != target[key] for key in CONTACTS):
            user_admin.update_contacts(actor, item, telegram_id=target["telegram_id"], username=target["username"],
                                       email=target["email"], language=target["language"])

