"""Public request numbers `YYYY-NNNNNN`, unique under concurrent creation.

A per-year counter row is incremented inside the creating transaction: PostgreSQL's row lock and
SQLite's write lock (BEGIN IMMEDIATE) serialise creators, so no two get the same number.
"""

from __future__ import annotations

from helpdesk.db.models import TicketCounter


def next_number(year: int) -> str:
    """Call inside a write transaction."""
    rows = _increment(year)
    if not rows:  # the year's first request
        TicketCounter.insert(year=year, last=0).on_conflict_ignore().execute()
        rows = _increment(year)
    return f"{year}-{rows[0].last:06d}"


def _increment(year: int) -> list[TicketCounter]:
    query = TicketCounter.update(last=TicketCounter.last + 1).where(TicketCounter.year == year)
    return list(query.returning(TicketCounter.last).execute())
