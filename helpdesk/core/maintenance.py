"""Writes paused while the database moves to PostgreSQL: one switch that every channel asks.

The web answers a write with 503 and Retry-After, the bot's poller stops taking updates (they wait in
Telegram), the queue stops; what would still try to write meets the SQLite write lock the move holds.
"""

from __future__ import annotations

import threading

from helpdesk.core.errors import N_, Unavailable

RETRY_AFTER = 60  # seconds: what clients are told to wait
MESSAGE = N_("Maintenance: the database is moving to a new server. Back in a minute; nothing you did is lost.")

_active = threading.Event()


def begin() -> None:
    _active.set()


def end() -> None:
    _active.clear()


def active() -> bool:
    return _active.is_set()


def refuse_writes() -> None:
    """Raise Unavailable while the move runs; channels call it before any change."""
    if _active.is_set():
        raise Unavailable(MESSAGE, retry_after=RETRY_AFTER)
