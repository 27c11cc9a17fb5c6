"""The Telegram bot (aiogram). Imported lazily: aiogram takes seconds to import."""

from __future__ import annotations

# One lock for every lazy import of aiogram, the Mini App's included (see helpdesk.slow_imports).
from helpdesk.slow_imports import import_module as import_bot_module

__all__ = ["import_bot_module"]
