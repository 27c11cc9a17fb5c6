"""aiogram takes seconds to import and its package has import cycles that break when two threads import
it at once (the bot starting, a queue worker rendering buttons, the Mini App's first call): every lazy
import of it, from any part of the program, holds this one lock.

Most of that time and memory is aiogram.types building the pydantic validators of its ~400 models, which
it does in alphabetical order: a model built before the models it holds copies their validators into its
own, so Message's, Chat's, ... are copied again and again. Built leaves first, a model reuses the
validators already built for its fields' models (pydantic-core's prebuilt validators). Measured on this
stack (aiogram 3.31, pydantic 2.13): 17 MiB less resident (122 instead of 139 MiB for the bot's modules),
about the same CPU time."""

from __future__ import annotations

import importlib
import re
import sys
import threading
from types import ModuleType
from typing import Any, Literal, Optional, Union

LOCK = threading.RLock()  # a module imported under it may import another lazily
TYPES = "aiogram.types"
_NAME = re.compile(r"[A-Za-z_]\w*")


def import_module(name: str) -> ModuleType:
    with LOCK:
        if name.startswith("aiogram") or name.startswith("helpdesk.bot."):
            import_aiogram_types()
        return importlib.import_module(name)


def import_aiogram_types() -> ModuleType:
    """aiogram.types with every model's validator built, in the order leaves_first gives."""
    with LOCK:
        if TYPES in sys.modules:
            return sys.modules[TYPES]
        from pydantic import BaseModel

        original = BaseModel.__dict__["model_rebuild"]

        def later(cls: type[BaseModel], **kwargs: Any) -> Any:
            if cls.__module__.startswith(TYPES + "."):
                return None  # aiogram.types' own loop at its end: built below, in a better order
            return original.__get__(None, cls)(**kwargs)

        BaseModel.model_rebuild = classmethod(later)  # type: ignore[method-assign, assignment]
        try:
            types = importlib.import_module(TYPES)
        finally:
            BaseModel.model_rebuild = original  # type: ignore[method-assign]
        namespace = types_namespace(types)
        order = leaves_first(namespace)
        try:
            for name in order:
                namespace[name].model_rebuild(_types_namespace=namespace)
        finally:
            # Whatever this order missed (an aiogram that changed how it builds its types) is built the
            # way aiogram itself would: a bot that starts with more memory, never one that fails.
            for name in sorted(_models(namespace)):
                if not getattr(namespace[name], "__pydantic_complete__", True):
                    namespace[name].model_rebuild(force=True, _types_namespace=namespace)
        return types


def types_namespace(types: ModuleType) -> dict[str, Any]:
    """The names aiogram.types resolves its models' annotations in (as its own loop does)."""
    from aiogram.client.default import Default

    return {"List": list, "Optional": Optional, "Union": Union, "Literal": Literal, "Default": Default,
            **{name: getattr(types, name) for name in types.__all__}}


def leaves_first(namespace: dict[str, Any]) -> list[str]:
    """Every model of the namespace, each after the models its fields name (but within a cycle)."""
    models = _models(namespace)
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for needed in sorted(_named_models(namespace[name], models)):
            visit(needed)
        order.append(name)

    for name in sorted(models):
        visit(name)
    return order


def _models(namespace: dict[str, Any]) -> set[str]:
    return {name for name, value in namespace.items() if isinstance(value, type) and hasattr(value, "model_rebuild")
            and value.__module__.startswith(TYPES + ".")}


def _named_models(model: type, models: set[str]) -> set[str]:
    found: set[str] = set()
    for klass in model.__mro__:
        for annotation in klass.__dict__.get("__annotations__", {}).values():
            found.update(word for word in _NAME.findall(str(annotation)) if word in models)
    found.discard(model.__name__)
    return found
