"""aiogram takes seconds to import and its package has import cycles that break when two threads import
it at once (the bot starting, a queue worker rendering buttons, the Mini App's first call): every lazy
import of it, from any part of the program, holds this one lock.

aiogram declares its ~400 models `defer_build`, then builds every one of them at the end of aiogram.types
(the forward references of their fields resolve only in that package's namespace). Built one by one, each
model's validator and serializer hold their own copy of everything below them: measured on this stack
(aiogram 3.31, pydantic 2.13) that loop is ~2 s of CPU and ~90 MiB resident, for models of which the bot
uses a few dozen. Here that loop is skipped and each model is given the namespace instead, so pydantic
builds a model the first time it is used: Update's validator, with every model it holds, is one build of
~0.1 s and ~3 MiB. The models the bot uses at once are built here, under the lock, rather than by
whichever thread meets them first.
"""

from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType
from typing import Any, Literal, Optional, Union

LOCK = threading.RLock()  # a module imported under it may import another lazily
TYPES = "aiogram.types"


def import_module(name: str) -> ModuleType:
    with LOCK:
        if name.startswith("aiogram") or name.startswith("helpdesk.bot."):
            import_aiogram_types()
        return importlib.import_module(name)


def import_aiogram_types() -> ModuleType:
    """aiogram.types whose models pydantic builds when first used (HOT_* ones at once)."""
    with LOCK:
        if TYPES in sys.modules:
            return sys.modules[TYPES]
        from pydantic import BaseModel

        original = BaseModel.__dict__["model_rebuild"]

        def later(cls: type[BaseModel], **kwargs: Any) -> Any:
            if cls.__module__.startswith(TYPES + "."):
                return None  # aiogram.types' own loop at its end: each is built when first used
            return original.__get__(None, cls)(**kwargs)

        BaseModel.model_rebuild = classmethod(later)  # type: ignore[method-assign, assignment]
        try:
            types = importlib.import_module(TYPES)
        finally:
            BaseModel.model_rebuild = original  # type: ignore[method-assign]
        namespace = types_namespace(types)
        from aiogram import methods
        from aiogram.methods.base import Response

        for model in _subclasses(BaseModel):
            if model.__module__.startswith("aiogram."):
                # Read by pydantic when it builds the model on first use (Response[...] inherits it).
                model.__pydantic_parent_namespace__ = namespace
        hot = [getattr(types, name) for name in HOT_TYPES] + [getattr(methods, name) for name in HOT_METHODS]
        for model in (*hot, Response[bool], Response[types.User], Response[list[types.Update]]):
            model.model_rebuild(_types_namespace=namespace)
        return types


# Built at import: what every update and every answer meets (the rest is built when first used).
HOT_TYPES = ("Update", "User", "InlineKeyboardButton", "InlineKeyboardMarkup")
HOT_METHODS = ("GetUpdates", "SendMessage", "EditMessageText", "AnswerCallbackQuery")


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def types_namespace(types: ModuleType) -> dict[str, Any]:
    """The names aiogram.types resolves its models' annotations in (as its own loop does)."""
    from aiogram.client.default import Default

    return {"List": list, "Optional": Optional, "Union": Union, "Literal": Literal, "Default": Default,
            **{name: getattr(types, name) for name in types.__all__}}
