"""Builds the Bot (pointed at the configured Bot API server) and the Dispatcher with its routers."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, BotCommandScopeDefault

from helpdesk.bot.routers import start
from helpdesk.config import Settings
from helpdesk.i18n import N_, translate

COMMANDS = (("start", N_("Start")), ("help", N_("Help")))


def build_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(settings.bot_token, session=session)


def build_dispatcher(settings: Settings) -> Dispatcher:
    dispatcher = Dispatcher(settings=settings)
    dispatcher.include_router(start.build_router())
    return dispatcher


async def set_commands(bot: Bot) -> None:
    for lang in ("ru", "en"):
        commands = [BotCommand(command=name, description=translate(label, lang)) for name, label in COMMANDS]
        await bot.set_my_commands(commands, scope=BotCommandScopeDefault(),
                                  language_code=None if lang == "ru" else lang)
