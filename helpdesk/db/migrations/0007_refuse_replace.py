"""SQLite: a REPLACE (INSERT OR REPLACE, REPLACE INTO) must not remove a request either.

REPLACE deletes the conflicting row without firing DELETE triggers unless `recursive_triggers` is
on; helpdesk turns it on for its own connections, but a `sqlite3` shell does not. So an insert that
would collide with an existing row's id (or a request's number) is refused before it starts. Other
unique keys are left to `recursive_triggers`, so that their rules may change without this guard.
PostgreSQL has no REPLACE, and ON CONFLICT never deletes: nothing to do there.
"""

import peewee as pw

TABLES = ("ticket", "order_line", "comment", "attachment", "audit_event")
MESSAGE = "requests are never deleted: archive them instead"


def up(migrator, db):
    if not isinstance(db, pw.SqliteDatabase):
        return
    for table in TABLES:
        clash = f'SELECT 1 FROM "{table}" WHERE id = NEW.id'
        if table == "ticket":
            clash += ' UNION ALL SELECT 1 FROM "ticket" WHERE number = NEW.number'
        db.execute_sql(
            f'CREATE TRIGGER "{table}_refuse_replace" BEFORE INSERT ON "{table}" '
            f"WHEN EXISTS ({clash}) BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
