"""Public request numbers `YYYY-NNNNNN`, unique under concurrent creation.

A per-year counter row is incremented inside the creating transaction: PostgreSQL's row lock and
SQLite's write lock (BEGIN IMMEDIATE) serialise creators, so no two get the same number.
"""

from __future__ import annotations

from helpdesk.db.database import db
from helpdesk.db.models import TicketCounter

_compiled: dict[tuple[type, int], tuple[str, list]] = {}


def next_number(year: int) -> str:
    """Call inside a write transaction."""
    rows = _increment(year)
    if not rows:  # the year's first request
        TicketCounter.insert(year=year, last=0).on_conflict_ignore().execute()
        rows = _increment(year)
    return f"{year}-{rows[0]:06d}"


def _increment(year: int) -> list[int]:
    # The same statement for every request of the year: compiled once per database and year.
    key = (type(db.obj), year)
    compiled = _compiled.get(key)
    if compiled is None:
        query = TicketCounter.update(last=TicketCounter.last + 1).where(TicketCounter.year == year)
        compiled = _compiled[key] = query.returning(TicketCounter.last).sql()
    return [row[0] for row in db.execute_sql(*compiled).fetchall()]
