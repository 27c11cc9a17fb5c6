"""Shared fixtures: a migrated database per test on SQLite and PostgreSQL, and persona rows.

Each test gets a fresh copy of a migrated template (a file copy on SQLite, CREATE DATABASE … TEMPLATE
on PostgreSQL), so tests never see each other's rows and the no-DELETE triggers stay on.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpdesk.core import cache, outbox
from helpdesk.core.actors import Actor
from helpdesk.db.database import close_database, db, init_database
from helpdesk.db.models import (
    Branch,
    CartridgeModel,
    Printer,
    PrinterModel,
    PrinterModelCartridge,
    Stock,
    User,
    Warehouse,
)
from tests.support.botapi import BotApiEmulator
from tests.support.postgres import get_pg_server

_counter = itertools.count()


@pytest.fixture
def emulator() -> Iterator[BotApiEmulator]:
    """A Bot API server emulator on loopback for the real aiogram poller (tests/support/botapi.py)."""
    with BotApiEmulator() as emu:
        yield emu


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    init_database(f"sqlite:///{path}")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    server = get_pg_server()
    if server is None:
        pytest.skip("no PostgreSQL server available (set HELPDESK_TEST_PG_DSN)")
    name = f"hd_tpl_{os.getpid()}"
    server.drop_database(name)
    dsn = server.create_database(name)
    init_database(dsn)
    close_database()
    yield name
    server.drop_database(name)


def _pg_url(dsn: str) -> str:
    """psycopg's key=value or URL DSN, as the URL helpdesk's settings take."""
    if dsn.startswith(("postgresql://", "postgres://")):
        return dsn
    parts = dict(pair.split("=", 1) for pair in dsn.split())
    auth = parts.get("user", "postgres") + (f":{parts['password']}" if parts.get("password") else "")
    return f"postgresql://{auth}@{parts.get('host', '127.0.0.1')}:{parts.get('port', '5432')}/{parts['dbname']}"


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "helpdesk.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    init_database(url)
    cache.invalidate()
    yield url
    outbox.clear_listeners()
    close_database()


@pytest.fixture
def pg_db(pg_template: str) -> Iterator[str]:
    server = get_pg_server()
    assert server is not None
    name = f"hd_t_{os.getpid()}_{next(_counter)}"
    url = _pg_url(server.create_database(name, template=pg_template))
    init_database(url)
    cache.invalidate()
    yield url
    outbox.clear_listeners()
    close_database()
    server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest) -> str:
    """The domain tests run on both engines."""
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_db")


@dataclass
class Org:
    """Personas: alice the admin; sam (W1) and sue (W2) storekeepers; bob and bea at B1, carl at B2
    (both served by W1), dan at B3 (served by W2)."""

    w1: Warehouse
    w2: Warehouse
    b1: Branch
    b2: Branch
    b3: Branch
    alice: User
    sam: User
    sue: User
    bob: User
    bea: User
    carl: User
    dan: User
    toner: CartridgeModel
    drum: CartridgeModel
    printer: Printer

    def actor(self, name: str, channel: str = "web") -> Actor:
        return Actor(User.get_by_id(getattr(self, name).id), channel)


def make_org() -> Org:
    w1 = Warehouse.create(code="W1", name="Main warehouse")
    w2 = Warehouse.create(code="W2", name="North warehouse")
    b1 = Branch.create(code="B1", name="Branch one", warehouse=w1)
    b2 = Branch.create(code="B2", name="Branch two", warehouse=w1)
    b3 = Branch.create(code="B3", name="Branch three", warehouse=w2)
    toner = CartridgeModel.create(name="HP 85A", vendor="HP", article="CE285A")
    drum = CartridgeModel.create(name="Brother DR-2300", vendor="Brother", article="DR2300")
    model = PrinterModel.create(name="HP P1102", vendor="HP")
    PrinterModelCartridge.create(printer_model=model, cartridge=toner)
    printer = Printer.create(branch=b1, model=model, inventory_number="INV-1", location="Reception")
    Stock.create(warehouse=w1, cartridge=toner, quantity=10)

    def user(name: str, role: str, tg: int, **kw: object) -> User:
        return User.create(display_name=name, role=role, telegram_id=tg, username=name.lower(), **kw)

    return Org(
        w1, w2, b1, b2, b3,
        alice=user("Alice", "admin", 1001),
        sam=user("Sam", "storekeeper", 1002, warehouse=w1),
        sue=user("Sue", "storekeeper", 1003, warehouse=w2),
        bob=user("Bob", "branch", 1004, branch=b1),
        bea=user("Bea", "branch", 1005, branch=b1),
        carl=user("Carl", "branch", 1006, branch=b2),
        dan=user("Dan", "branch", 1007, branch=b3),
        toner=toner, drum=drum, printer=printer,
    )


@pytest.fixture
def org(database: str) -> Org:
    return make_org()


@pytest.fixture
def sqlite_org(sqlite_db: str) -> Org:
    return make_org()
