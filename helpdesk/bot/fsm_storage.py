"""aiogram FSM storage in the database: a restart mid-form resumes the form where it was.

aiogram asks for the state of every update (the routers' state filters) and handlers ask for the data:
both are answered from memory once a chat's row was read or written here. Only this process's poller
writes these rows (one poller per bot token), so memory and table agree; writes still go to the table.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from helpdesk.db.models import BotState, utcnow


def _key(key: StorageKey) -> str:
    return f"{key.bot_id}:{key.chat_id}:{key.user_id}:{key.thread_id or 0}:{key.destiny}"


def _save(key: str, **fields: Any) -> None:
    fields["updated_at"] = utcnow()
    BotState.insert(key=key, **fields).on_conflict(conflict_target=[BotState.key], update=fields).execute()


def _load(key: str) -> BotState | None:
    return BotState.get_or_none(BotState.key == key)


class DatabaseStorage(BaseStorage):
    def __init__(self) -> None:
        self._known: dict[str, tuple[str | None, dict[str, Any]]] = {}  # key -> (state, data) as stored

    async def _get(self, key: str) -> tuple[str | None, dict[str, Any]]:
        known = self._known.get(key)
        if known is None:
            row = await asyncio.to_thread(_load, key)
            known = self._known[key] = (row.state, dict(row.data or {})) if row else (None, {})
        return known

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        name = _key(key)
        known = await self._get(name)
        if known[0] == value:  # /cancel with no form open, a step that keeps its state: nothing to write
            return
        await asyncio.to_thread(_save, name, state=value)
        self._known[name] = (value, known[1])

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._get(_key(key)))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        name = _key(key)
        stored = BotState.data.python_value(BotState.data.db_value(dict(data)))  # as the table gives it back
        known = await self._get(name)
        if known[1] == stored:
            return
        await asyncio.to_thread(_save, name, data=dict(data))
        self._known[name] = (known[0], stored)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return copy.deepcopy((await self._get(_key(key)))[1])  # a handler's changes count once it sets them

    async def close(self) -> None:
        return None
