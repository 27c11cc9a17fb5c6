"""Free-text search for requests: words of the description, comments, branch, people or the number.

Answers from the search documents of migration 0013 (SQLite FTS5, PostgreSQL tsvector), best match
first, and only ever among the requests the actor may see (visibility.scope). Internal notes are in
the documents apart from the rest and are searched for staff only, as only staff read them.
"""

from __future__ import annotations

import re

import peewee as pw

from helpdesk.core.actors import Actor
from helpdesk.core.visibility import scope
from helpdesk.db.database import db, is_sqlite
from helpdesk.db.models import Ticket

MAX_RESULTS = 1000  # a search is read from the top; past this, refine the words
MAX_TERMS = 8
NUMBER = re.compile(r"\d{4}-\d{6}")  # numbering.next_number's format: found exactly, by its unique index
WORD = re.compile(r"\w+")
# SQLite's tokenizer does not stem: a Russian word typed with its ending («принтера», «картриджи») is
# searched as the prefix without the final vowels, so it also finds «принтер», «картридж».
RUSSIAN_ENDING = re.compile(r"(?<=[а-я]{4})[аеиоуыэюяьй]{1,2}$")
PUBLIC_COLUMNS = "{number description people comments}"  # all but the notes (FTS5 column filter)
STAFF_COLUMNS = "{number description people comments notes}"
CANDIDATES = 5000


class _Fts(pw.Model):
    """The FTS5 table of migration 0013 (SQLite); its hidden column of the same name takes MATCH."""

    rowid = pw.IntegerField(primary_key=True, column_name="rowid")
    ticket_search = pw.BareField()
    rank = pw.BareField()

    class Meta:
        database = db
        table_name = "ticket_search"


class _PgSearch(pw.Model):
    """The tsvector table of migration 0013 (PostgreSQL)."""

    ticket_id = pw.IntegerField(primary_key=True)
    doc = pw.BareField()
    staff_doc = pw.BareField()

    class Meta:
        database = db
        table_name = "ticket_search"


def terms(text: str) -> list[str]:
    """The words of a query, lower-case, ё as е; at most MAX_TERMS of them."""
    return [w.lower().replace("ё", "е") for w in WORD.findall(text or "")][:MAX_TERMS]


def is_number(text: str) -> bool:
    return bool(NUMBER.fullmatch((text or "").strip()))


def _fts5_query(words: list[str], staff: bool, facets: list[str]) -> str:
    parts = []
    for word in words:
        word = word.replace("_", " ").strip()
        if not word:
            continue
        if word.isdigit():
            parts.append(f'"{word}"')  # numbers match whole: "12" must not find 1200
        else:
            parts.append(f'"{RUSSIAN_ENDING.sub("", word)}"*')
    if not parts:
        return ""
    columns = STAFF_COLUMNS if staff else PUBLIC_COLUMNS
    return " AND ".join([f"{columns} : ({' AND '.join(parts)})", *(f'facets : "{f}"' for f in facets)])


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


def _tsquery(words: list[str]) -> str:
    # Words are \w+ only, so no tsquery operator can come from the user.
    return " & ".join(w if w.isdigit() else f"{w}:*" for w in (w.replace("_", "") for w in words) if w)


def ranked(actor: Actor, text: str, within: pw.ModelSelect | None = None, *, branch_id: int | None = None,
           archived: bool | None = None, limit: int = MAX_RESULTS) -> list[int]:
    """Ids of the requests that match `text`, best first, among those the actor may see.

    `within` narrows the search to a Ticket query (the list's other filters; pass its branch and
    archive flag too, which the index can narrow by); a full request number is looked up exactly.
    Every word must match somewhere: in the description, a comment (a note, for staff), the branch's
    code or name, the author's or assignee's name, or the number. The newest CANDIDATES matches are
    ranked: a common word in a million requests is answered from its recent ones, not all.
    """
    query = scope(within if within is not None else Ticket.select(), actor).select(Ticket.id)
    text = (text or "").strip()
    if is_number(text):
        return [row[0] for row in query.where(Ticket.number == text).order_by().tuples()]
    words = terms(text)
    if not words:
        return []
    if is_sqlite():
        match = _fts5_query(words, actor.is_staff, _facets(actor, branch_id, archived))
        if not match:
            return []
        # FTS5 reads a match in rowid order and stops at the limit; bm25 is computed for those rows only.
        newest = (_Fts.select(_Fts.rowid.alias("id"), _Fts.rank.alias("score"))
                  .where(pw.Expression(_Fts.ticket_search, "MATCH", match))
                  .order_by(_Fts.rowid.desc()).limit(CANDIDATES).alias("newest"))
        query = (query.join(newest, on=(newest.c.id == Ticket.id))
                 .order_by(newest.c.score, Ticket.id.desc()).limit(limit))
        return [row[0] for row in query.tuples()]
    tsquery = pw.fn.to_tsquery("russian", _tsquery(words))
    column = _PgSearch.staff_doc if actor.is_staff else _PgSearch.doc
    # The planner walks the scope's newest requests (indexes of migration 0006) checking their
    # documents for a common word, or reads a rare word's matches from the GIN index.
    newest = (query.select(Ticket.id, column.alias("doc")).join(_PgSearch, on=(_PgSearch.ticket_id == Ticket.id))
              .where(pw.Expression(column, "@@", tsquery)).order_by(Ticket.id.desc()).limit(CANDIDATES)
              .alias("newest"))
    best = (pw.Select([newest], [newest.c.id])
            .order_by(pw.fn.ts_rank(newest.c.doc, tsquery).desc(), newest.c.id.desc()).limit(limit).bind(db))
    return [row[0] for row in best.tuples()]
