"""A short-lived cache for reference data read on every new request (types, SLA, calendar).

Such rows change rarely, from the settings pages, which call `invalidate()`; other instances see a
change within CACHE_SECONDS.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
CACHE_SECONDS = 30.0
_entries: dict[str, tuple[float, object]] = {}


def invalidate() -> None:
    _entries.clear()


def cached(key: str, load: Callable[[], T]) -> T:
    hit = _entries.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]  # type: ignore[return-value]
    value = load()
    _entries[key] = (now, value)
    return value
