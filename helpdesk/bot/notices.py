"""An outbox notice as Telegram messages: its text in parts, the request's buttons, and what a failure
means to the outbox (try again later, or never)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import InlineKeyboardMarkup

from helpdesk.bot import keyboards
from helpdesk.bot.texts import MAX_MESSAGE, fit, split_text
from helpdesk.core.actors import Actor
from helpdesk.core.outbox import DeliveryError
from helpdesk.db.models import OutboxMessage
from helpdesk.i18n import ngettext, use_language
from helpdesk.notify.messages import render

HEADING_ROOM = 40  # "30 уведомлений" and the blank line under it, with room to spare
MAX_BLOCK = 1000  # one notice's share of a combined message: a long comment is cut, the request opens in full


def markup(message: OutboxMessage) -> InlineKeyboardMarkup | None:
    """What the recipient may do from the notice: the same buttons as on the request's card."""
    if message.user_id is None:
        return None
    if message.kind == "access_requested":
        return keyboards.access_decision(int(message.payload["access_request_id"]), message.user.language)
    if message.ticket_id is None:
        return None
    return keyboards.ticket_actions(Actor(message.user, "bot"), message.ticket, message.user.language)


def compose(message: OutboxMessage) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """The parts to send and the buttons for the last one (reads the database: call it in a worker)."""
    _, body = render(message)
    return split_text(body), markup(message)


def compose_many(messages: list[OutboxMessage]) -> tuple[int, tuple[list[str], InlineKeyboardMarkup | None]]:
    """One message from the first of one chat's notices (core/outbox_lanes.py decides which may go
    together): a heading "N notices", each notice's lines, within Telegram's 4096 characters, and the
    buttons: a single request's own, or for several a button per request that opens its card. Returns
    how many notices it holds and (parts, buttons) for `send`."""
    blocks: list[str] = []
    used = HEADING_ROOM
    for message in messages:
        block = fit(render(message)[1], MAX_BLOCK)
        if blocks and used + 2 + len(block) > MAX_MESSAGE:
            break
        blocks.append(block)
        used += 2 + len(block)
    if len(blocks) < 2:
        return 1, compose(messages[0])
    held = messages[:len(blocks)]
    lang = held[0].user.language if held[0].user_id else "ru"
    with use_language(lang):
        heading = ngettext("%(num)d notice", "%(num)d notices", len(blocks), num=len(blocks))
    about = {m.ticket_id for m in held}
    # About one request (its status changed twice): that request's own buttons, as on a single notice;
    # about several: a button per request that opens its card, where its buttons are.
    buttons = markup(held[-1]) if len(about) == 1 else keyboards.open_tickets(
        [m.ticket.number for m in held if m.ticket_id is not None])
    return len(blocks), (["\n\n".join([heading, *blocks])], buttons)


async def send(bot: Bot, chat: str, parts: list[str], buttons: InlineKeyboardMarkup | None) -> str | None:
    """Send the parts in order; returns the last message's id (to edit it later)."""
    message_id: int | None = None
    try:
        for index, part in enumerate(parts):
            sent = await bot.send_message(int(chat), part, reply_markup=buttons if index == len(parts) - 1 else None)
            message_id = sent.message_id
    except TelegramRetryAfter as exc:
        raise DeliveryError(f"Bot API rate limit: retry after {exc.retry_after}s",
                            retry_after=exc.retry_after) from None
    except TelegramUnauthorizedError:  # the token was revoked: a new one may come, the notice waits
        raise DeliveryError("Bot API refused the token") from None
    except (TelegramForbiddenError, TelegramBadRequest, TelegramNotFound) as exc:
        # Blocked by the user, a chat that does not exist, a text Telegram refuses: retrying cannot help.
        raise DeliveryError(f"Bot API refused: {exc.message}", permanent=True) from None
    except (TelegramAPIError, ClientDecodeError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"Bot API unreachable: {type(exc).__name__}") from None
    return None if message_id is None else str(message_id)
