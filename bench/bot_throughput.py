"""Bot: updates per second and reply latency against the Bot API emulator, next to a bare aiogram echo bot.

    python bench/bot_throughput.py [--updates 400] [--chats 20]

Both bots are real aiogram pollers talking HTTP to the emulator on loopback. helpdesk's bot answers
/help for registered users (a database lookup, the once-per-update record, i18n); the echo bot answers
with the text. The ratio of the two is the figure to watch.

helpdesk's replies wait for Telegram's overall limit (30 messages a second, limits.py), which the echo bot
and the emulator know nothing of: within it a burst of /help cannot go faster than 30 a second whatever
the bot's own cost. So helpdesk runs twice: as shipped (the limit's figure) and with the limit lifted,
which measures the bot's own per-update cost; the ratio is taken on the second.

The echo bot runs twice too: on aiogram's own poller (the anchor: updates as tasks) and on helpdesk's
(`LanePolling`, chats side by side, a batch confirmed once handled), so the poller's share is seen apart.
Every bot runs in a thread of its own with its own event loop, the emulator in another, the driver in the
main one. Beside the rate each line gives the bot's CPU per update: the process's CPU over the burst less
the emulator's thread and the driver's, a figure the box's load sways far less than the rate.
`--rounds N` repeats the pair (echo, helpdesk) N times in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from _common import fresh_database, percentiles

from helpdesk.core import cache
from helpdesk.db.models import User
from tests.bot.harness import BotHarness
from tests.support.botapi import BotApiEmulator

ALLOWED = ["message", "edited_message", "callback_query"]


@dataclass
class Burst:
    rate: float  # updates a second
    latencies: list[float]  # from injection to the reply, the burst's queue included
    cpu: float  # the bot's CPU seconds per update


def measure(emulator: BotApiEmulator, chats: list[int], updates: int, text: str) -> Burst:
    start_calls = len(emulator.calls)
    sent_before = len(emulator.sent(method="sendMessage"))
    injected: dict[int, list[float]] = {c: [] for c in chats}
    cpu, emulator_cpu, driver_cpu = time.process_time(), emulator.cpu_seconds(), time.thread_time()
    started = time.perf_counter()
    for i in range(updates):
        chat = chats[i % len(chats)]
        injected[chat].append(time.monotonic())
        emulator.user_sends(chat, text)
    emulator.wait_for(lambda c: c["method"] == "sendMessage" and c["ok"], timeout=300,
                      count=sent_before + updates)
    elapsed = time.perf_counter() - started
    bot_cpu = (time.process_time() - cpu) - (emulator.cpu_seconds() - emulator_cpu) - (time.thread_time() - driver_cpu)
    replies: dict[int, list[float]] = {c: [] for c in chats}
    for call in emulator.calls[start_calls:]:
        if call["method"] == "sendMessage" and call["ok"]:
            replies[int(call["params"]["chat_id"])].append(call["at"])
    latencies = [r - s for c in chats for s, r in zip(injected[c], replies[c], strict=False)]
    return Burst(updates / elapsed, latencies, bot_cpu / updates)


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


class EchoBot:
    """A bare aiogram echo bot polling the emulator from a thread of its own (as BotHarness runs helpdesk's)."""

    def __init__(self, emulator: BotApiEmulator, lanes: bool) -> None:
        self.emulator, self.lanes = emulator, lanes
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    def __enter__(self) -> EchoBot:
        from aiogram import Bot, Dispatcher
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer
        from aiogram.types import Message

        from helpdesk.bot.polling import LanePolling

        started = threading.Event()

        async def main() -> None:
            self._stop = asyncio.Event()
            bot = Bot(self.emulator.token,
                      session=AiohttpSession(api=TelegramAPIServer.from_base(self.emulator.base_url)))
            dp = LanePolling() if self.lanes else Dispatcher()

            @dp.message()
            async def echo(message: Message) -> None:
                await message.answer(message.text or "?")

            # aiogram's poller as it comes (updates as tasks), or helpdesk's with the runner's arguments.
            options = {"handle_as_tasks": False, "allowed_updates": ALLOWED} if self.lanes else {}
            task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, **options))
            started.set()
            await self._stop.wait()
            await dp.stop_polling()
            await task

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(main())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="echo-bot", daemon=True)
        self._thread.start()
        assert started.wait(30), "the echo bot did not start"
        self.emulator.wait_for(lambda c: c["method"] == "getMe", timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._stop is not None and self._thread is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


def run_echo(updates: int, chats: list[int], lanes: bool) -> tuple[Burst, list[float]]:
    with BotApiEmulator() as emulator, EchoBot(emulator, lanes):
        time.sleep(0.3)  # the first long poll is waiting
        burst = measure(emulator, chats, updates, "/help")
        return burst, one_at_a_time(emulator, chats[0])


def run_helpdesk(updates: int, chats: list[int], per_second: int) -> tuple[Burst, list[float]]:
    from helpdesk.bot import limits

    # The process's one budget, as every Bot of the process shares it: re-made with the run's rate.
    limits.LIMITS.__init__(per_second=per_second)
    url, cleanup = fresh_database("sqlite")
    for chat in chats:
        User.create(display_name=f"User {chat}", role="admin", telegram_id=chat)
    # Members registered a moment ago: what is read within a second of a user's change is not remembered
    # (core/cache.py), and a running bot's members are older than that.
    time.sleep(cache.SETTLE_SECONDS)
    with BotApiEmulator() as emulator, BotHarness(emulator, Path(tempfile.mkdtemp())):
        burst = measure(emulator, chats, updates, "/help")
        single = one_at_a_time(emulator, chats[0])
    cleanup()
    return burst, single


def line(name: str, burst: Burst) -> str:
    p50, p95 = percentiles(burst.latencies)
    return (f"  {name:24s} {burst.rate:6.0f} updates/s   CPU {burst.cpu * 1000:5.2f} ms/update   "
            f"latency p50 {p50 * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms")


def main() -> None:
    from helpdesk.bot import limits

    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=400)
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1, help="echo and helpdesk, this many times in turn")
    parser.add_argument("--no-limit-run", action="store_true", help="skip the run within Telegram's 30/s")
    args = parser.parse_args()
    chats = [700_000 + i for i in range(args.chats)]
    print(f"bot throughput and reply latency ({args.updates} updates from {args.chats} chats, Bot API emulator)")
    for round_ in range(args.rounds):
        (echo, echo_single) = run_echo(args.updates, chats, lanes=False)
        (echo_lanes, _) = run_echo(args.updates, chats, lanes=True)
        (ours, ours_single) = run_helpdesk(args.updates, chats, per_second=1_000_000)
        if args.rounds > 1:
            print(f" round {round_ + 1}")
        print(line("bare aiogram echo", echo))
        print(line("echo on LanePolling", echo_lanes))
        print(line("helpdesk /help", ours))
        print(f"  ratio helpdesk / echo: {ours.rate / echo.rate:.2f}  (/ echo on LanePolling: "
              f"{ours.rate / echo_lanes.rate:.2f}); CPU per update {ours.cpu / echo.cpu:.2f}x the echo's")
        if round_ == 0:
            for name, lat in (("bare aiogram echo", echo_single), ("helpdesk /help", ours_single)):
                p50, p95 = percentiles(lat)
                print(f"  one at a time, {name:18s} reply latency p50 {p50 * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms")
    if not args.no_limit_run:
        limited, _ = run_helpdesk(args.updates, chats, per_second=limits.PER_SECOND)
        print(line(f"helpdesk, {limits.PER_SECOND}/s (as shipped)", limited))
    print("  (helpdesk's ratio with Telegram's limit lifted; latencies include the burst's queue)")


if __name__ == "__main__":
    main()
