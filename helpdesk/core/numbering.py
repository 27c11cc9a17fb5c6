"""Public request numbers `YYYY-NNNNNN`, unique under concurrent creation.

A per-year counter row is incremented inside the creating transaction: PostgreSQL's row lock and
SQLite's write lock (BEGIN IMMEDIATE) serialise creators, so no two get the same number.
"""

from __future__ import annotations

import re

from helpdesk.db.models import TicketCounter

NUMBER_RE = re.compile(r"^\d{4}-\d{6,}$")


def next_number(year: int) -> str:
    """Call inside a write transaction."""
    TicketCounter.insert(year=year, last=0).on_conflict_ignore().execute()
    TicketCounter.update(last=TicketCounter.last + 1).where(TicketCounter.year == year).execute()
    last = TicketCounter.select(TicketCounter.last).where(TicketCounter.year == year).scalar()
    return f"{year}-{last:06d}"


def looks_like_number(text: str) -> bool:
    return bool(NUMBER_RE.match(text.strip()))
