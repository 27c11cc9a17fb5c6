"""The Telegram bot (aiogram). Imported lazily: aiogram takes seconds to import."""

from __future__ import annotations

import importlib
import threading
from types import ModuleType

_import_lock = threading.Lock()


def import_bot_module(name: str) -> ModuleType:
    """Import a bot module under one lock: aiogram's package has import cycles that break when two
    threads (the bot starting, a queue worker rendering buttons) import it at the same time."""
    with _import_lock:
        return importlib.import_module(name)
