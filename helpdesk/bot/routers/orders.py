"""Cartridge order: the branch's cartridges first, quantity, more lines, comment, summary, send."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from helpdesk.bot import keyboards, texts
from helpdesk.bot.callbacks import CartridgePage, PickCartridge, Quantity, Step
from helpdesk.bot.routers.common import menu_for
from helpdesk.bot.states import CartridgeOrder
from helpdesk.config import Settings
from helpdesk.core import catalog, fields, tickets
from helpdesk.core.actors import Actor
from helpdesk.core.errors import DomainError
from helpdesk.core.tickets import MAX_QUANTITY
from helpdesk.core.visibility import own_branch
from helpdesk.db.models import CartridgeModel, User
from helpdesk.i18n import N_, translate


async def _offers(user: User) -> list[catalog.CartridgeOffer]:
    return await asyncio.to_thread(catalog.offers_for_branch, user.branch)


async def start_order(message: Message, state: FSMContext, user: User, lang: str) -> None:
    if own_branch(Actor(user, "bot")) is None:
        await message.answer(translate("Cartridges are ordered by branch staff.", lang))
        return
    offers = await _offers(user)
    if not offers:
        await message.answer(translate("The cartridge catalog is empty. Ask your administrator to fill it.", lang))
        return
    await state.set_state(CartridgeOrder.cartridge)
    await state.set_data({"lines": {}, "page": 0})
    await message.answer(translate("Choose a cartridge (★ fits your printers):", lang),
                         reply_markup=keyboards.cartridges(offers, 0, lang))


async def turn_page(query: CallbackQuery, callback_data: CartridgePage, state: FSMContext, user: User,
                    lang: str) -> None:
    offers = await _offers(user)
    await state.update_data(page=callback_data.page)
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=keyboards.cartridges(offers, callback_data.page, lang))


async def pick_cartridge(query: CallbackQuery, callback_data: PickCartridge, state: FSMContext, lang: str) -> None:
    cartridge = await asyncio.to_thread(CartridgeModel.get_or_none, CartridgeModel.id == callback_data.cartridge_id)
    if cartridge is None or not cartridge.active:
        await query.answer(translate("Unknown cartridge model.", lang), show_alert=True)
        return
    await state.update_data(current=cartridge.id, current_name=cartridge.name)
    await state.set_state(CartridgeOrder.quantity)
    await query.answer()
    await query.message.edit_text(
        translate("How many «%(name)s»? Press a button or type a number from 1 to %(max)s.", lang,
                  name=cartridge.name, max=MAX_QUANTITY), reply_markup=keyboards.quantities(lang))


async def _add_line(state: FSMContext, quantity: int) -> dict:
    data = await state.get_data()
    lines = dict(data.get("lines", {}))
    key = str(data["current"])
    lines[key] = min(lines.get(key, 0) + quantity, MAX_QUANTITY)
    await state.update_data(lines=lines)
    await state.set_state(CartridgeOrder.more)
    return await state.get_data()


def _more_keyboard(lang: str):  # noqa: ANN202
    return keyboards.steps(lang, ("more", N_("➕ Add another cartridge")), ("done", N_("➡ Continue")))


async def quantity_button(query: CallbackQuery, callback_data: Quantity, state: FSMContext, lang: str) -> None:
    data = await _add_line(state, callback_data.value)
    await query.answer()
    summary = await asyncio.to_thread(texts.order_summary, data, lang)
    await query.message.edit_text(summary, reply_markup=_more_keyboard(lang))


async def quantity_typed(message: Message, state: FSMContext, lang: str) -> None:
    quantity = fields.parse_int(message.text)
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        await message.answer(translate("Type a whole number from 1 to %(max)s.", lang, max=MAX_QUANTITY),
                             reply_markup=keyboards.quantities(lang))
        return
    data = await _add_line(state, quantity)
    summary = await asyncio.to_thread(texts.order_summary, data, lang)
    await message.answer(summary, reply_markup=_more_keyboard(lang))


async def more(query: CallbackQuery, state: FSMContext, user: User, lang: str) -> None:
    data = await state.get_data()
    await state.set_state(CartridgeOrder.cartridge)
    await query.answer()
    offers = await _offers(user)
    await query.message.edit_text(translate("Choose a cartridge (★ fits your printers):", lang),
                                  reply_markup=keyboards.cartridges(offers, data.get("page", 0), lang))


async def done(query: CallbackQuery, state: FSMContext, lang: str) -> None:
    await state.set_state(CartridgeOrder.comment)
    await query.answer()
    await query.message.edit_text(translate("Add a comment for the warehouse, or press Skip.", lang),
                                  reply_markup=keyboards.steps(lang, ("skip", N_("Skip"))))


async def _show_confirm(target: Message, state: FSMContext, lang: str, edit: bool) -> None:
    await state.set_state(CartridgeOrder.confirm)
    summary = await asyncio.to_thread(texts.order_summary, await state.get_data(), lang)
    markup = keyboards.steps(lang, ("confirm", N_("✅ Send the request")), ("edit", N_("✏ Start the order again")))
    if edit:
        await target.edit_text(summary, reply_markup=markup)
    else:
        await target.answer(summary, reply_markup=markup)


async def comment_typed(message: Message, state: FSMContext, lang: str) -> None:
    try:  # the order's comment is its description: the domain's limit, not one of the bot's own
        text = tickets.clean_description(message.text, required=False)
    except DomainError as exc:
        await message.answer(exc.text(lang))
        return
    if not text:
        await message.answer(translate("Write a comment or press Skip.", lang))
        return
    await state.update_data(comment=text)
    await _show_confirm(message, state, lang, edit=False)


async def skip_comment(query: CallbackQuery, state: FSMContext, lang: str) -> None:
    await query.answer()
    await _show_confirm(query.message, state, lang, edit=True)


async def edit_order(query: CallbackQuery, state: FSMContext, user: User, lang: str) -> None:
    await state.update_data(lines={}, comment=None)
    await more(query, state, user, lang)


async def confirm(query: CallbackQuery, state: FSMContext, user: User, lang: str, settings: Settings,
                  update_id: int) -> None:
    data = await state.get_data()
    draft = tickets.TicketDraft("cartridges", description=data.get("comment") or "",
                                lines=[(int(cid), qty) for cid, qty in data.get("lines", {}).items()],
                                client_key=f"tg:{update_id}")
    try:
        ticket = await asyncio.to_thread(tickets.create, Actor(user, "bot"), draft)
    except DomainError as exc:
        await query.answer(exc.text(lang), show_alert=True)
        return
    await state.clear()
    await query.answer()
    await query.message.edit_text(translate("Request %(number)s is sent to the warehouse. I will tell you when "
                                            "its status changes.", lang, number=ticket.number))
    await query.message.answer(translate("Main menu", lang), reply_markup=menu_for(settings, lang))


def build_router() -> Router:
    router = Router(name="orders")
    not_menu = ~F.text.in_(keyboards.all_menu_texts())
    router.message.register(start_order, F.text.in_(keyboards.menu_texts("order")))
    router.callback_query.register(turn_page, CartridgePage.filter(), StateFilter(CartridgeOrder.cartridge))
    router.callback_query.register(pick_cartridge, PickCartridge.filter(), StateFilter(CartridgeOrder.cartridge))
    router.callback_query.register(quantity_button, Quantity.filter(), StateFilter(CartridgeOrder.quantity))
    router.message.register(quantity_typed, StateFilter(CartridgeOrder.quantity), F.text, not_menu)
    router.callback_query.register(more, Step.filter(F.action == "more"), StateFilter(CartridgeOrder.more))
    router.callback_query.register(done, Step.filter(F.action == "done"), StateFilter(CartridgeOrder.more))
    router.message.register(comment_typed, StateFilter(CartridgeOrder.comment), F.text, not_menu)
    router.callback_query.register(skip_comment, Step.filter(F.action == "skip"), StateFilter(CartridgeOrder.comment))
    router.callback_query.register(edit_order, Step.filter(F.action == "edit"), StateFilter(CartridgeOrder.confirm))
    router.callback_query.register(confirm, Step.filter(F.action == "confirm"), StateFilter(CartridgeOrder.confirm))
    return router
