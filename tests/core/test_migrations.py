"""Migrations: a fresh database and one upgraded from an older schema end identical."""

from __future__ import annotations

import os
from pathlib import Path

import peewee
import pytest

from helpdesk.db.database import apply_migrations, open_database
from tests.conftest import _pg_url
from tests.support.postgres import get_pg_server


def _schema(database: peewee.Database) -> list[tuple]:
    if isinstance(database, peewee.SqliteDatabase):
        rows = database.execute_sql(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        return [tuple(r) for r in rows]
    columns = database.execute_sql(
        "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns "
        "WHERE table_schema = 'public' ORDER BY table_name, column_name")
    indexes = database.execute_sql("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")
    triggers = database.execute_sql(
        "SELECT trigger_name, event_object_table, event_manipulation FROM information_schema.triggers ORDER BY 1, 2, 3")
    return [tuple(r) for r in [*columns, *indexes, *triggers]]


def _upgrade_from_initial(database: peewee.Database) -> None:
    assert apply_migrations(database, target="0001_initial") == ["0001_initial"]
    # Rows written under the old schema must survive the upgrade.
    database.execute_sql("INSERT INTO warehouse (code, name, address, active, created_at) "
                         "VALUES ('W9', 'Old', '', %s, '2025-01-01 00:00:00')" % ("1" if isinstance(
                             database, peewee.SqliteDatabase) else "TRUE"))
    applied = apply_migrations(database)
    assert applied and applied[0] == "0002_refuse_delete"
    assert database.execute_sql("SELECT code FROM warehouse").fetchall() == [("W9",)]


def _compare(fresh: peewee.Database, upgraded: peewee.Database) -> None:
    apply_migrations(fresh)
    _upgrade_from_initial(upgraded)
    assert _schema(fresh) == _schema(upgraded)
    assert apply_migrations(upgraded) == [], "a second run applies nothing"


def test_sqlite_fresh_and_upgraded_are_identical(tmp_path: Path) -> None:
    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgraded = open_database(f"sqlite:///{tmp_path / 'old.db'}")
    _compare(fresh, upgraded)
    fresh.close()
    upgraded.close()


def test_postgres_fresh_and_upgraded_are_identical() -> None:
    server = get_pg_server()
    if server is None:
        pytest.skip("no PostgreSQL server available")
    names = [f"hd_mig_fresh_{os.getpid()}", f"hd_mig_old_{os.getpid()}"]
    for name in names:
        server.drop_database(name)
    fresh = open_database(_pg_url(server.create_database(names[0])))
    upgraded = open_database(_pg_url(server.create_database(names[1])))
    try:
        _compare(fresh, upgraded)
    finally:
        fresh.close_all()
        upgraded.close_all()
        for name in names:
            server.drop_database(name)


def test_models_match_the_migrated_schema(database: str) -> None:
    """models.py (the current shape) and the migrations (its history) must not drift apart."""
    from helpdesk.db.database import db
    from helpdesk.db.models import ALL_MODELS

    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = {c.name: c for c in db.get_columns(table)}
        fields = {f.column_name: f for f in model._meta.sorted_fields}
        assert set(columns) == set(fields), table
        for name, field in fields.items():
            assert columns[name].null == field.null or field.primary_key, f"{table}.{name} nullability"
        indexed = {tuple(i.columns) for i in db.get_indexes(table) if i.unique}
        for field in fields.values():
            if field.unique:
                assert (field.column_name,) in indexed, f"{table}.{field.column_name} should be unique"


def _columns(database: peewee.Database, table: str) -> set[str]:
    return {column.name for column in database.get_columns(table)}


def _lockout_columns_dropped(database: peewee.Database) -> None:
    apply_migrations(database, target="0013_request_search")
    assert {"failed_logins", "locked_until"} <= _columns(database, "user")
    database.execute_sql("INSERT INTO \"user\" (display_name, role, username, language, active, must_change_password, "
                         "failed_logins, created_at, session_version) VALUES ('Old admin', 'admin', 'old', 'ru', "
                         f"{database.param}, {database.param}, 3, '2025-01-01 00:00:00', 0)", (True, False))
    assert "0014_list_counts_and_lockout_columns" in apply_migrations(database)
    assert not {"failed_logins", "locked_until"} & _columns(database, "user")
    assert database.execute_sql("SELECT username FROM \"user\"").fetchall() == [("old",)]


def test_the_unused_lockout_columns_are_dropped_keeping_the_users(tmp_path: Path) -> None:
    sqlite = open_database(f"sqlite:///{tmp_path / 'old.db'}")
    _lockout_columns_dropped(sqlite)
    sqlite.close()
    server = get_pg_server()
    assert server is not None
    name = f"hd_mig_lockout_{os.getpid()}"
    server.drop_database(name)
    postgres = open_database(_pg_url(server.create_database(name)))
    try:
        _lockout_columns_dropped(postgres)
    finally:
        postgres.close_all()
        server.drop_database(name)
