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
PUBLIC_COLUMNS = "{number description people comments}"  # everything but the notes (FTS5 column filter)


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


def _fts5_query(words: list[str], staff: bool) -> str:
    parts = []
    for word in words:
        word = word.replace("_", " ").strip()
        if not word:
            continue
        if word.isdigit():
            parts.append(f'"{word}"')  # numbers match whole: "12" must not find 1200
        else:
            parts.append(f'"{RUSSIAN_ENDING.sub("", word)}"*')
    expression = " AND ".join(parts)
    return expression if staff or not expression else f"{PUBLIC_COLUMNS} : ({expression})"


def _tsquery(words: list[str]) -> str:
    # Words are \w+ only, so no tsquery operator can come from the user.
    return " & ".join(w if w.isdigit() else f"{w}:*" for w in (w.replace("_", "") for w in words) if w)


def ranked(actor: Actor, text: str, within: pw.ModelSelect | None = None, limit: int = MAX_RESULTS) -> list[int]:
    """Ids of the requests that match `text`, best first, among those the actor may see.

    `within` narrows the search to a Ticket query (the list's other filters); a full request number
    is looked up exactly. Every word must match somewhere: in the description, a comment (a note, for
    staff), the branch's code or name, the author's or assignee's name, or the number.
    """
    query = scope(within if within is not None else Ticket.select(), actor).select(Ticket.id)
    text = (text or "").strip()
    if is_number(text):
        return [row[0] for row in query.where(Ticket.number == text).order_by().tuples()]
    words = terms(text)
    if not words:
        return []
    if is_sqlite():
        match = _fts5_query(words, actor.is_staff)
        if not match:
            return []
        query = (query.join(_Fts, on=(_Fts.rowid == Ticket.id))
                 .where(pw.Expression(_Fts.ticket_search, "MATCH", match))
                 .order_by(_Fts.rank, Ticket.id.desc()))
    else:
        tsquery = pw.fn.to_tsquery("russian", _tsquery(words))
        column = _PgSearch.staff_doc if actor.is_staff else _PgSearch.doc
        query = (query.join(_PgSearch, on=(_PgSearch.ticket_id == Ticket.id))
                 .where(pw.Expression(column, "@@", tsquery))
                 .order_by(pw.fn.ts_rank(column, tsquery).desc(), Ticket.id.desc()))
    return [row[0] for row in query.limit(limit).tuples()]
