"""The database itself refuses to delete requests and their history, on SQLite and PostgreSQL."""

from __future__ import annotations

import peewee
import pytest

from helpdesk.core import tickets
from helpdesk.db.database import db, is_sqlite
from helpdesk.db.models import PROTECTED_TABLES, AuditEvent, Comment, OrderLine, Ticket
from tests.conftest import Org


@pytest.mark.parametrize("model", [Ticket, OrderLine, Comment, AuditEvent])
def test_delete_is_refused(org: Org, model: type[peewee.Model]) -> None:
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("cartridges", lines=[(org.toner.id, 1)]))
    tickets.add_comment(org.actor("sam"), ticket, "On its way")
    before = model.select().count()
    assert before > 0
    with pytest.raises(peewee.DatabaseError, match="never deleted"), db.atomic():
        model.delete().execute()
    assert model.select().count() == before


def test_raw_sql_delete_and_truncate_are_refused(org: Org) -> None:
    tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Monitor flickers"))
    with pytest.raises(peewee.DatabaseError, match="never deleted"), db.atomic():
        db.execute_sql("DELETE FROM ticket WHERE id > 0")
    if not is_sqlite():  # SQLite has no TRUNCATE
        with pytest.raises(peewee.DatabaseError), db.atomic():
            db.execute_sql("TRUNCATE audit_event")
    assert Ticket.select().count() == 1


def test_every_protected_table_has_the_trigger(org: Org) -> None:
    if is_sqlite():
        names = {row[0] for row in db.execute_sql("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")}
    else:
        names = {row[0] for row in db.execute_sql(
            "SELECT event_object_table FROM information_schema.triggers WHERE event_manipulation = 'DELETE'")}
    assert set(PROTECTED_TABLES) <= names
