"""Who is writing (a filter that injects the user) and once-only updates (429s: see limits.py).

OncePerUpdate hands the sender (a User or None) to the filter and handlers as `sender`. A new update (see
handled.py) needs no thread hop before its handler when its sender is remembered (people.sender), one when
not; a redelivered one asks whether it was handled and who sent it in one hop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject, Update

from helpdesk.bot import handled
from helpdesk.core import maintenance, people
from helpdesk.core.cache import MISSING
from helpdesk.db.models import User
from helpdesk.i18n import translate

log = logging.getLogger(__name__)
UNKNOWN = object()  # no sender looked up (an update that did not come through OncePerUpdate)


class IsMember(Filter):
    """Passes for an active registered user and hands the handler `user` and `lang`."""

    async def __call__(self, event: Message | CallbackQuery, sender: User | None | object = UNKNOWN
                       ) -> bool | dict[str, Any]:
        if event.from_user is None:
            return False
        user = sender if sender is not UNKNOWN else await asyncio.to_thread(people.by_telegram_id,
                                                                              event.from_user.id)
        if not isinstance(user, User) or not user.active:
            return False
        return {"user": user, "lang": user.language}


def _seen_and_sender(update_id: int, telegram_id: int | None) -> tuple[bool, User | None]:
    if handled.was_handled(update_id):
        return True, None
    return False, people.sender(telegram_id) if telegram_id is not None else None


def sender_id(update: Update) -> int | None:
    event = update.message or update.edited_message or update.callback_query
    return event.from_user.id if event is not None and event.from_user is not None else None


class OncePerUpdate(BaseMiddleware):
    """An update handled before (redelivered after a crash, say) is dropped, not handled twice."""

    def __init__(self) -> None:
        self.handled = handled.HandledUpdates()

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        telegram_id = sender_id(event)
        if await self.handled.maybe_handled(event.update_id):
            seen, sender = await asyncio.to_thread(_seen_and_sender, event.update_id, telegram_id)
            if seen:
                log.info("update %s was handled before: dropped", event.update_id)
                return None
        else:  # surely new: the sender as remembered, else one hop to look it up
            sender = people.known_sender(telegram_id) if telegram_id is not None else None
            if sender is MISSING:
                sender = await asyncio.to_thread(people.sender, telegram_id)
        data["sender"] = sender
        data["update_id"] = event.update_id
        try:
            return await handler(event, data)
        finally:
            await self.handled.record(event.update_id)


class PausedForMove(BaseMiddleware):
    """While the database moves the poller is stopped; an update that arrived just before gets the
    maintenance answer instead of a half-done write (the poller takes the rest after the switch)."""

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        if not maintenance.active():
            return await handler(event, data)
        assert isinstance(event, Update)
        sender = (event.message or event.callback_query or event.inline_query or event.my_chat_member)
        lang = getattr(getattr(sender, "from_user", None), "language_code", None) or "ru"
        text = translate(maintenance.MESSAGE, "en" if lang == "en" else "ru")
        if event.message is not None:
            await event.message.answer(text)
        elif event.callback_query is not None:
            await event.callback_query.answer(text, show_alert=True)
        return None
