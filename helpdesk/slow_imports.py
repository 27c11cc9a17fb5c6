"""aiogram takes seconds to import and its package has import cycles that break when two threads import
it at once (the bot starting, a queue worker rendering buttons, the Mini App's first call): every lazy
import of it, from any part of the program, holds this one lock."""

from __future__ import annotations

import importlib
import threading
from types import ModuleType

LOCK = threading.RLock()  # a module imported under it may import another lazily


def import_module(name: str) -> ModuleType:
    with LOCK:
        return importlib.import_module(name)
