"""The one Telegram client: aiogram's Bot, pointed at the configured Bot API server, within Telegram's limits.

The poller, the outbox's transport and the token check all make their Bot here.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from helpdesk.bot.limits import LIMITS, RateLimits, TelegramLimits

_RESPONSE_TYPES: dict[type, type] = {}


class KeepResponseTypes(BaseRequestMiddleware):
    """Holds on to the answer's model of every method called (`Response[Message]`, ...).

    aiogram parametrizes the generic on each call and pydantic keeps parametrized generics only weakly:
    the cyclic garbage collector drops them, and each rebuild costs milliseconds (5% of the bot's CPU in
    a burst of /help, see the README's "What bounds the bot").
    """

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Any:
        kind = type(method)
        if kind not in _RESPONSE_TYPES:
            _RESPONSE_TYPES[kind] = Response[method.__returning__]
        return await make_request(bot, method)


class BotApiUnreachable(ValueError):
    """The Bot API server cannot be reached or answered something that is not the Bot API.

    A ValueError, as the panel's token check catches "unreachable or garbled" as one case.
    """


def build_bot(token: str, api_url: str, *, pace_chats: bool = False, max_wait: float | None = None,
              limits: TelegramLimits = LIMITS, timeout: float | None = None) -> Bot:
    """A Bot whose calls wait for Telegram's limits (`pace_chats`: one message a second per chat too)."""
    options = {} if timeout is None else {"timeout": timeout}
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url), **options)
    session.middleware(KeepResponseTypes())
    session.middleware(RateLimits(limits, pace_chats=pace_chats, max_wait=max_wait))
    return Bot(token, session=session)


async def username(token: str, api_url: str, timeout: float = 10.0) -> str | None:
    """getMe on a short-lived session: the bot's username, or None when Telegram refuses the token."""
    bot = build_bot(token, api_url, timeout=timeout)
    try:
        me = await bot.get_me()
    except (TelegramUnauthorizedError, TelegramNotFound):  # 401 from the API, 404 for a malformed token
        return None
    except (TelegramNetworkError, TelegramServerError, ClientDecodeError, TimeoutError) as exc:
        raise BotApiUnreachable(f"{api_url} unreachable: {type(exc).__name__}") from None
    finally:
        await bot.session.close()
    return me.username


def check_token(token: str, api_url: str, timeout: float = 10.0) -> str | None:
    """`username` for synchronous callers (the CLI's check, the panel's "Check" button, in a thread)."""
    return asyncio.run(username(token, api_url, timeout))
