"""Typed callback data (packed well under Telegram's 64 bytes)."""

from aiogram.filters.callback_data import CallbackData


class PickCartridge(CallbackData, prefix="pc"):
    cartridge_id: int


class CartridgePage(CallbackData, prefix="cpg"):
    page: int


class Quantity(CallbackData, prefix="qty"):
    value: int


class Step(CallbackData, prefix="st"):
    """A button of a form: more, done, skip, confirm, edit, cancel."""

    action: str


class PickPrinter(CallbackData, prefix="pp"):
    printer_id: int  # 0: none / not about a printer


class TicketAction(CallbackData, prefix="ta"):
    action: str  # a lifecycle action, or "comment"
    number: str


class OpenTicket(CallbackData, prefix="ot"):
    number: str


class AccessDecision(CallbackData, prefix="ad"):
    request_id: int
    action: str  # approve (then pick a branch), branch, reject
    branch_id: int = 0
    page: int = 0


class MyPage(CallbackData, prefix="my"):
    page: int


class NotifyChoice(CallbackData, prefix="nf"):
    event: str  # a notify_prefs event: the next channel; "quiet": quiet hours on/off
