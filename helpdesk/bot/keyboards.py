"""Keyboards, built by small functions in the user's language."""

from __future__ import annotations

import functools

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    WebAppInfo,
)

from helpdesk.bot.callbacks import (
    AccessDecision,
    CartridgePage,
    MyPage,
    OpenTicket,
    PickCartridge,
    PickPrinter,
    Quantity,
    Step,
    TicketAction,
)
from helpdesk.core.actors import Actor
from helpdesk.core.catalog import CartridgeOffer
from helpdesk.core.lifecycle import action_label, allowed_actions
from helpdesk.db.models import Printer, Ticket
from helpdesk.i18n import LANGUAGES, N_, translate

MENU = {
    "order": N_("🖨 Order cartridges"),
    "repair": N_("🔧 Repair"),
    "maintenance": N_("🧰 Maintenance"),
    "it_help": N_("💻 IT help"),
    "my": N_("📋 My requests"),
    "miniapp": N_("📱 Open the app"),
}
PAGE_SIZE = 8
QUANTITIES = (1, 2, 3, 5, 10)


def menu_texts(key: str) -> set[str]:
    """The button's text in every language (a user may switch language between messages)."""
    return {translate(MENU[key], lang) for lang in LANGUAGES}


def all_menu_texts() -> set[str]:
    return set().union(*(menu_texts(key) for key in MENU))


@functools.cache  # one per language and app address, shared: no handler changes a keyboard it sends
def main_menu(lang: str, miniapp_url: str | None = None) -> ReplyKeyboardMarkup:
    t = lambda key: KeyboardButton(text=translate(MENU[key], lang))  # noqa: E731
    rows = [[t("order")], [t("repair"), t("maintenance")], [t("it_help"), t("my")]]
    if miniapp_url:
        label = MENU["miniapp"]
        rows.append([KeyboardButton(text=translate(label, lang), web_app=WebAppInfo(url=miniapp_url))])
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, is_persistent=True)


def _button(text: str, data: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())  # type: ignore[attr-defined]


def cancel_row(lang: str) -> list[InlineKeyboardButton]:
    return [_button(translate("✖ Cancel", lang), Step(action="cancel"))]


def cartridges(offers: list[CartridgeOffer], page: int, lang: str) -> InlineKeyboardMarkup:
    chunk = offers[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    rows = []
    for offer in chunk:
        stock = offer.stock_note(lang)
        mark = "★ " if offer.compatible else ""
        rows.append([_button(f"{mark}{offer.cartridge.name} · {stock}", PickCartridge(cartridge_id=offer.cartridge.id))])
    nav = []
    if page > 0:
        nav.append(_button("◀", CartridgePage(page=page - 1)))
    if (page + 1) * PAGE_SIZE < len(offers):
        nav.append(_button("▶", CartridgePage(page=page + 1)))
    if nav:
        rows.append(nav)
    rows.append(cancel_row(lang))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def quantities(lang: str) -> InlineKeyboardMarkup:
    row = [_button(str(n), Quantity(value=n)) for n in QUANTITIES]
    return InlineKeyboardMarkup(inline_keyboard=[row, cancel_row(lang)])


def steps(lang: str, *actions: tuple[str, str]) -> InlineKeyboardMarkup:
    """A column of form buttons: (action, label msgid) pairs, then Cancel."""
    rows = [[_button(translate(label, lang), Step(action=action))] for action, label in actions]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, cancel_row(lang)])


def printers(items: list[Printer], lang: str) -> InlineKeyboardMarkup:
    rows = [[_button(f"{p.model.name} · {p.inventory_number or '—'} · {p.location or ''}".strip(" ·"),
                     PickPrinter(printer_id=p.id))] for p in items]
    rows.append([_button(translate("Not about a printer", lang), PickPrinter(printer_id=0))])
    rows.append(cancel_row(lang))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def ticket_actions(actor: Actor, ticket: Ticket, lang: str) -> InlineKeyboardMarkup | None:
    """The buttons under a request, on its card and on its notices alike: one per action the domain
    allows this user now, and Comment while the request is not archived."""
    rows = [[_button(translate(action_label(ticket, a), lang), TicketAction(action=a, number=ticket.number))]
            for a in allowed_actions(actor, ticket)]
    if not ticket.archived:
        rows.append([_button(translate("💬 Comment", lang), TicketAction(action="comment", number=ticket.number))])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def access_decision(request_id: int, lang: str) -> InlineKeyboardMarkup:
    """Under an access request's notice to admins."""
    return InlineKeyboardMarkup(inline_keyboard=[[
        _button(translate("✅ Approve", lang), AccessDecision(request_id=request_id, action="approve")),
        _button(translate("⛔ Reject", lang), AccessDecision(request_id=request_id, action="reject"))]])


def open_tickets(numbers: list[str], per_row: int = 3) -> InlineKeyboardMarkup | None:
    """Under a message of several notices: a button per request (its number) that opens its card."""
    unique = list(dict.fromkeys(numbers))
    buttons = [_button(number, OpenTicket(number=number)) for number in unique]
    rows = [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def my_list(items: list[Ticket], page: int, pages: int, lang: str, label: callable) -> InlineKeyboardMarkup:  # type: ignore[valid-type]
    rows = [[_button(label(t), OpenTicket(number=t.number))] for t in items]
    nav = []
    if page > 1:
        nav.append(_button("◀", MyPage(page=page - 1)))
    if page < pages:
        nav.append(_button("▶", MyPage(page=page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(inline_keyboard=rows)
