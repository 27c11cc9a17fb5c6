"""Outbox delivery to Telegram: notices per second through the Bot API emulator on loopback.

    python bench/outbox_delivery.py [--messages 500] [--chats 50]

`loop thread` is the transport helpdesk uses (one event loop and one kept-alive session in a thread of
its own, fed by the synchronous queue worker); `asyncio.run per notice` is the alternative it was chosen
over (a fresh session per notice). Both without rate limits, to show the client's own cost; then the
transport under Telegram's limits (30 a second overall), one notice per chat. Figures include the
outbox's database work (claim and finish per notice, SQLite).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable

from _common import fresh_database

from helpdesk.bot import client, notices
from helpdesk.bot.limits import TelegramLimits
from helpdesk.bot.transport import TelegramTransport
from helpdesk.core import outbox
from helpdesk.core.outbox import Transport
from helpdesk.db.models import OutboxMessage, User
from tests.support.botapi import BotApiEmulator

UNLIMITED = TelegramLimits(per_second=10**6, per_chat=0)


class PerNoticeTransport:
    """The road not taken: asyncio.run and a new session for every notice."""

    def __init__(self, token: str, api_url: str) -> None:
        self.token, self.api_url = token, api_url

    def send(self, message: OutboxMessage) -> str | None:
        parts, buttons = notices.compose(message)

        async def once() -> str | None:
            bot = client.build_bot(self.token, self.api_url, limits=UNLIMITED)
            try:
                return await notices.send(bot, message.address, parts, buttons)
            finally:
                await bot.session.close()

        return asyncio.run(once())

    def close(self) -> None:
        pass


def run(messages: int, chats: int, make: Callable[[BotApiEmulator], Transport]) -> float:
    _, cleanup = fresh_database("sqlite")
    users = [User.create(display_name=f"U{c}", role="admin", telegram_id=800_000 + c) for c in range(chats)]
    for i in range(messages):
        user = users[i % chats]
        OutboxMessage.create(channel="telegram", kind="access_approved", user=user, address=str(user.telegram_id),
                             payload={})
    with BotApiEmulator() as emulator:
        transport = make(emulator)
        transport.send(OutboxMessage.get())  # warm-up (aiogram's first request), not counted
        OutboxMessage.update(status="sent").where(OutboxMessage.id == OutboxMessage.get().id).execute()
        started = time.perf_counter()
        sent = 1
        while sent < messages:
            sent += outbox.deliver_due({"telegram": transport}).sent
        elapsed = time.perf_counter() - started
        transport.close()  # type: ignore[attr-defined]
    cleanup()
    return (messages - 1) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--chats", type=int, default=50)
    args = parser.parse_args()
    print(f"outbox delivery to the Bot API emulator ({args.messages} notices to {args.chats} chats)")
    rate = run(args.messages, args.chats, lambda e: TelegramTransport(e.token, e.base_url, limits=UNLIMITED))
    print(f"  loop thread, no limits            {rate:7.1f} notices/s")
    rate = run(args.messages, args.chats, lambda e: PerNoticeTransport(e.token, e.base_url))
    print(f"  asyncio.run per notice, no limits {rate:7.1f} notices/s")
    count = 150
    rate = run(count, count, lambda e: TelegramTransport(e.token, e.base_url, limits=TelegramLimits()))
    print(f"  loop thread, Telegram's limits    {rate:7.1f} notices/s ({count} chats, one notice each)")


if __name__ == "__main__":
    main()
