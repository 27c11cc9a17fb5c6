"""Requests are history: the database itself refuses DELETE (and TRUNCATE) on request tables."""

import peewee as pw

TABLES = ("ticket", "order_line", "comment", "attachment", "audit_event")
MESSAGE = "requests are never deleted: archive them instead"


def up(migrator, db):
    if isinstance(db, pw.SqliteDatabase):
        for table in TABLES:
            db.execute_sql(
                f'CREATE TRIGGER "{table}_refuse_delete" BEFORE DELETE ON "{table}" '
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
        return
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION helpdesk_refuse_delete() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; END; "
        "$$ LANGUAGE plpgsql"
    )
    for table in TABLES:
        db.execute_sql(
            f'CREATE TRIGGER "{table}_refuse_delete" BEFORE DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION helpdesk_refuse_delete()"
        )
        db.execute_sql(
            f'CREATE TRIGGER "{table}_refuse_truncate" BEFORE TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION helpdesk_refuse_delete()"
        )
