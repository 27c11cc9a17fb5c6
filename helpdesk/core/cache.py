"""A short-lived cache for reference data read on every new request (types, SLA, calendar, branches, staff).

Such rows change rarely. Every write to a reference table (`db.models.ReferenceModel`: branches, users,
types, SLA, the calendar, settings) empties the cache of this process at once; instances sharing a
PostgreSQL database empty theirs when it commits (db/reference_events.py). The lifetime, CACHE_SECONDS
or an entry's own, shorter one, covers a notice lost while that listener reconnects.

The emptying comes when the writer builds its statement, before it commits: a read in between still sees
the old row. So nothing read within SETTLE_SECONDS of an emptying is kept (it is used once, not stored).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from helpdesk.db.models import on_reference_change

T = TypeVar("T")
CACHE_SECONDS = 30.0
SETTLE_SECONDS = 1.0  # longer than a reference write's transaction
MISSING = object()  # `peek`: nothing remembered
_entries: dict[str, tuple[float, float, object]] = {}  # key -> (loaded at, lifetime, value)
_generation = [0]  # bumped by every invalidation: a load that overlapped one is not kept
_invalidated_at = [float("-inf")]


def invalidate() -> None:
    _generation[0] += 1
    _invalidated_at[0] = time.monotonic()
    _entries.clear()


on_reference_change(invalidate)


def peek(key: str) -> object:
    """The remembered value, or MISSING; never loads (an event loop may ask without a thread hop)."""
    hit = _entries.get(key)
    if hit is not None and time.monotonic() - hit[0] < hit[1]:
        return hit[2]
    return MISSING


def cached(key: str, load: Callable[[], T], seconds: float = CACHE_SECONDS) -> T:
    hit = peek(key)
    if hit is not MISSING:
        return hit  # type: ignore[return-value]
    generation = _generation[0]
    now = time.monotonic()
    value = load()
    if generation == _generation[0] and now - _invalidated_at[0] > SETTLE_SECONDS:
        _entries[key] = (now, seconds, value)
    return value
