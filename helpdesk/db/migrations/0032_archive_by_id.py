"""The archive newest first from an index of archived requests alone.

An admin's archive (`archived = true`, newest first) had no index in id order: both engines walked the
requests from the newest down, past every current one, to find 25 archived (at a million requests
SQLite 322k VM steps, PostgreSQL 4,105 buffers and 35 ms; bench/web_requests.py --detail). A partial
index of the archived requests' (archived, id) answers it in a handful: SQLite, once the index has
statistics, takes a partial index of the ids alone for one that needs the table's rows and scans the
table instead; with the flag in it the index covers the query. New requests are current, so an insert
never writes this index: only archiving a request adds its entry. Built in ~3 s at a million.
"""

import peewee as pw


def up(migrator, db):
    sqlite = isinstance(db, pw.SqliteDatabase)
    db.execute_sql('CREATE INDEX "ticket_archived_id" ON "ticket" ("archived", "id") WHERE "archived" = '
                   + ("1" if sqlite else "TRUE"))
    if sqlite:  # its statistics alone; PostgreSQL plans a new index from the table's
        db.execute_sql('ANALYZE "ticket_archived_id"')
