"""The getting-started checklist admins see until the organisation is set up."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.core.errors import N_
from helpdesk.db.models import Branch, CartridgeModel, Invite, Printer, User, Warehouse


@dataclass(frozen=True)
class Step:
    label: str  # msgid
    url: str
    done: bool


def checklist(bot_state: str) -> list[Step]:
    return [
        Step(N_("Connect the Telegram bot"), "/settings#bot", bot_state == "running"),
        Step(N_("Add warehouses"), "/org/warehouses", Warehouse.select().exists()),
        Step(N_("Add branches and link them to warehouses"), "/org/branches",
             Branch.select().where(Branch.warehouse.is_null(False)).exists()),
        Step(N_("Fill the cartridge catalog"), "/catalog/cartridges", CartridgeModel.select().exists()),
        Step(N_("Register the branches' printers"), "/catalog/printers", Printer.select().exists()),
        Step(N_("Add storekeepers"), "/org/users", User.select().where(User.role == "storekeeper").exists()),
        Step(N_("Invite branch staff to the bot"), "/org/invites", Invite.select().exists()),
    ]
