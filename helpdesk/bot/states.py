"""The bot's guided forms."""

from aiogram.fsm.state import State, StatesGroup


class CartridgeOrder(StatesGroup):
    cartridge = State()
    quantity = State()
    more = State()
    comment = State()
    confirm = State()


class IssueReport(StatesGroup):
    printer = State()
    describe = State()
    attachments = State()
    confirm = State()


class CommentForm(StatesGroup):
    text = State()


class RejectForm(StatesGroup):
    reason = State()
