"""Bot: updates per second and reply latency against the Bot API emulator, next to a bare aiogram echo bot.

    python bench/bot_throughput.py [--updates 400] [--chats 20]

Both bots are real aiogram pollers talking HTTP to the emulator on loopback. helpdesk's bot answers
/help for registered users (a database lookup, the once-per-update record, i18n); the echo bot answers
with the text. The ratio of the two is the figure to watch.

helpdesk's replies wait for Telegram's overall limit (30 messages a second, limits.py), which the echo bot
and the emulator know nothing of: within it a burst of /help cannot go faster than 30 a second whatever
the bot's own cost. So helpdesk runs twice: as shipped (the limit's figure) and with the limit lifted,
which measures the bot's own per-update cost; the ratio is taken on the second.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from _common import fresh_database, percentiles

from helpdesk.db.models import User
from tests.bot.harness import BotHarness
from tests.support.botapi import BotApiEmulator


def measure(emulator: BotApiEmulator, chats: list[int], updates: int, text: str) -> tuple[float, list[float]]:
    start_calls = len(emulator.calls)
    sent_before = len(emulator.sent(method="sendMessage"))
    injected: dict[int, list[float]] = {c: [] for c in chats}
    started = time.perf_counter()
    for i in range(updates):
        chat = chats[i % len(chats)]
        injected[chat].append(time.monotonic())
        emulator.user_sends(chat, text)
    emulator.wait_for(lambda c: c["method"] == "sendMessage" and c["ok"], timeout=300,
                      count=sent_before + updates)
    elapsed = time.perf_counter() - started
    replies: dict[int, list[float]] = {c: [] for c in chats}
    for call in emulator.calls[start_calls:]:
        if call["method"] == "sendMessage" and call["ok"]:
            replies[int(call["params"]["chat_id"])].append(call["at"])
    latencies = [r - s for c in chats for s, r in zip(injected[c], replies[c], strict=False)]
    return updates / elapsed, latencies


def one_at_a_time(emulator: BotApiEmulator, chat: int, count: int = 40) -> list[float]:
    """Reply latency with no queue: the next message goes only after the previous reply."""
    latencies = []
    for _ in range(count):
        before = len(emulator.sent(chat, "sendMessage"))
        started = time.monotonic()
        emulator.user_sends(chat, "/help")
        emulator.wait_for(lambda c: c["method"] == "sendMessage" and c["ok"]
                          and str(c["params"]["chat_id"]) == str(chat), count=before + 1, timeout=30)
        latencies.append(emulator.sent(chat, "sendMessage")[-1]["at"] - started)
    return latencies


def run_echo(updates: int, chats: list[int]) -> tuple[float, list[float]]:
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    with BotApiEmulator() as emulator:
        result: dict[str, tuple[float, list[float]]] = {}

        async def main() -> None:
            bot = Bot(emulator.token, session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url)))
            dp = Dispatcher()

            @dp.message()
            async def echo(message: Message) -> None:
                await message.answer(message.text or "?")

            task = asyncio.create_task(dp.start_polling(bot, handle_signals=False))
            await asyncio.sleep(0.5)
            result["r"] = await asyncio.to_thread(measure, emulator, chats, updates, "/help")
            result["single"] = (0.0, await asyncio.to_thread(one_at_a_time, emulator, chats[0]))
            await dp.stop_polling()
            await task

        asyncio.run(main())
        return result["r"], result["single"][1]


def run_helpdesk(updates: int, chats: list[int], per_second: int) -> tuple[float, list[float]]:
    from helpdesk.bot import limits

    # The process's one budget, as every Bot of the process shares it: re-made with the run's rate.
    limits.LIMITS.__init__(per_second=per_second)
    url, cleanup = fresh_database("sqlite")
    for chat in chats:
        User.create(display_name=f"User {chat}", role="admin", telegram_id=chat)
    import tempfile
    from pathlib import Path

    with BotApiEmulator() as emulator, BotHarness(emulator, Path(tempfile.mkdtemp())):
        rate = measure(emulator, chats, updates, "/help")
        single = one_at_a_time(emulator, chats[0])
    cleanup()
    return rate, single


def main() -> None:
    from helpdesk.bot import limits

    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=400)
    parser.add_argument("--chats", type=int, default=20)
    args = parser.parse_args()
    chats = [700_000 + i for i in range(args.chats)]
    (echo_rate, echo_lat), echo_single = run_echo(args.updates, chats)
    (hd_rate, hd_lat), hd_single = run_helpdesk(args.updates, chats, per_second=1_000_000)
    (tg_rate, tg_lat), _ = run_helpdesk(args.updates, chats, per_second=limits.PER_SECOND)
    print(f"bot throughput and reply latency ({args.updates} updates from {args.chats} chats, Bot API emulator)")
    for name, rate, lat in (("bare aiogram echo", echo_rate, echo_lat), ("helpdesk /help", hd_rate, hd_lat),
                            (f"helpdesk, {limits.PER_SECOND}/s", tg_rate, tg_lat)):
        p50, p95 = percentiles(lat)
        print(f"  {name:18s} {rate:7.0f} updates/s   latency p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms")
    print(f"  ratio helpdesk / echo: {hd_rate / echo_rate:.2f}   (helpdesk with Telegram's limit lifted; latency "
          "includes the burst's queue)")
    for name, lat in (("bare aiogram echo", echo_single), ("helpdesk /help", hd_single)):
        p50, p95 = percentiles(lat)
        print(f"  one at a time, {name:18s} reply latency p50 {p50 * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
