"""PostgreSQL: the triggers' function builds each search document once.

Migration 0013's `helpdesk_search_refresh` selects `d.doc` and `d.doc || d.notes` from a subquery that
the planner pulls up, so every request's `doc` (the tsvectors of its number, description, names and
comments) was computed twice per refresh. `OFFSET 0` keeps the subquery a fence, as the move's set-wise
build does (db/pg_search_documents.py). The text and weights are 0013's: the documents stay equal.
SQLite: nothing to do.
"""

import peewee as pw


def _pg_text(expression: str) -> str:
    # As migration 0013: ё as е, hyphens as spaces.
    return f"translate(coalesce({expression}, ''), 'ёЁ-', 'еЕ ')"


PG_REFRESH = f"""
CREATE OR REPLACE FUNCTION helpdesk_search_refresh(ids integer[]) RETURNS void LANGUAGE sql AS $$
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
  LEFT JOIN "user" s ON s.id = t.assignee_id WHERE t.id = ANY(ids)
  OFFSET 0  -- a fence: pulled up, `doc` would be computed twice (once more for staff_doc)
) d
ON CONFLICT (ticket_id) DO UPDATE SET doc = EXCLUDED.doc, staff_doc = EXCLUDED.staff_doc
$$
"""


def up(migrator, db):
    if isinstance(db, pw.SqliteDatabase):
        return
    db.execute_sql(PG_REFRESH)
