"""/start (with or without an invite code) and /help."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message

from helpdesk.core import people
from helpdesk.core.errors import DomainError
from helpdesk.i18n import normalize_language, translate


def _name(message: Message) -> str:
    user = message.from_user
    return " ".join(filter(None, [user.first_name, user.last_name])) if user else ""


async def on_start(message: Message, command: CommandObject) -> None:
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
    await message.answer(translate("Hello, %(name)s! You are registered in the helpdesk.", user.language,
                                   name=user.display_name))


async def on_help(message: Message) -> None:
    tg = message.from_user
    user = await asyncio.to_thread(people.by_telegram_id, tg.id) if tg else None
    lang = user.language if user else normalize_language(tg.language_code if tg else None)
    await message.answer(translate("This bot accepts requests: cartridges, repairs, maintenance and IT help. "
                                   "Use the menu or /start.", lang))


async def on_other(message: Message) -> None:
    tg = message.from_user
    user = await asyncio.to_thread(people.by_telegram_id, tg.id) if tg else None
    if user is None or not user.active:
        lang = normalize_language(tg.language_code if tg else None)
        await message.answer(translate("You have no access yet. Send /start to ask for it.", lang))
        return
    await message.answer(translate("Use the menu or /help.", user.language))


def build_router() -> Router:
    """A fresh router each time: aiogram attaches a router to one dispatcher only."""
    router = Router(name="start")
    router.message.register(on_start, CommandStart())
    router.message.register(on_help, Command("help"))
    router.message.register(on_other, F.text)
    return router
