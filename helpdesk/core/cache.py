"""A short-lived cache for reference data read on every new request (types, SLA, calendar, branches, staff).

Such rows change rarely. Every write to a reference table (`db.models.ReferenceModel`: branches, users,
types, SLA, the calendar, settings) empties the cache of this process at once; other instances see a
change within CACHE_SECONDS.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from helpdesk.db.models import on_reference_change

T = TypeVar("T")
CACHE_SECONDS = 30.0
_entries: dict[str, tuple[float, object]] = {}
_generation = [0]  # bumped by every invalidation: a load that overlapped one is not kept


def invalidate() -> None:
    _generation[0] += 1
    _entries.clear()


on_reference_change(invalidate)


def cached(key: str, load: Callable[[], T]) -> T:
    hit = _entries.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]  # type: ignore[return-value]
    generation = _generation[0]
    value = load()
    if generation == _generation[0]:
        _entries[key] = (now, value)
    return value
