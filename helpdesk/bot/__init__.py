"""The Telegram bot (aiogram). Imported lazily: aiogram takes seconds to import."""

from __future__ import annotations

import importlib
from types import ModuleType

from helpdesk.slow_imports import LOCK as _import_lock  # shared with the Mini App's check of initData


def import_bot_module(name: str) -> ModuleType:
    """Import a bot module under one lock: aiogram's package has import cycles that break when two
    threads (the bot starting, a queue worker rendering buttons) import it at the same time."""
    with _import_lock:
        return importlib.import_module(name)
