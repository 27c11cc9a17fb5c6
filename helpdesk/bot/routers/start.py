"""/start (with or without an invite code), /help, and the answer to anyone without access."""

from __future__ import annotations

import asyncio

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from helpdesk.bot.routers.common import menu_for
from helpdesk.config import Settings
from helpdesk.core import people
from helpdesk.core.errors import DomainError
from helpdesk.db.models import User
from helpdesk.i18n import normalize_language, translate


def _name(message: Message) -> str:
    user = message.from_user
    return " ".join(filter(None, [user.first_name, user.last_name])) if user else ""


async def on_start(message: Message, command: CommandObject, state: FSMContext, settings: Settings) -> None:
    tg = message.from_user
    if tg is None:
        return
    lang = normalize_language(tg.language_code)
    user = await asyncio.to_thread(people.by_telegram_id, tg.id)
    if user is None and command.args:
        try:
            user = await asyncio.to_thread(people.redeem_invite, command.args.strip(), tg.id, _name(message),
                                           tg.username, lang)
        except DomainError as exc:
            await message.answer(exc.text(lang))
            return
    if user is None:
        await asyncio.to_thread(people.request_access, tg.id, _name(message), tg.username, lang)
        await message.answer(translate("Access requested. An administrator will review it; "
                                       "you will get a message here.", lang))
        return
    if not user.active:
        await message.answer(translate("Your account is deactivated.", user.language))
        return
    await state.clear()
    await message.answer(translate("Hello, %(name)s! You are registered in the helpdesk. Choose what you need.",
                                   user.language, name=user.display_name),
                         reply_markup=menu_for(settings, user.language))


async def on_help(message: Message, settings: Settings, sender: User | None) -> None:
    tg, user = message.from_user, sender  # the sender as OncePerUpdate looked it up
    lang = user.language if user else normalize_language(tg.language_code if tg else None)
    markup = menu_for(settings, lang) if user is not None and user.active else None
    await message.answer(translate("This bot accepts requests: cartridges, repairs, maintenance and IT help. "
                                   "Use the menu below; /my shows your requests, /cancel stops a form.", lang),
                         reply_markup=markup)


async def stranger_message(message: Message) -> None:
    lang = normalize_language(message.from_user.language_code if message.from_user else None)
    await message.answer(translate("You have no access yet. Send /start to ask for it.", lang))


async def stranger_button(query: CallbackQuery) -> None:
    lang = normalize_language(query.from_user.language_code)
    await query.answer(translate("You have no access yet. Send /start to ask for it.", lang), show_alert=True)


def build_router() -> Router:
    """A fresh router each time: aiogram attaches a router to one dispatcher only."""
    router = Router(name="start")
    router.message.register(on_start, CommandStart())
    router.message.register(on_help, Command("help"))
    return router


def build_strangers_router() -> Router:
    """Last in line: whatever no member handler took, from someone who is not a member."""
    router = Router(name="strangers")
    router.message.register(stranger_message)
    router.callback_query.register(stranger_button)
    return router
