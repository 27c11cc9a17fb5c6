"""My requests, a request's card, and actions from buttons: staff accept/ship/reject, authors cancel/confirm."""

from __future__ import annotations

import asyncio
import contextlib

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from helpdesk.bot import keyboards, texts
from helpdesk.bot.callbacks import MyPage, OpenTicket, TicketAction
from helpdesk.bot.states import CommentForm, RejectForm
from helpdesk.core import lifecycle, stats, tickets, worklist
from helpdesk.core.actors import Actor
from helpdesk.core.errors import DomainError
from helpdesk.core.visibility import get_visible
from helpdesk.db.models import User
from helpdesk.i18n import N_, translate

PER_PAGE = 8


def _my_page(user: User, page: int, lang: str) -> tuple[str, InlineKeyboardMarkup | None]:
    actor = Actor(user, "bot")
    result = tickets.search(actor, worklist.my_requests(actor, page, PER_PAGE))
    if not result.total:
        return translate("You have no requests yet.", lang), None
    if user.role == "branch":
        title = translate("Your requests: %(n)s", lang, n=result.total)
    else:  # resolved requests wait for their authors, not for staff: counted apart, as on the dashboard
        awaiting = stats.open_counts(actor).awaiting
        title = translate("Open requests: %(n)s", lang, n=result.total)
        if awaiting:
            awaiting_label = translate(lifecycle.AWAITING_LABEL, lang)
            title += f"\n{awaiting_label}: {awaiting}"
    markup = keyboards.my_list(result.items, result.page, result.pages, lang, lambda t: texts.list_line(t, lang))
    return title, markup


async def my_requests(message: Message, state: FSMContext, user: User, lang: str) -> None:
    await state.clear()
    text, markup = await asyncio.to_thread(_my_page, user, 1, lang)
    await message.answer(text, reply_markup=markup)


async def my_page(query: CallbackQuery, callback_data: MyPage, user: User, lang: str) -> None:
    text, markup = await asyncio.to_thread(_my_page, user, callback_data.page, lang)
    await query.answer()
    await query.message.edit_text(text, reply_markup=markup)


def _card(user: User, number: str, lang: str) -> tuple[str, InlineKeyboardMarkup | None]:
    actor = Actor(user, "bot")
    ticket = get_visible(actor, number)
    return texts.ticket_card(ticket, actor, lang), keyboards.ticket_actions(actor, ticket, lang)


async def open_ticket(query: CallbackQuery, callback_data: OpenTicket, user: User, lang: str) -> None:
    try:
        text, markup = await asyncio.to_thread(_card, user, callback_data.number, lang)
    except DomainError as exc:
        await query.answer(exc.text(lang), show_alert=True)
        return
    await query.answer()
    await query.message.answer(text, reply_markup=markup, parse_mode="HTML")


async def _refresh(query: CallbackQuery, user: User, number: str, lang: str, note: str = "") -> None:
    """Show the request as it is now, in place of the pressed message."""
    text, markup = await asyncio.to_thread(_card, user, number, lang)
    if note:
        text = texts.fit(f"{text}\n\n{note}")
    try:
        await query.message.edit_text(text, reply_markup=markup, parse_mode="HTML")
    except TelegramBadRequest:  # unchanged (pressed twice) or too old to edit: send it anew
        await query.message.answer(text, reply_markup=markup, parse_mode="HTML")


def _may_ask(actor: Actor, number: str, action: str) -> None:
    """Ask for a comment or a reason only when the domain would take it: the button may be old, or forged."""
    ticket = get_visible(actor, number)
    if action == "reject":
        lifecycle.check_allowed(actor, ticket, action)


async def act(query: CallbackQuery, callback_data: TicketAction, state: FSMContext, user: User, lang: str) -> None:
    number, action = callback_data.number, callback_data.action
    actor = Actor(user, "bot")
    if action in ("comment", "reject"):
        try:
            await asyncio.to_thread(_may_ask, actor, number, action)
        except DomainError as exc:
            await query.answer(exc.text(lang), show_alert=True)
            return
        await state.set_state(CommentForm.text if action == "comment" else RejectForm.reason)
        await state.set_data({"number": number})
        await query.answer()
        prompt = N_("Write your comment to %(number)s.") if action == "comment" else N_("Why is %(number)s rejected?")
        await query.message.answer(translate(prompt, lang, number=number), reply_markup=keyboards.steps(lang))
        return
    try:
        await asyncio.to_thread(lambda: lifecycle.transition(actor, get_visible(actor, number), action))
    except DomainError as exc:
        # A stale button: the request moved on. Say why, and show it as it is now.
        await query.answer(exc.text(lang), show_alert=True)
        with contextlib.suppress(DomainError):
            await _refresh(query, user, number, lang)
        return
    await query.answer(translate("Done.", lang))
    await _refresh(query, user, number, lang, translate("%(who)s: %(action)s", lang, who=user.display_name,
                                                        action=translate(lifecycle.TRANSITIONS[action].label, lang)))


async def comment_text(message: Message, state: FSMContext, user: User, lang: str) -> None:
    data = await state.get_data()
    actor = Actor(user, "bot")
    try:
        await asyncio.to_thread(lambda: tickets.add_comment(actor, get_visible(actor, data["number"]),
                                                            message.text or ""))
    except DomainError as exc:
        await message.answer(exc.text(lang))
        return
    await state.clear()
    await message.answer(translate("Comment added to %(number)s.", lang, number=data["number"]))


async def reject_reason(message: Message, state: FSMContext, user: User, lang: str) -> None:
    data = await state.get_data()
    actor = Actor(user, "bot")
    try:
        await asyncio.to_thread(lambda: lifecycle.transition(actor, get_visible(actor, data["number"]), "reject",
                                                             message.text or ""))
    except DomainError as exc:
        await message.answer(exc.text(lang))
        if exc.field != "reason":
            await state.clear()
        return
    await state.clear()
    await message.answer(translate("Request %(number)s is rejected; the author is told.", lang,
                                   number=data["number"]))


def build_router() -> Router:
    router = Router(name="tickets")
    not_menu = ~F.text.in_(keyboards.all_menu_texts())
    router.message.register(my_requests, F.text.in_(keyboards.menu_texts("my")))
    router.message.register(my_requests, Command("my"))
    router.callback_query.register(my_page, MyPage.filter())
    router.callback_query.register(open_ticket, OpenTicket.filter())
    router.callback_query.register(act, TicketAction.filter())
    router.message.register(comment_text, StateFilter(CommentForm.text), F.text, not_menu)
    router.message.register(reject_reason, StateFilter(RejectForm.reason), F.text, not_menu)
    return router
