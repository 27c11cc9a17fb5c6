"""Cancel at any step, the main menu, edited messages."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from helpdesk.bot.callbacks import Step
from helpdesk.bot.keyboards import main_menu
from helpdesk.config import Settings
from helpdesk.i18n import N_, translate


def miniapp_url(settings: Settings) -> str | None:
    """Telegram opens Mini Apps over HTTPS only: without a public HTTPS address the app is not offered."""
    return f"{settings.public_url}/miniapp/" if settings.public_url.startswith("https://") else None


def menu_for(settings: Settings, lang: str):  # noqa: ANN201 - a reply keyboard
    return main_menu(lang, miniapp_url(settings))


async def on_cancel(message: Message, state: FSMContext, lang: str, settings: Settings) -> None:
    had = await state.get_state()
    await state.clear()
    text = N_("Cancelled. Nothing was sent.") if had else N_("Nothing to cancel.")
    await message.answer(translate(text, lang), reply_markup=menu_for(settings, lang))


async def on_cancel_button(query: CallbackQuery, state: FSMContext, lang: str, settings: Settings) -> None:
    await state.clear()
    await query.answer()
    if query.message is not None:
        await query.message.edit_text(translate("Cancelled. Nothing was sent.", lang))
        await query.message.answer(translate("Main menu", lang), reply_markup=menu_for(settings, lang))


async def on_edited(message: Message, lang: str) -> None:
    await message.reply(translate("Edits to sent messages are not applied. Send the corrected text as a new "
                                  "message.", lang))


def build_router() -> Router:
    router = Router(name="common")
    router.message.register(on_cancel, Command("cancel"))
    router.callback_query.register(on_cancel_button, Step.filter(F.action == "cancel"))
    router.edited_message.register(on_edited)
    return router
