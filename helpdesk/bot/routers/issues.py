"""Repair, maintenance and IT help: the printer if relevant, a description, photos or files, confirm."""

from __future__ import annotations

import asyncio
import io
import logging

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from helpdesk.bot import keyboards
from helpdesk.bot.callbacks import PickPrinter, Step
from helpdesk.bot.routers.common import menu_for
from helpdesk.bot.states import IssueReport
from helpdesk.bot.texts import escape
from helpdesk.config import Settings
from helpdesk.core import attachments, catalog, tickets
from helpdesk.core.actors import Actor
from helpdesk.core.errors import DomainError
from helpdesk.core.visibility import own_branch
from helpdesk.db.models import Printer, Ticket, User
from helpdesk.i18n import N_, translate

log = logging.getLogger(__name__)
TYPES = ("repair", "maintenance", "it_help")
MAX_FILES = 10


def _branch_printers(user: User) -> list[Printer]:
    return list(Printer.select().where((Printer.branch == user.branch_id) & Printer.active).order_by(Printer.id))


async def start_issue(message: Message, state: FSMContext, user: User, lang: str) -> None:
    code = next(c for c in TYPES if message.text in keyboards.menu_texts(c))
    if own_branch(Actor(user, "bot")) is None:
        await message.answer(translate("Requests are created by branch staff; use the web panel for other "
                                       "branches.", lang))
        return
    await state.set_data({"type": code, "files": []})
    ticket_type = catalog.active_types_by_code().get(code)
    printers = await asyncio.to_thread(_branch_printers, user) if ticket_type and ticket_type.kind == "repair" else []
    if printers:
        await state.set_state(IssueReport.printer)
        await message.answer(translate("Which printer is it about?", lang),
                             reply_markup=keyboards.printers(printers, lang))
        return
    await _ask_description(message, state, lang)


async def _ask_description(message: Message, state: FSMContext, lang: str) -> None:
    await state.set_state(IssueReport.describe)
    await message.answer(translate("Describe the problem in one message. You can attach a photo with a caption.",
                                   lang), reply_markup=keyboards.steps(lang))


async def pick_printer(query: CallbackQuery, callback_data: PickPrinter, state: FSMContext, lang: str) -> None:
    await state.update_data(printer_id=callback_data.printer_id or None)
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await _ask_description(query.message, state, lang)


def _file_of(message: Message) -> dict | None:
    if message.photo:
        photo = message.photo[-1]  # the largest size
        return {"id": photo.file_id, "name": f"photo-{photo.file_unique_id}.jpg", "type": "image/jpeg"}
    if message.document:
        doc = message.document
        return {"id": doc.file_id, "name": doc.file_name or f"file-{doc.file_unique_id}",
                "type": doc.mime_type or "application/octet-stream"}
    return None


async def describe(message: Message, state: FSMContext, lang: str) -> None:
    try:
        text = tickets.clean_description(message.text or message.caption)
    except DomainError as exc:
        await message.answer(exc.text(lang))
        return
    data = await state.get_data()
    files = list(data.get("files", []))
    if (attached := _file_of(message)) is not None:
        files.append(attached)
    await state.update_data(description=text, files=files)
    await state.set_state(IssueReport.attachments)
    await message.answer(translate("Attach photos or files if they help, then press Continue.", lang),
                         reply_markup=keyboards.steps(lang, ("done", N_("➡ Continue"))))


async def attach(message: Message, state: FSMContext, lang: str) -> None:
    attached = _file_of(message)
    if attached is None:
        await message.answer(translate("Send a photo or a file, or press Continue.", lang),
                             reply_markup=keyboards.steps(lang, ("done", N_("➡ Continue"))))
        return
    data = await state.get_data()
    files = list(data.get("files", []))
    if len(files) >= MAX_FILES:
        await message.answer(translate("%(max)s files at most.", lang, max=MAX_FILES))
        return
    files.append(attached)
    await state.update_data(files=files)
    await message.answer(translate("Attached: %(n)s. Send more or press Continue.", lang, n=len(files)),
                         reply_markup=keyboards.steps(lang, ("done", N_("➡ Continue"))))


def _summary(data: dict, lang: str) -> str:
    ticket_type = catalog.active_types_by_code().get(data["type"])
    parts = [f"<b>{escape(catalog.type_name(ticket_type, lang) if ticket_type else data['type'])}</b>"]
    if data.get("printer_id"):
        printer = Printer.get_or_none(Printer.id == data["printer_id"])
        if printer is not None:
            parts.append(escape(f"🖨 {printer.model.name} · {printer.inventory_number}"))
    parts.append(escape(data.get("description", "")))
    if data.get("files"):
        parts.append(translate("Attached: %(n)s.", lang, n=len(data["files"])))
    return "\n".join(parts)


async def to_confirm(query: CallbackQuery, state: FSMContext, lang: str) -> None:
    await state.set_state(IssueReport.confirm)
    await query.answer()
    summary = await asyncio.to_thread(_summary, await state.get_data(), lang)
    await query.message.edit_text(summary, parse_mode="HTML",
                                  reply_markup=keyboards.steps(lang, ("confirm", N_("✅ Send the request"))))


async def _store_files(bot: Bot, actor: Actor, ticket: Ticket, files: list[dict], settings: Settings) -> int:
    stored = 0
    for item in files:
        try:
            telegram_file = await bot.get_file(item["id"])
            buffer = io.BytesIO()
            await bot.download_file(telegram_file.file_path, buffer)
            await asyncio.to_thread(attachments.add, actor, ticket, settings.uploads_dir, item["name"],
                                    buffer.getvalue(), item["type"], item["id"])
            stored += 1
        except Exception:  # one unreadable file must not lose the request
            log.exception("could not store attachment of %s", ticket.number)
    return stored


async def confirm(query: CallbackQuery, state: FSMContext, user: User, lang: str, settings: Settings, bot: Bot,
                  update_id: int) -> None:
    data = await state.get_data()
    actor = Actor(user, "bot")
    draft = tickets.TicketDraft(data["type"], description=data.get("description", ""),
                                printer_id=data.get("printer_id"), client_key=f"tg:{update_id}")
    try:
        ticket = await asyncio.to_thread(tickets.create, actor, draft)
    except DomainError as exc:
        await query.answer(exc.text(lang), show_alert=True)
        return
    await state.clear()
    await query.answer()
    stored = await _store_files(bot, actor, ticket, data.get("files", []), settings)
    text = translate("Request %(number)s is registered. I will tell you when its status changes.", lang,
                     number=ticket.number)
    if stored < len(data.get("files", [])):
        text += "\n" + translate("Some files could not be saved; send them as a comment.", lang)
    await query.message.edit_text(text)
    await query.message.answer(translate("Main menu", lang), reply_markup=menu_for(settings, lang))


def build_router() -> Router:
    router = Router(name="issues")
    not_menu = ~F.text.in_(keyboards.all_menu_texts())
    menu = set().union(*(keyboards.menu_texts(code) for code in TYPES))
    router.message.register(start_issue, F.text.in_(menu))
    router.callback_query.register(pick_printer, PickPrinter.filter(), StateFilter(IssueReport.printer))
    router.message.register(describe, StateFilter(IssueReport.describe), not_menu)
    router.message.register(attach, StateFilter(IssueReport.attachments), not_menu)
    router.callback_query.register(to_confirm, Step.filter(F.action == "done"), StateFilter(IssueReport.attachments))
    router.callback_query.register(confirm, Step.filter(F.action == "confirm"), StateFilter(IssueReport.confirm))
    return router
