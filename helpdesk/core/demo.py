"""`serve --demo`: a small believable organisation to look around in."""

from __future__ import annotations

import datetime as dt
import random

from helpdesk.core import lifecycle, people, sla, tickets
from helpdesk.core.actors import Actor
from helpdesk.db.database import write_transaction
from helpdesk.db.models import (
    AuditEvent,
    Branch,
    CartridgeModel,
    Printer,
    PrinterModel,
    PrinterModelCartridge,
    Stock,
    Ticket,
    User,
    Warehouse,
)

DEMO_PASSWORD = "demo-password"
TIMES = ("created_at", "updated_at", "accepted_at", "started_at", "resolved_at", "closed_at", "accept_due_at",
         "resolve_due_at")
BRANCHES = [
    ("MSK-01", "Москва, Тверская", "ул. Тверская, 12"),
    ("MSK-02", "Москва, Арбат", "ул. Арбат, 30"),
    ("SPB-01", "Санкт-Петербург, Невский", "Невский пр., 88"),
    ("KZN-01", "Казань, Баумана", "ул. Баумана, 44"),
    ("EKB-01", "Екатеринбург, Ленина", "пр. Ленина, 50"),
]
CARTRIDGES = [
    ("HP 59A (CF259A)", "HP", "CF259A"), ("HP 85A (CE285A)", "HP", "CE285A"),
    ("Canon 052", "Canon", "2199C002"), ("Kyocera TK-1170", "Kyocera", "1T02S50NL0"),
    ("Brother TN-2375", "Brother", "TN2375"), ("Xerox 106R03621", "Xerox", "106R03621"),
]
PRINTERS = [
    ("HP LaserJet Pro M404dn", "HP", [0]), ("HP LaserJet P1102", "HP", [1]),
    ("Canon i-SENSYS MF421dw", "Canon", [2]), ("Kyocera ECOSYS M2040dn", "Kyocera", [3]),
    ("Brother HL-L2340DW", "Brother", [4]), ("Xerox Phaser 3330", "Xerox", [5]),
]


LOGINS = ("store", "store-spb", "anna", "petr", "maria", "ildar", "elena")  # the web logins load_demo creates


def logins() -> list[str]:
    """The demo's web logins that exist and are active here (printed at start with --demo)."""
    found = {u.username for u in User.select(User.username).where(User.username.in_(LOGINS) & User.active)}
    return [login for login in LOGINS if login in found]


def load_demo(seed: int = 7) -> bool:
    """Load demo data once; returns False when the organisation already has branches."""
    if Branch.select().exists():
        return False
    rnd = random.Random(seed)
    system = Actor.system()
    with write_transaction():
        main = Warehouse.create(code="WH-MSK", name="Центральный склад", address="Москва, ул. Складская, 1")
        north = Warehouse.create(code="WH-SPB", name="Склад Северо-Запад", address="Санкт-Петербург, ул. Заводская, 5")
        branches = [Branch.create(code=c, name=n, address=a, warehouse=north if c.startswith("SPB") else main)
                    for c, n, a in BRANCHES]
        cartridges = [CartridgeModel.create(name=n, vendor=v, article=a) for n, v, a in CARTRIDGES]
        models = []
        for name, vendor, takes in PRINTERS:
            model = PrinterModel.create(name=name, vendor=vendor)
            for index in takes:
                PrinterModelCartridge.create(printer_model=model, cartridge=cartridges[index])
            models.append(model)
        for number, branch in enumerate(branches):
            for k in range(2):
                Printer.create(branch=branch, model=models[(number + k * 3) % len(models)],
                               inventory_number=f"INV-{number + 1:02d}{k + 1}", location=["Приёмная", "Бухгалтерия"][k])
        for warehouse in (main, north):
            for cartridge in cartridges:
                Stock.create(warehouse=warehouse, cartridge=cartridge, quantity=rnd.randint(5, 25))
    keeper = people.create_user(system, "Ирина Кладовщикова", "storekeeper", warehouse=main, username="store",
                                password=DEMO_PASSWORD)
    keeper_spb = people.create_user(system, "Олег Складской", "storekeeper", warehouse=north, username="store-spb",
                                    password=DEMO_PASSWORD)
    staff = [people.create_user(system, name, "branch", branch=branches[i], username=login, password=DEMO_PASSWORD)
             for i, (name, login) in enumerate([("Анна Филиалова", "anna"), ("Пётр Арбатов", "petr"),
                                                ("Мария Невская", "maria"), ("Ильдар Казанский", "ildar"),
                                                ("Елена Уральская", "elena")])]
    # The demo's logins are published and shared: a forced change by the first visitor would lock out the rest.
    demo_ids = [keeper.id, keeper_spb.id, *(u.id for u in staff)]
    User.update(must_change_password=False).where(User.id.in_(demo_ids)).execute()
    descriptions = ["Принтер зажёвывает бумагу", "Не включается монитор на ресепшене",
                    "Нужна настройка почты для нового сотрудника", "Плановое обслуживание МФУ",
                    "Не работает сканер в бухгалтерии"]
    for i in range(42):
        author = staff[i % len(staff)]
        actor = Actor(author, "bot" if i % 2 else "web")
        if i % 3 == 0:
            draft = tickets.TicketDraft("cartridges", description="Заканчивается тонер",
                                        lines=[(cartridges[i % len(cartridges)].id, 1 + i % 3)])
        else:
            draft = tickets.TicketDraft(["repair", "it_help", "maintenance"][i % 3], description=descriptions[i % 5])
        ticket = tickets.create(actor, draft)
        handler = keeper if author.branch.warehouse_id == main.id else User.get(User.username == "store-spb")
        # Three weeks of history: old requests are done with, the last days' are still being worked.
        age = (41 - i) // 2
        steps = ((["accept", "resolve"] if i % 4 == 0 else ["accept", "resolve", "confirm"]) if age > 3 else
                 [["accept"], ["accept", "start"], ["accept", "resolve"], []][i % 4])
        for action in steps:
            who = author if action == "confirm" else handler
            ticket = lifecycle.transition(Actor(who, "web"), ticket, action)
        if age:
            _backdate(ticket, dt.timedelta(days=age, hours=rnd.randint(0, 5)))
    sla.store_durations()  # backdated times: the reports' lead times follow them
    return True


def _backdate(ticket: Ticket, by: dt.timedelta) -> None:
    """Move a demo request and its history into the past (the demo's charts need days to show)."""
    fields = {name: getattr(ticket, name) - by for name in TIMES if getattr(ticket, name) is not None}
    Ticket.update(**fields).where(Ticket.id == ticket.id).execute()
    for event in AuditEvent.select().where(AuditEvent.ticket == ticket.id):
        AuditEvent.update(created_at=event.created_at - by).where(AuditEvent.id == event.id).execute()
