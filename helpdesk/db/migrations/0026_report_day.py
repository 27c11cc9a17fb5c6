"""Requests counted per UTC day, warehouse, type and status: the reports' daily rollup (`report_day`).

`kind` 0 counts requests by the day they were created, 1 by the day they were resolved. The database
keeps it in step with the requests through triggers, in the same transaction as any write to a request's
creation or resolution time, status, type or warehouse (the domain's, a bulk update's, a test's or a
repair's alike); requests are never deleted. The move to PostgreSQL copies the table with the triggers
off, like every other. Rows that drop to zero stay (a few), the readers skip them.

The grain follows the data: a branch has a few requests a day, so per day × branch the rollup would hold
as many rows as there are requests; per warehouse, type and status a day is ~150 rows for ~1000 requests.
On PostgreSQL a change takes its rows' locks in key order (the old row or the new first, whichever sorts
first), so two requests moving in opposite directions cannot deadlock.
"""

import peewee as pw

SQLITE_TABLE = """CREATE TABLE report_day (
    kind SMALLINT NOT NULL, day DATE NOT NULL, warehouse_id INTEGER NOT NULL, type_id INTEGER NOT NULL,
    status VARCHAR(16) NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (kind, day, warehouse_id, type_id, status)) WITHOUT ROWID"""
PG_TABLE = SQLITE_TABLE.removesuffix(" WITHOUT ROWID")

KEY = "(kind, day, warehouse_id, type_id, status)"
WATCHED = ("created_at", "resolved_at", "status", "type_id", "warehouse_id")


def _sqlite_add(row: str, kind: int, column: str) -> str:
    return (f"INSERT INTO report_day {KEY[:-1]}, n) SELECT {kind}, substr({row}.{column}, 1, 10), "
            f"coalesce({row}.warehouse_id, 0), {row}.type_id, {row}.status, 1 WHERE {row}.{column} IS NOT NULL "
            f"ON CONFLICT {KEY} DO UPDATE SET n = n + 1;")


def _sqlite_remove(kind: int, column: str) -> str:
    return (f"UPDATE report_day SET n = n - 1 WHERE kind = {kind} AND day = substr(OLD.{column}, 1, 10) "
            "AND warehouse_id = coalesce(OLD.warehouse_id, 0) AND type_id = OLD.type_id AND status = OLD.status;")


SQLITE_TRIGGERS = (
    "CREATE TRIGGER ticket_report_day_insert AFTER INSERT ON ticket BEGIN "
    f"{_sqlite_add('NEW', 0, 'created_at')} {_sqlite_add('NEW', 1, 'resolved_at')} END",
    f"CREATE TRIGGER ticket_report_day_update AFTER UPDATE OF {', '.join(WATCHED)} ON ticket WHEN "
    + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED) + " BEGIN "
    f"{_sqlite_remove(0, 'created_at')} {_sqlite_remove(1, 'resolved_at')} "
    f"{_sqlite_add('NEW', 0, 'created_at')} {_sqlite_add('NEW', 1, 'resolved_at')} END",
)

PG_FUNCTION = """CREATE OR REPLACE FUNCTION helpdesk_report_day() RETURNS trigger AS $$
DECLARE
    kinds INTEGER[] := ARRAY[0, 1];
    k INTEGER;
    old_day DATE;
    new_day DATE;
    old_key TEXT;
    new_key TEXT;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
            AND OLD.resolved_at IS NOT DISTINCT FROM NEW.resolved_at AND OLD.status = NEW.status
            AND OLD.type_id = NEW.type_id AND OLD.warehouse_id IS NOT DISTINCT FROM NEW.warehouse_id THEN
        RETURN NULL;
    END IF;
    FOREACH k IN ARRAY kinds LOOP
        new_day := CASE WHEN k = 0 THEN NEW.created_at::date ELSE NEW.resolved_at::date END;
        old_day := NULL;
        old_key := NULL;
        IF TG_OP = 'UPDATE' THEN
            old_day := CASE WHEN k = 0 THEN OLD.created_at::date ELSE OLD.resolved_at::date END;
            old_key := concat_ws('|', old_day, coalesce(OLD.warehouse_id, 0), OLD.type_id, OLD.status);
        END IF;
        new_key := concat_ws('|', new_day, coalesce(NEW.warehouse_id, 0), NEW.type_id, NEW.status);
        IF old_day IS NOT NULL AND (new_day IS NULL OR old_key <= new_key) THEN
            UPDATE report_day SET n = n - 1 WHERE kind = k AND day = old_day
                AND warehouse_id = coalesce(OLD.warehouse_id, 0) AND type_id = OLD.type_id AND status = OLD.status;
        END IF;
        IF new_day IS NOT NULL THEN
            INSERT INTO report_day (kind, day, warehouse_id, type_id, status, n)
                VALUES (k, new_day, coalesce(NEW.warehouse_id, 0), NEW.type_id, NEW.status, 1)
                ON CONFLICT (kind, day, warehouse_id, type_id, status) DO UPDATE SET n = report_day.n + 1;
        END IF;
        IF old_day IS NOT NULL AND new_day IS NOT NULL AND old_key > new_key THEN
            UPDATE report_day SET n = n - 1 WHERE kind = k AND day = old_day
                AND warehouse_id = coalesce(OLD.warehouse_id, 0) AND type_id = OLD.type_id AND status = OLD.status;
        END IF;
    END LOOP;
    RETURN NULL;
END $$ LANGUAGE plpgsql"""

PG_TRIGGER = (f"CREATE TRIGGER ticket_report_day AFTER INSERT OR UPDATE OF {', '.join(WATCHED)} ON ticket "
              "FOR EACH ROW EXECUTE FUNCTION helpdesk_report_day()")


def backfill(day: str) -> str:
    """Every request counted once by its creation day and, if resolved, once by its resolution day."""
    parts = [f"SELECT {kind}, {day.format(column)}, coalesce(warehouse_id, 0), type_id, status, COUNT(*) "
             f"FROM ticket WHERE {column} IS NOT NULL GROUP BY 2, 3, 4, 5"
             for kind, column in ((0, "created_at"), (1, "resolved_at"))]
    return f"INSERT INTO report_day {KEY[:-1]}, n) " + " UNION ALL ".join(parts)


def up(migrator, db):
    if isinstance(db, pw.SqliteDatabase):
        db.execute_sql(SQLITE_TABLE)
        db.execute_sql(backfill("substr({}, 1, 10)"))
        for trigger in SQLITE_TRIGGERS:
            db.execute_sql(trigger)
        return
    db.execute_sql(PG_TABLE)
    db.execute_sql(backfill("{}::date"))
    db.execute_sql("ANALYZE report_day")  # its first readers would otherwise plan for an empty table
    db.execute_sql(PG_FUNCTION)
    db.execute_sql(PG_TRIGGER)
