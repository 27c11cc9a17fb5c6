"""Long polling that handles a getUpdates batch's chats side by side and confirms the batch once handled.

aiogram's own choice is all or nothing: updates as tasks (confirmed to Telegram before they are handled, so
a process killed mid-update loses it) or one at a time (each waits for the previous one's database work and
replies). Here a batch's updates are split into lanes, one per chat, in update order; the lanes run
concurrently and the next getUpdates, whose offset confirms the batch, goes only after every lane finished.
A process killed mid-batch gets the whole batch again; OncePerUpdate drops the updates it had handled.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.dispatcher import DEFAULT_BACKOFF_CONFIG
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

log = logging.getLogger(__name__)


def lane_of(update: Update) -> int:
    """Updates of one chat keep their order (a form's steps, its state); other chats need not wait.
    An update with no chat (none of the allowed kinds, but a future one) gets a lane of its own."""
    if update.message is not None:
        return update.message.chat.id
    if update.edited_message is not None:
        return update.edited_message.chat.id
    query = update.callback_query
    if query is not None:
        message = query.message
        return message.chat.id if message is not None else query.from_user.id
    return -update.update_id - (1 << 62)  # below every chat id: never shared


def lanes(updates: list[Update]) -> list[list[Update]]:
    by_chat: dict[int, list[Update]] = {}
    for update in updates:
        by_chat.setdefault(lane_of(update), []).append(update)
    return list(by_chat.values())


class LanePolling(Dispatcher):
    """A Dispatcher whose polling loop handles a batch by chat lanes (see the module's docstring)."""

    async def _polling(self, bot: Bot, polling_timeout: int = 30, handle_as_tasks: bool = False,
                       backoff_config: BackoffConfig = DEFAULT_BACKOFF_CONFIG,
                       allowed_updates: list[str] | None = None, tasks_concurrency_limit: int | None = None,
                       **kwargs: Any) -> None:
        user = await bot.me()
        log.info("polling for bot @%s by chat lanes", user.username)
        get_updates = GetUpdates(timeout=polling_timeout, allowed_updates=allowed_updates)
        request: dict[str, Any] = {}
        if bot.session.timeout:  # the request must outlive the long poll
            request["request_timeout"] = int(bot.session.timeout + polling_timeout)
        backoff = Backoff(config=backoff_config)
        while True:
            try:
                updates = await bot(get_updates, **request)
            except Exception as exc:  # noqa: BLE001 - Telegram unreachable: wait and try again, never stop
                log.error("getUpdates failed (%s: %s); again in %.1f s", type(exc).__name__, exc,
                          backoff.next_delay)
                await backoff.asleep()
                continue
            backoff.reset()
            if not updates:
                continue
            await asyncio.gather(*(self._run_lane(bot, lane, kwargs) for lane in lanes(updates)))
            get_updates.offset = updates[-1].update_id + 1  # confirmed by the next call, all handled

    async def _run_lane(self, bot: Bot, lane: list[Update], kwargs: dict[str, Any]) -> None:
        for update in lane:
            await self._process_update(bot=bot, update=update, **kwargs)  # logs and swallows errors
