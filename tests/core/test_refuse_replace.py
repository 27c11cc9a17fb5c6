"""Raw SQL cannot remove a request by inserting over it: REPLACE on SQLite, ON CONFLICT on PostgreSQL."""

from __future__ import annotations

import sqlite3
from urllib.parse import unquote

import peewee
import pytest

from helpdesk.core import tickets
from helpdesk.db.database import db, is_sqlite
from helpdesk.db.models import OrderLine, Ticket
from tests.conftest import Org


def _two_requests(org: Org) -> tuple[Ticket, Ticket]:
    first = tickets.create(org.actor("bob"), tickets.TicketDraft("cartridges", lines=[(org.toner.id, 1)]))
    second = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Monitor flickers"))
    return first, second


def _copy_of(source: Ticket, number: str) -> tuple[str, list[object]]:
    """An INSERT … SELECT of `source`'s row under a new id and `number` (an existing request's)."""
    columns = [c.name for c in db.get_columns("ticket") if c.name != "id"]
    values = ", ".join("?" if c == "number" else f'"{c}"' for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INTO ticket ({names}) SELECT {values} FROM ticket WHERE id = ?', [number, source.id]


def test_sqlite_replace_cannot_remove_a_request(sqlite_org: Org, sqlite_db: str) -> None:
    first, second = _two_requests(sqlite_org)
    statement, params = _copy_of(second, first.number)
    line = OrderLine.get(OrderLine.ticket == first.id)
    with pytest.raises(peewee.IntegrityError, match="never deleted"), db.atomic():
        db.execute_sql("INSERT OR REPLACE " + statement, params)
    with pytest.raises(peewee.IntegrityError, match="never deleted"), db.atomic():
        db.execute_sql("REPLACE INTO order_line SELECT * FROM order_line WHERE id = ?", [line.id])
    # A shell without helpdesk's pragmas (recursive_triggers off) is refused all the same.
    shell = sqlite3.connect(unquote(sqlite_db[len("sqlite:///"):]), isolation_level=None)
    try:
        assert shell.execute("PRAGMA recursive_triggers").fetchone()[0] == 0
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            shell.execute("INSERT OR REPLACE " + statement, params)
    finally:
        shell.close()
    assert Ticket.get_by_id(first.id).number == first.number and Ticket.select().count() == 2
    assert OrderLine.get_by_id(line.id).ticket_id == first.id


def test_recursive_triggers_cover_the_other_unique_keys(sqlite_org: Org, sqlite_db: str) -> None:
    first, second = _two_requests(sqlite_org)
    Ticket.update(client_key="k-1").where(Ticket.id == first.id).execute()
    assert db.execute_sql("PRAGMA recursive_triggers").fetchone()[0] == 1
    columns = [c.name for c in db.get_columns("ticket") if c.name not in ("id", "number", "client_key")]
    names = ", ".join(f'"{c}"' for c in columns)
    with pytest.raises(peewee.IntegrityError, match="never deleted"), db.atomic():
        db.execute_sql(f"INSERT OR REPLACE INTO ticket ({names}, number, client_key) "
                       f"SELECT {names}, '1999-000001', 'k-1' FROM ticket WHERE id = ?", [second.id])
    assert Ticket.get_by_id(first.id).client_key == "k-1"


def test_on_conflict_cannot_remove_a_request(org: Org) -> None:
    first, second = _two_requests(org)
    statement, params = _copy_of(second, first.number)
    if is_sqlite():
        upsert = "INSERT " + statement + " ON CONFLICT (number) DO UPDATE SET description = 'x'"
    else:
        upsert = ("INSERT " + statement + " ON CONFLICT (number) DO UPDATE SET description = 'x'").replace("?", "%s")
    try:
        with db.atomic():
            db.execute_sql(upsert, params)
    except peewee.IntegrityError as exc:  # SQLite's guard refuses before the upsert is tried
        assert is_sqlite() and "never deleted" in str(exc)
    assert Ticket.select().count() == 2 and Ticket.get_by_id(first.id).number == first.number
    assert Ticket.get_by_id(second.id).number == second.number
