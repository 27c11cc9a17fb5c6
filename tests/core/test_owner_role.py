"""PostgreSQL: migrations run as the tables' owner, the program as a role that only reads and writes rows."""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import peewee
import pytest
from psycopg import sql

from helpdesk.config import ConfigError, load_settings
from helpdesk.core import tickets
from helpdesk.db.database import close_database, db, init_database
from helpdesk.db.models import Ticket
from tests.conftest import make_org
from tests.support.postgres import PgServer, get_pg_server


@pytest.fixture
def owner_and_runtime() -> Iterator[tuple[str, str]]:
    server: PgServer | None = get_pg_server()
    if server is None:
        pytest.skip("no PostgreSQL server available")
    name, role = f"hd_own_{os.getpid()}", f"hd_rt_{os.getpid()}"
    server.drop_database(name)
    owner_url = server.create_database(name)
    with server._connect() as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    parts = urlsplit(owner_url)
    runtime_url = parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port or 5432}").geturl()
    yield owner_url, runtime_url
    close_database()
    server.drop_database(name)
    with server._connect() as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_the_runtime_role_writes_rows_but_cannot_touch_the_schema(owner_and_runtime: tuple[str, str]) -> None:
    owner_url, runtime_url = owner_and_runtime
    init_database(runtime_url, owner_url=owner_url)
    role = urlsplit(runtime_url).username
    assert db.execute_sql("SELECT current_user").fetchone()[0] == role
    org = make_org()
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Monitor flickers"))
    assert ticket.number.endswith("-000001")
    for statement in ("DROP TABLE audit_event", "ALTER TABLE ticket DISABLE TRIGGER ALL", "TRUNCATE ticket",
                      "CREATE TABLE intruder (id int)"):
        with pytest.raises(peewee.ProgrammingError, match="(must be owner|permission denied)"), db.atomic():
            db.execute_sql(statement)
    with pytest.raises(peewee.DatabaseError, match="never deleted"), db.atomic():
        db.execute_sql("DELETE FROM ticket")
    assert Ticket.select().count() == 1
    close_database()
    # A restart with the owner URL still set grants whatever new migrations made; without it nothing is
    # pending, so the runtime role alone starts too.
    init_database(runtime_url, owner_url=owner_url)
    close_database()
    init_database(runtime_url)
    assert Ticket.select().count() == 1


def test_owner_url_is_for_postgresql_only() -> None:
    with pytest.raises(ConfigError, match="HELPDESK_DATABASE_OWNER_URL"):
        load_settings(environ={"HELPDESK_DATABASE_OWNER_URL": "postgresql://owner@db/helpdesk"})
    settings = load_settings(environ={"HELPDESK_DATABASE_URL": "postgresql://app:pw@db/helpdesk",
                                      "HELPDESK_DATABASE_OWNER_URL": "postgresql://owner:ownerpass@db/helpdesk"})
    assert settings.database_owner_url.startswith("postgresql://owner")
    assert "ownerpass" not in str(settings.redacted())
