"""aiogram FSM storage in the database: a restart mid-form resumes the form where it was."""

from __future__ import annotations

import asyncio
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
    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await asyncio.to_thread(_save, _key(key), state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await asyncio.to_thread(_load, _key(key))
        return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await asyncio.to_thread(_save, _key(key), data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await asyncio.to_thread(_load, _key(key))
        return dict(row.data or {}) if row else {}

    async def close(self) -> None:
        return None
