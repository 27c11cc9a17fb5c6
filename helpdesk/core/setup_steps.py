"""The getting-started checklist admins see until the organisation is set up."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import N_
from helpdesk.core.org_settings import store_value
from helpdesk.db.database import write_transaction
from helpdesk.db.models import (
    Branch,
    CartridgeModel,
    Invite,
    Printer,
    PrinterModel,
    Setting,
    User,
    Warehouse,
)


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
        Step(N_("Add printer models and their cartridges"), "/catalog/printer-models", PrinterModel.select().exists()),
        Step(N_("Register the branches' printers"), "/catalog/printers", Printer.select().exists()),
        Step(N_("Add storekeepers"), "/org/users", User.select().where(User.role == "storekeeper").exists()),
        Step(N_("Invite branch staff to the bot"), "/org/invites", Invite.select().exists()),
    ]


def _dismissed_key(user_id: int) -> str:
    return f"checklist_dismissed:{user_id}"


def dismissed(user: User) -> bool:
    """Whether this admin hid the checklist (each admin decides for themselves)."""
    return Setting.select().where(Setting.key == _dismissed_key(user.id)).exists()


def dismiss(actor: Actor) -> None:
    """Hide the checklist for the acting admin, for good: a personal view setting, like the language."""
    require_admin(actor)
    key = _dismissed_key(actor.user_id)
    with write_transaction():
        store_value(key, True)
