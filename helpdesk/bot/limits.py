"""Telegram's rate limits for the one bot, in one place: every Bot the process makes goes through them.

About 30 messages a second overall, about one a second to the same chat for notices and 20 a minute to a
group (replies to what a user just did go at once), and after a 429 nobody sends before its retry_after
has passed.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import math
import threading
import time
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods.base import TelegramMethod, TelegramType

log = logging.getLogger(__name__)

PER_SECOND = 30
PER_CHAT_INTERVAL = 1.0
PER_GROUP_INTERVAL = 3.0  # 20 a minute; a group's (or channel's) chat id is negative
MAX_RETRIES = 3


class TelegramLimits:
    """Hands out send times. Thread-safe: the poller and the outbox's loop live in different threads."""

    def __init__(self, per_second: int = PER_SECOND, per_chat: float = PER_CHAT_INTERVAL,
                 per_group: float | None = None) -> None:
        self.per_second = per_second
        self.per_chat = per_chat
        self.per_group = PER_GROUP_INTERVAL * per_chat / PER_CHAT_INTERVAL if per_group is None else per_group
        self._lock = threading.Lock()
        self._recent: collections.deque[float] = collections.deque(maxlen=per_second)
        self._chat_next: dict[str, float] = {}
        self._paused_until = 0.0

    def chat_slot(self, chat: str) -> float:
        """Book the chat's next turn (one a second, a group's one in three); returns the seconds to wait."""
        with self._lock:
            now = time.monotonic()
            at = max(now, self._chat_next.get(chat, 0.0))
            self._chat_next[chat] = at + (self.per_group if chat.startswith("-") else self.per_chat)
            if len(self._chat_next) > 10_000:  # forget chats whose turn passed long ago
                self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
            return at - now

    def slot(self) -> float:
        """Book the earliest send time the overall limit allows; returns the seconds to wait for it.
        Booked times only grow, so the oldest of the last `per_second` bookings bounds the next one."""
        with self._lock:
            now = time.monotonic()
            at = max(now, self._paused_until)
            if len(self._recent) == self.per_second:
                at = max(at, self._recent[0] + 1.0)
            self._recent.append(at)
            return at - now

    def pause(self, seconds: float) -> None:
        """Telegram said 429: hold every send of this bot for that long."""
        with self._lock:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def paused_for(self) -> float:
        with self._lock:
            return max(0.0, self._paused_until - time.monotonic())


LIMITS = TelegramLimits()  # one bot per process, so one budget


class RateLimits(BaseRequestMiddleware):
    """Waits for a slot before each call that goes to a chat; waits out a 429 and tries again.

    `max_wait`: a longer retry_after is raised to the caller (the outbox reschedules the notice
    instead of holding a worker thread).
    """

    def __init__(self, limits: TelegramLimits = LIMITS, pace_chats: bool = False,
                 max_wait: float | None = None) -> None:
        self.limits = limits
        self.pace_chats = pace_chats
        self.max_wait = max_wait

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Any:
        chat = getattr(method, "chat_id", None)
        if chat is None:  # answers to button presses, getUpdates, getMe: not messages to a chat
            return await make_request(bot, method)
        if self.pace_chats:
            await _sleep(self.limits.chat_slot(str(chat)))
        for attempt in range(MAX_RETRIES + 1):
            paused = self.limits.paused_for()
            if self.max_wait is not None and paused > self.max_wait:  # an earlier 429 still holds
                raise TelegramRetryAfter(method=method, message="Too Many Requests (paused)",
                                         retry_after=math.ceil(paused))
            await _sleep(self.limits.slot())
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                self.limits.pause(exc.retry_after)
                too_long = self.max_wait is not None and exc.retry_after > self.max_wait
                if attempt == MAX_RETRIES or too_long:
                    raise
                log.warning("Telegram asks to wait %ss before %s", exc.retry_after, type(method).__name__)
        return None


async def _sleep(seconds: float) -> None:
    if seconds > 0:
        await asyncio.sleep(seconds)
