"""/notifications: each event's channel and quiet hours, one button each (a press moves to the next choice)."""

from __future__ import annotations

import asyncio

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from helpdesk.bot.callbacks import NotifyChoice
from helpdesk.core import notify_prefs
from helpdesk.core.actors import Actor
from helpdesk.db.models import User
from helpdesk.i18n import N_, translate

LINE = N_("%(event)s: %(channel)s")
TITLE = N_("Notifications: press a line to change its channel.")
QUIET = {True: N_("🌙 Quiet hours: on"), False: N_("🔔 Quiet hours: off")}


def _keyboard(prefs: notify_prefs.Preferences, lang: str) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(
        text=translate(LINE, lang, event=translate(notify_prefs.EVENT_LABELS[event], lang),
                       channel=translate(notify_prefs.CHANNEL_LABELS[prefs.channel(event)], lang)),
        callback_data=NotifyChoice(event=event).pack())] for event in notify_prefs.EVENTS]
    rows.append([InlineKeyboardButton(text=translate(QUIET[prefs.quiet_hours], lang),
                                      callback_data=NotifyChoice(event="quiet").pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _next(user: User, event: str) -> notify_prefs.Preferences:
    prefs = notify_prefs.of(user)
    if event == "quiet":
        return notify_prefs.save(Actor(user, "bot"), user.id, {}, not prefs.quiet_hours)
    choices = notify_prefs.CHANNELS
    following = choices[(choices.index(prefs.channel(event)) + 1) % len(choices)]
    return notify_prefs.save(Actor(user, "bot"), user.id, {event: following}, prefs.quiet_hours)


async def show(message: Message, user: User, lang: str) -> None:
    prefs = await asyncio.to_thread(notify_prefs.of, user)
    await message.answer(translate(TITLE, lang), reply_markup=_keyboard(prefs, lang))


async def change(query: CallbackQuery, callback_data: NotifyChoice, user: User, lang: str) -> None:
    if callback_data.event != "quiet" and callback_data.event not in notify_prefs.EVENTS:
        await query.answer()
        return
    prefs = await asyncio.to_thread(_next, user, callback_data.event)
    await query.answer()
    await query.message.edit_text(translate(TITLE, lang), reply_markup=_keyboard(prefs, lang))


def build_router() -> Router:
    router = Router(name="notifications")
    router.message.register(show, Command("notifications"))
    router.callback_query.register(change, NotifyChoice.filter())
    return router
