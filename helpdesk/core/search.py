"""Free-text search for requests: words of the description, comments, branch, people or the number.

Answers from the search documents of migration 0013 (SQLite FTS5, PostgreSQL tsvector), and only
ever among the requests the actor may see (visibility.scope). Internal notes are in the documents
apart from the rest and are searched for staff only, as only staff read them.

Ranking: requests whose number, description or names hold every word come first, then those that
need their comments (or notes) too; newest first within each. Both are read from the index in id
order and stop at the limit, so a word found in half a million requests costs what a rare one does
(bm25 or ts_rank would score every match first: 10-100 ms per thousand here).
On PostgreSQL the newest requests are read in id order, one walk for both ranks, and the GIN index
answers the older ones (_ranks_postgres); a query the planner expects in few requests (a number, a
rare word, a word found nowhere) is read from the GIN index alone.
"""

from __future__ import annotations

import json
import math
import re

import peewee as pw

from helpdesk.core.actors import Actor
from helpdesk.core.visibility import scope
from helpdesk.db.database import db, is_sqlite
from helpdesk.db.models import Ticket

MAX_RESULTS = 500  # a search is read from the top (20 pages of the list); past this, refine the words
MAX_TERMS = 8
NUMBER = re.compile(r"\d{4}-\d{6}")  # numbering.next_number's format: found exactly, by its unique index
WORD = re.compile(r"[^\W_]+")  # letters and digits: the tokenizers split at "_" as at any punctuation
# SQLite's tokenizer does not stem: a Russian word typed with its ending («принтера», «картриджи») is
# searched as the prefix without the final vowels, so it also finds «принтер», «картридж».
RUSSIAN_ENDING = re.compile(r"(?<=[а-я]{4})[аеиоуыэюяьй]{1,2}$")
WINDOW = 5000  # PostgreSQL: the scope's newest requests checked one by one before the GIN index is read
MAX_WALK = 20000  # PostgreSQL: the longest walk on that a first window's density may ask for
RARE = 1000  # PostgreSQL: a query the planner expects in at most this many requests is read from the GIN index
PREFIX = 5  # the longest prefix index of migration 0013: longer words are searched by their first 5 letters
MAIN_COLUMNS = "{number description people}"  # the first rank (FTS5 column filter)
PUBLIC_COLUMNS = "{number description people comments}"  # all but the notes
STAFF_COLUMNS = "{number description people comments notes}"


class _Fts(pw.Model):
    """The FTS5 table of migration 0013 (SQLite); its hidden column of the same name takes MATCH."""

    rowid = pw.IntegerField(primary_key=True, column_name="rowid")
    ticket_search = pw.BareField()

    class Meta:
        database = db
        table_name = "ticket_search"


def terms(text: str) -> list[str]:
    """The words of a query, lower-case, ё as е; at most MAX_TERMS of them."""
    return [w.lower().replace("ё", "е") for w in WORD.findall(text or "")][:MAX_TERMS]


def is_number(text: str) -> bool:
    return bool(NUMBER.fullmatch((text or "").strip()))


def _fts5_word(word: str) -> str:
    if word.isdigit() or len(word) < 2:
        return f'"{word}"'  # numbers match whole ("12" must not find 1200); one letter has no prefix index
    return f'"{RUSSIAN_ENDING.sub("", word)[:PREFIX]}"*'


def _fts5_query(words: list[str], columns: str, facets: list[str]) -> str:
    phrase = " AND ".join(_fts5_word(w) for w in words)
    return " AND ".join([f"{columns} : ({phrase})", *(f'facets : "{f}"' for f in facets)])


def _facets(actor: Actor, branch_id: int | None, archived: bool | None) -> list[str]:
    """Words of migration 0013's facets column that narrow the search inside the index.

    Only a shortcut: the actor's scope (visibility.scope) and the list's filters still decide.
    """
    facets = []
    if actor.role == "branch":
        facets.append(f"b{actor.user.branch_id}")
    elif actor.role == "storekeeper":
        facets.append(f"w{actor.user.warehouse_id or 0}")
    if branch_id is not None:
        facets.append(f"b{branch_id}")
    if archived is not None:
        facets.append(f"archived{int(archived)}")
    return facets


def _tsquery(words: list[str], weights: str = "") -> str:
    # Words are letters and digits only, so no tsquery operator can come from the user; weights AB: number, description, names.
    # Numbers and single letters match whole, as on SQLite ("b" must not find every "Bob").
    return " & ".join((f"{w}:{weights}" if weights else w) if w.isdigit() or len(w) < 2 else f"{w}:*{weights}"
                      for w in words)


def _newest_sqlite(query: pw.ModelSelect, match: str, limit: int) -> list[int]:
    # FTS5 reads the match in rowid order and stops at the limit; the request's own row then answers
    # the scope and the list's other filters.
    newest = (_Fts.select(_Fts.rowid.alias("id")).where(pw.Expression(_Fts.ticket_search, "MATCH", match))
              .order_by(_Fts.rowid.desc()).limit(limit).alias("newest"))
    return [row[0] for row in query.join(newest, on=(newest.c.id == Ticket.id)).order_by(Ticket.id.desc()).tuples()]


def _walk(query: pw.ModelSelect, columns: list[str], tsquery: str, limit: int, below: int | None,
          size: int) -> tuple[list[list[int]], int | None, int]:
    """The newest matches of each column among the scope's `size` requests below `below`, newest first.

    Also the oldest id walked and how many were. A column's matches are only looked for when the
    one before it found fewer than `limit` (a later rank is not needed when an earlier fills the list).
    """
    window = query if below is None else query.where(Ticket.id < below)
    scope_sql, params = window.order_by(Ticket.id.desc()).limit(size).sql()
    docs = ", ".join(f"s.{column} AS doc{i}" for i, column in enumerate(columns))
    match = "ARRAY(SELECT id FROM docs WHERE doc{} @@ to_tsquery('russian', %s) ORDER BY id DESC LIMIT %s)"
    # A later rank's subquery is an initplan: PostgreSQL runs it only if its CASE branch is taken.
    later = "".join(f", CASE WHEN cardinality(m.found) < %s THEN {match.format(i)} END" for i in range(1, len(columns)))
    row = db.execute_sql(
        # docs is materialized too: the match is checked on each of those rows, never from the index.
        f"WITH recent AS MATERIALIZED ({scope_sql}), docs AS MATERIALIZED (SELECT r.id, {docs} "
        f"FROM recent r JOIN ticket_search s ON s.ticket_id = r.id), m AS MATERIALIZED (SELECT {match.format(0)} "
        f"AS found) SELECT m.found{later}, w.oldest, w.walked FROM m, (SELECT min(id) AS oldest, count(*) AS walked "
        "FROM recent) w",
        [*params, tsquery, limit, *[value for _ in columns[1:] for value in (limit, tsquery, limit)]],
    ).fetchone()
    return [list(found or []) for found in row[:-2]], row[-2], row[-1]


def _ranks_postgres(query: pw.ModelSelect, columns: list[str], tsquery: str, limit: int) -> list[list[int]]:
    """The newest `limit` matches of the scope for each rank's column; later ranks only while needed.

    The ranks share the first walk of the scope's newest WINDOW requests (one pass over their rows,
    not one per rank).
    """
    if _expected(columns[-1], tsquery) <= RARE:
        # A rare word, a request's number or a word found nowhere: its few matches in the whole index,
        # joined with the scope, cost less than walking the scope's newest requests (20-30 ms at a million).
        ranks: list[list[int]] = []
        for column in columns:
            ranks.append(_from_index(query, column, tsquery, limit, None))
            if len(ranks[-1]) >= limit:
                break
        return ranks
    first, oldest, walked = _walk(query, columns, tsquery, limit, None, WINDOW)
    ranks = []
    for column, found in zip(columns, first, strict=True):
        ranks.append(_newest_postgres(query, column, tsquery, limit, found, oldest, walked))
        if len(ranks[-1]) >= limit:
            break
    return ranks


def _newest_postgres(query: pw.ModelSelect, column: str, tsquery: str, limit: int, found: list[int],
                     oldest: int | None, walked: int) -> list[int]:
    # The plan is chosen here, not by the planner, whose guess of a prefix query's matches is often far
    # off (it walked a whole scope for a word found in a few of its requests, 0.5-1.5 s at a million).
    # The scope's newest WINDOW requests (`found` among the `walked` of them) are checked one by one: a
    # common word fills the list there. Short of that, the density found says how far to walk on (once,
    # up to MAX_WALK requests); past that, the older matches come from the GIN index, joined with the
    # scope afterwards.
    found = found[:limit]
    if len(found) >= limit or walked < WINDOW:
        return found
    below = oldest
    if found:
        size = math.ceil((limit - len(found)) * walked / len(found) * 1.5)
        if size <= MAX_WALK:
            (matches,), below, walked = _walk(query, [column], tsquery, limit - len(found), below, size)
            found = found + matches
            if len(found) >= limit or walked < size:
                return found
    return found + _from_index(query, column, tsquery, limit - len(found), below)


def _expected(column: str, tsquery: str) -> float:
    """How many requests the planner expects to match, from the column's statistics (ANALYZE)."""
    plan = db.execute_sql(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM ticket_search WHERE {column} @@ "
                          "to_tsquery('russian', %s)", [tsquery]).fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]


def _from_index(query: pw.ModelSelect, column: str, tsquery: str, limit: int, below: int | None) -> list[int]:
    """The newest matches below `below` (all, if None) that the GIN index finds, joined with the scope."""
    scope_sql, params = query.sql()
    older = "" if below is None else " AND ticket_id < %s"
    rows = db.execute_sql(
        f"WITH matched AS MATERIALIZED (SELECT ticket_id FROM ticket_search WHERE {column} @@ "
        f"to_tsquery('russian', %s){older}) SELECT q.id FROM ({scope_sql}) q "
        "JOIN matched m ON m.ticket_id = q.id ORDER BY q.id DESC LIMIT %s",
        [tsquery, *([] if below is None else [below]), *params, limit]).fetchall()
    return [row[0] for row in rows]


def ranked(actor: Actor, text: str, within: pw.ModelSelect | None = None, *, branch_id: int | None = None,
           archived: bool | None = None, limit: int = MAX_RESULTS) -> list[int]:
    """Ids of the requests that match `text`, best first, among those the actor may see.

    `within` narrows the search to a Ticket query (the list's other filters; pass its branch and
    archive flag too, which the index can narrow by); a full request number is looked up exactly.
    Every word must match somewhere: in the description, a comment (a note, for staff), the branch's
    code or name, the author's or assignee's name, or the number.
    """
    query = scope(within if within is not None else Ticket.select(), actor).select(Ticket.id).order_by()
    text = (text or "").strip()
    if is_number(text):
        return [row[0] for row in query.where(Ticket.number == text).tuples()]
    words = terms(text)
    if not words:
        return []
    if is_sqlite():
        facets = _facets(actor, branch_id, archived)
        first = _newest_sqlite(query, _fts5_query(words, MAIN_COLUMNS, facets), limit)
        if len(first) >= limit:  # a common word: the first rank fills the list
            return first
        rest = _newest_sqlite(query, _fts5_query(words, STAFF_COLUMNS if actor.is_staff else PUBLIC_COLUMNS,
                                                 facets), limit)
    else:
        # main_doc (migration 0023) holds the first rank's words alone: the GIN index keeps no weights.
        first, *later = _ranks_postgres(query, ["main_doc", "staff_doc" if actor.is_staff else "doc"],
                                        _tsquery(words), limit)
        if not later:  # the first rank filled the list
            return first
        rest = later[0]
    seen = set(first)
    return (first + [i for i in rest if i not in seen])[:limit]
