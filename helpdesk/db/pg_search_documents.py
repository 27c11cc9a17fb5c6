"""Every request's search document of migration 0013 (PostgreSQL), built in one set-wise statement.

`helpdesk_search_refresh` (the triggers' function) builds the documents of a few requests, reading each
request's comments by index and its names row by row. Over a whole copied database that is a million
index look-ups and a million tsvectors of the same few names; here the comments are aggregated once per
request and the names' tsvector is made once per (branch, author, assignee). The text of every part and its
weight are those of the function, so a document equals the function's (tests/core/test_move_to_postgres.py
compares them); comments are joined in id order, which the function's index scan gives too.
`main_doc` (migration 0023, the A and B part) is written here too, as its trigger would: callers that
switch the table's triggers off for the load (the move) skip a PL/pgSQL call per row.
`build(ids)` writes the documents of the requests of one id range: the move runs a few ranges on
several connections side by side (an INSERT's own plan is never parallel in PostgreSQL). Ranges, not
`id % n`: the planner estimates a range from its statistics, a modulo as 0.5% of the rows (and then
joins the comments by nested loop).
"""

from __future__ import annotations


def _text(expression: str) -> str:
    # As migration 0013's _pg_text: ё as е, hyphens as spaces (see there why).
    return f"translate(coalesce({expression}, ''), 'ёЁ-', 'еЕ ')"


SOURCES = ("ticket", "comment", "branch", "user")  # what the documents are made of


def build(ids: tuple[int, int] | None = None) -> str:
    """The INSERT of the documents of the requests whose id is in `ids` (first, last), or of all."""
    ticket = f"t.id BETWEEN {int(ids[0])} AND {int(ids[1])}" if ids else "true"
    comment = f"ticket_id BETWEEN {int(ids[0])} AND {int(ids[1])}" if ids else "true"
    return f"""
INSERT INTO ticket_search (ticket_id, doc, staff_doc, main_doc)
WITH people AS MATERIALIZED (
  SELECT k.branch_id, k.author_id, k.assignee_id,
    setweight(to_tsvector('russian', {_text("b.code || ' ' || b.name || ' ' || a.display_name || ' ' || "
                                            "coalesce(s.display_name, '')")}), 'B') AS names
  FROM (SELECT DISTINCT branch_id, author_id, assignee_id FROM ticket) k
  JOIN branch b ON b.id = k.branch_id JOIN "user" a ON a.id = k.author_id LEFT JOIN "user" s ON s.id = k.assignee_id
), comments AS MATERIALIZED (
  SELECT ticket_id, string_agg(body, chr(10) ORDER BY id) FILTER (WHERE NOT internal) AS public,
    string_agg(body, chr(10) ORDER BY id) FILTER (WHERE internal) AS notes
  FROM comment WHERE {comment} GROUP BY ticket_id
)
SELECT d.id, d.doc, d.doc || d.notes, ts_filter(d.doc, '{{a,b}}') FROM (  -- main_doc: as 0023's trigger
  SELECT t.id,
    setweight(to_tsvector('simple', {_text("t.number || ' ' || ltrim(split_part(t.number, '-', 2), '0')")}), 'A')
    || setweight(to_tsvector('russian', {_text('t.description')}), 'B')
    || p.names
    || setweight(to_tsvector('russian', {_text('c.public')}), 'C') AS doc,
    setweight(to_tsvector('russian', {_text('c.notes')}), 'D') AS notes
  FROM ticket t
  -- coalesce, not IS NOT DISTINCT FROM: an equality the planner hashes and estimates (user ids start at 1)
  JOIN people p ON p.branch_id = t.branch_id AND p.author_id = t.author_id
    AND coalesce(p.assignee_id, 0) = coalesce(t.assignee_id, 0)
  LEFT JOIN comments c ON c.ticket_id = t.id
  WHERE {ticket}
  OFFSET 0  -- kept a subquery: pulled up, `doc` would be computed twice (once for staff_doc)
) d
"""


BUILD = build()
