"""PostgreSQL: the number, description and names of a request in a tsvector of their own.

A search ranks first the requests whose number, description or names hold every word (core/search.py).
Migration 0013's documents mark those words with weights A and B, but a GIN index keeps no weights:
for a word found mostly in comments the index returned every request whose comments hold it, each
then read and rejected (0.5-1 s at a million requests). `main_doc` (the A and B part of `doc`) has
its own GIN index, which answers that first rank alone. A trigger derives it from `doc`, so migration
0013's refresh function stays as it is. SQLite's FTS5 filters by column already: nothing to do there.
"""

import peewee as pw


def up(migrator, db):
    if isinstance(db, pw.SqliteDatabase):
        return
    db.execute_sql("ALTER TABLE ticket_search ADD COLUMN main_doc tsvector")
    db.execute_sql("UPDATE ticket_search SET main_doc = ts_filter(doc, '{a,b}')")
    db.execute_sql("ALTER TABLE ticket_search ALTER COLUMN main_doc SET NOT NULL")
    db.execute_sql("CREATE FUNCTION helpdesk_search_main_doc() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN NEW.main_doc := ts_filter(NEW.doc, '{a,b}'); RETURN NEW; END $$")
    db.execute_sql('CREATE TRIGGER "ticket_search_main_doc" BEFORE INSERT OR UPDATE OF doc ON ticket_search '
                   "FOR EACH ROW EXECUTE FUNCTION helpdesk_search_main_doc()")
    db.execute_sql("CREATE INDEX ticket_search_main_doc ON ticket_search USING gin (main_doc)")
    db.execute_sql("ANALYZE ticket_search")
