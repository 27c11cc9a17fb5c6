"""Builds the Bot (pointed at the configured Bot API server) and the Dispatcher with its routers."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import (
    BotCommand,
    BotCommandScopeDefault,
    ErrorEvent,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)

from helpdesk.bot import client
from helpdesk.bot.fsm_storage import DatabaseStorage
from helpdesk.bot.keyboards import MENU
from helpdesk.bot.middleware import IsMember, OncePerUpdate, PausedForMove
from helpdesk.bot.polling import LanePolling
from helpdesk.bot.routers import access, common, issues, notifications, orders, start, tickets
from helpdesk.config import Settings
from helpdesk.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, translate

log = logging.getLogger(__name__)
COMMANDS = (("start", N_("Start")), ("my", N_("My requests")), ("notifications", N_("Notification settings")),
            ("cancel", N_("Cancel the form")), ("help", N_("Help")))


def build_bot(settings: Settings) -> Bot:
    return client.build_bot(settings.bot_token, settings.telegram_api_url)


def _members() -> Router:
    members = Router(name="members")
    for observer in (members.message, members.callback_query, members.edited_message):
        observer.filter(IsMember())
    members.include_routers(common.build_router(), tickets.build_router(), orders.build_router(),
                            issues.build_router(), access.build_router(), notifications.build_router())
    return members


async def on_error(event: ErrorEvent) -> bool:
    if isinstance(event.exception, TelegramForbiddenError):
        log.warning("a user blocked the bot: %s", event.exception.message)
    else:
        log.error("update %s failed: %s", event.update.update_id, event.exception, exc_info=event.exception)
    return True  # handled: the poller goes on


def build_dispatcher(settings: Settings) -> Dispatcher:
    dispatcher = LanePolling(storage=DatabaseStorage(), settings=settings)
    dispatcher.update.outer_middleware(PausedForMove())
    once = OncePerUpdate()
    dispatcher.update.outer_middleware(once)
    dispatcher.startup.register(once.handled.forget)  # each start of polling reads the newest record anew
    dispatcher.include_routers(start.build_router(), _members(), start.build_strangers_router())
    dispatcher.errors.register(on_error)
    return dispatcher


async def set_commands(bot: Bot) -> None:
    for lang in LANGUAGES:
        commands = [BotCommand(command=name, description=translate(label, lang)) for name, label in COMMANDS]
        await bot.set_my_commands(commands, scope=BotCommandScopeDefault(),
                                  language_code=None if lang == DEFAULT_LANGUAGE else lang)


async def set_menu_button(bot: Bot, settings: Settings) -> None:
    """The chat's menu button opens the Mini App when it is published over HTTPS, else the command list."""
    url = settings.miniapp_url
    button = (MenuButtonWebApp(text=translate(MENU["miniapp"], settings.lang), web_app=WebAppInfo(url=url))
              if url else MenuButtonDefault())
    await bot.set_chat_menu_button(menu_button=button)
