"""Free-text search over requests: one search document per request, kept current by triggers.

A request's document holds its number (also without the zero padding: "123" finds 2026-000123), its
description, its comments, the names of its branch (code and name), author and assignee, and apart
from the rest its internal notes, which only staff may search (core/search.py decides who reads which).
The triggers rebuild a request's document whenever one of those changes, so no channel has to.

SQLite: an FTS5 table with the unicode61 tokenizer (Cyrillic and Latin fold case, diacritics are
removed; ё is folded to е by the triggers) and prefix indexes of 2 to 5 letters: a search reads a
word's prefix (core/search.py) from one of them in rowid order and stops early, where a longer prefix
would merge every matching word's list first. The table stores its own copy of the text: SQLite 3.40
has no contentless delete, and an external-content table cannot forget a document whose source rows
(comments, names in other tables) changed.

PostgreSQL: a `ticket_search` table of tsvectors with GIN indexes, 'russian' configuration (Russian
words are stemmed: «принтера» finds «принтер»; Latin words get the English stemmer), the number
with 'simple', weights A (number), B (description, names), C (comments), D (notes). `doc` is what
everyone may search; `staff_doc` adds the notes.
"""

import peewee as pw

SQLITE_TRIGGER_TARGETS = {
    # trigger name: (event, which tickets to rebuild)
    "ticket_search_ticket_insert": ("AFTER INSERT ON ticket", "t.id = NEW.id"),
    "ticket_search_ticket_update": (
        "AFTER UPDATE OF number, description, branch_id, warehouse_id, author_id, assignee_id, archived ON ticket "
        "WHEN OLD.number IS NOT NEW.number OR OLD.description IS NOT NEW.description OR OLD.branch_id IS NOT "
        "NEW.branch_id OR OLD.warehouse_id IS NOT NEW.warehouse_id OR OLD.author_id IS NOT NEW.author_id "
        "OR OLD.assignee_id IS NOT NEW.assignee_id OR OLD.archived IS NOT NEW.archived",
        "t.id = NEW.id"),
    "ticket_search_comment_insert": ("AFTER INSERT ON comment", "t.id = NEW.ticket_id"),
    "ticket_search_comment_update": (
        "AFTER UPDATE OF body, internal ON comment WHEN OLD.body IS NOT NEW.body OR OLD.internal IS NOT NEW.internal",
        "t.id = NEW.ticket_id"),
    "ticket_search_user_rename": (
        'AFTER UPDATE OF display_name ON "user" WHEN OLD.display_name IS NOT NEW.display_name',
        "(t.author_id = NEW.id OR t.assignee_id = NEW.id)"),
    "ticket_search_branch_rename": (
        "AFTER UPDATE OF code, name ON branch WHEN OLD.code IS NOT NEW.code OR OLD.name IS NOT NEW.name",
        "t.branch_id = NEW.id"),
}


def _yo(expression: str) -> str:
    # unicode61 removes diacritics from Latin letters only: ё stays apart from е unless folded here.
    return f"replace(replace({expression}, 'ё', 'е'), 'Ё', 'Е')"


# Where a request is and whether it is archived, as words (b12 w3 archived0): a search narrows by them
# inside the full-text index and reads only the newest matches (see core/search.py).
FACETS = "'b' || t.branch_id || ' w' || coalesce(t.warehouse_id, 0) || ' archived' || t.archived"


def _sqlite_document(where: str) -> str:
    return (
        "INSERT INTO ticket_search (rowid, number, description, people, comments, notes, facets) "
        f"SELECT t.id, t.number || ' ' || ltrim(substr(t.number, 6), '0'), {_yo('t.description')}, "
        + _yo("b.code || ' ' || b.name || ' ' || a.display_name || ' ' || coalesce(s.display_name, '')") + ", "
        + _yo("(SELECT group_concat(c.body, ' ') FROM comment c WHERE c.ticket_id = t.id AND NOT c.internal)") + ", "
        + _yo("(SELECT group_concat(c.body, ' ') FROM comment c WHERE c.ticket_id = t.id AND c.internal)") + ", "
        + FACETS + " "
        'FROM ticket t JOIN branch b ON b.id = t.branch_id JOIN "user" a ON a.id = t.author_id '
        f'LEFT JOIN "user" s ON s.id = t.assignee_id WHERE {where}'
    )


def _up_sqlite(db: pw.Database) -> None:
    db.execute_sql(
        "CREATE VIRTUAL TABLE ticket_search USING fts5(number, description, people, comments, notes, facets, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5')")
    for name, (event, where) in SQLITE_TRIGGER_TARGETS.items():
        db.execute_sql(
            f'CREATE TRIGGER "{name}" {event} BEGIN '
            f"DELETE FROM ticket_search WHERE rowid IN (SELECT t.id FROM ticket t WHERE {where}); "
            f"{_sqlite_document(where)}; END")
    db.execute_sql(_sqlite_document("1"))


def _pg_text(expression: str) -> str:
    # PostgreSQL's Russian stemmer keeps ё apart from е; people type either. The parser reads "1-2" or
    # "2026-000123" as a number and a negative one (-2): hyphens become spaces, as in a search's words.
    return f"translate(coalesce({expression}, ''), 'ёЁ-', 'еЕ ')"




PG_REFRESH = f"""
CREATE FUNCTION helpdesk_search_refresh(ids integer[]) RETURNS void LANGUAGE sql AS $$
INSERT INTO ticket_search (ticket_id, doc, staff_doc)
SELECT d.id, d.doc, d.doc || d.notes FROM (
  SELECT t.id,
    setweight(to_tsvector('simple', {_pg_text("t.number || ' ' || ltrim(split_part(t.number, '-', 2), '0')")}), 'A')
    || setweight(to_tsvector('russian', {_pg_text('t.description')}), 'B')
    || setweight(to_tsvector('russian', {_pg_text("b.code || ' ' || b.name || ' ' || a.display_name || ' ' || "
                                                  "coalesce(s.display_name, '')")}), 'B')
    || setweight(to_tsvector('russian', {_pg_text('(SELECT string_agg(c.body, chr(10)) FROM comment c '
                                                  'WHERE c.ticket_id = t.id AND NOT c.internal)')}), 'C') AS doc,
    setweight(to_tsvector('russian', {_pg_text('(SELECT string_agg(c.body, chr(10)) FROM comment c '
                                               'WHERE c.ticket_id = t.id AND c.internal)')}), 'D') AS notes
  FROM ticket t JOIN branch b ON b.id = t.branch_id JOIN "user" a ON a.id = t.author_id
  LEFT JOIN "user" s ON s.id = t.assignee_id WHERE t.id = ANY(ids)) d
ON CONFLICT (ticket_id) DO UPDATE SET doc = EXCLUDED.doc, staff_doc = EXCLUDED.staff_doc
$$
"""

PG_TRIGGERS = {
    # function: (body's ids, trigger name, event)
    "helpdesk_search_ticket": ("ARRAY[NEW.id]", [
        ("ticket_search_ticket_insert", "AFTER INSERT ON ticket"),
        ("ticket_search_ticket_update", "AFTER UPDATE OF number, description, branch_id, author_id, assignee_id "
         "ON ticket FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.description IS DISTINCT FROM "
         "NEW.description OR OLD.branch_id IS DISTINCT FROM NEW.branch_id OR OLD.author_id IS DISTINCT FROM "
         "NEW.author_id OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)")]),
    "helpdesk_search_comment": ("ARRAY[NEW.ticket_id]", [
        ("ticket_search_comment_insert", "AFTER INSERT ON comment"),
        ("ticket_search_comment_update", "AFTER UPDATE OF body, internal ON comment FOR EACH ROW WHEN "
         "(OLD.body IS DISTINCT FROM NEW.body OR OLD.internal IS DISTINCT FROM NEW.internal)")]),
    "helpdesk_search_user": ("ARRAY(SELECT id FROM ticket WHERE author_id = NEW.id OR assignee_id = NEW.id)", [
        ("ticket_search_user_rename", 'AFTER UPDATE OF display_name ON "user" FOR EACH ROW WHEN '
         "(OLD.display_name IS DISTINCT FROM NEW.display_name)")]),
    "helpdesk_search_branch": ("ARRAY(SELECT id FROM ticket WHERE branch_id = NEW.id)", [
        ("ticket_search_branch_rename", "AFTER UPDATE OF code, name ON branch FOR EACH ROW WHEN "
         "(OLD.code IS DISTINCT FROM NEW.code OR OLD.name IS DISTINCT FROM NEW.name)")]),
}


def _up_postgres(db: pw.Database) -> None:
    db.execute_sql("CREATE TABLE ticket_search (ticket_id integer PRIMARY KEY REFERENCES ticket (id), "
                   "doc tsvector NOT NULL, staff_doc tsvector NOT NULL)")
    db.execute_sql(PG_REFRESH)
    for function, (ids, triggers) in PG_TRIGGERS.items():
        db.execute_sql(f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN PERFORM helpdesk_search_refresh({ids}); RETURN NULL; END $$")
        for name, event in triggers:
            each = "" if "FOR EACH ROW" in event else " FOR EACH ROW"
            db.execute_sql(f'CREATE TRIGGER "{name}" {event}{each} EXECUTE FUNCTION {function}()')
    db.execute_sql("SELECT helpdesk_search_refresh(ARRAY(SELECT id FROM ticket))")
    db.execute_sql("CREATE INDEX ticket_search_doc ON ticket_search USING gin (doc)")
    db.execute_sql("CREATE INDEX ticket_search_staff_doc ON ticket_search USING gin (staff_doc)")


def up(migrator, db):
    if isinstance(db, pw.SqliteDatabase):
        _up_sqlite(db)
    else:
        _up_postgres(db)
